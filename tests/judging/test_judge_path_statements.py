"""How many SQL statements each request of a judge's scoring path costs, counted over the whole
request (the session and sign-in machinery included), on a small and a large competition: each
stays within its budget, and the large competition costs exactly what the small one does (no
statement per assignment, criterion, evidence item, conflict, judge or entry).

The requests are those a browser makes while a judge works through their list: the list, the
scoring page, an autosave (posted as ``scoring.js`` posts it: the whole form, asking for JSON),
the summary before confirming, confirming (also when it completes the entry's judging) and the
page the confirmation redirects to."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from competition.extensions import db
from competition.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionLevel,
    Entry,
    Evidence,
    Panel,
    PanelMember,
    Round,
    Score,
)
from competition.models.types import utcnow
from tests.factories import force_status, make_competition, make_organisation, make_user, words
from tests.web.pages import sign_in

# The budget per request kind, counted on PostgreSQL (SQLite needs fewer: no advisory locks for the
# audit chains). The aims for autosave (6) and confirming (10, also when it completes the entry) are
# not reached yet: each audit row costs three statements on PostgreSQL (the chain's lock, its head,
# the row) and each operation a savepoint and its release.
BUDGET = {"list": 8, "page": 8, "autosave": 10, "summary": 8, "confirm": 14, "confirm_completing": 22,
          "next_page": 8}


@dataclass(frozen=True)
class Size:
    entries: int          # innovations, each assigned to the judge
    judges: int           # judges on the panel besides the judge
    evidence: int         # evidence items per innovation
    conflicts: int        # conflicts declared by other judges
    criteria: int         # numeric criteria (two level-choice ones come on top)


SMALL = Size(entries=5, judges=3, evidence=1, conflicts=2, criteria=2)
LARGE = Size(entries=24, judges=9, evidence=5, conflicts=40, criteria=6)


class JudgePath:
    """A competition in judging with one open round (blind or not): numeric criteria and two on
    levels, ``size.entries`` verified innovations of OPDs in a tree (each with evidence, its
    rancang bangun naming its OPD), every one assigned to the judge and to two other judges.

    - ``current``: the judge's sheet with a draft for some criteria;
    - ``ready``: a sheet with every criterion scored, the other judges not done yet;
    - ``completing``: a sheet with every criterion scored, both other judges confirmed;
    - one innovation the judge declared a conflict with (their sheet removed);
    - other judges' declared conflicts, and their sheets, some confirmed."""

    def __init__(self, size: Size, *, blind: bool) -> None:
        now = utcnow()
        self.competition = make_competition(
            phase="judging", submission_opens_at=now - timedelta(days=40),
            submission_closes_at=now - timedelta(days=20), verification_closes_at=now - timedelta(days=2),
            judging_closes_at=now + timedelta(days=12))
        region = self.competition.region
        dinkes = make_organisation(region, "Dinas Kesehatan")
        opds = [make_organisation(region, f"Puskesmas {i:02d}", parent=dinkes) for i in range(3)]
        opds += [make_organisation(region, f"Dinas {i:02d}") for i in range(3)]
        university = make_organisation(region, "Universitas Kota")
        self.judge = make_user(self.competition, "judge", organisation=university, name="Prof. Juri")
        others = [make_user(self.competition, "judge", name=f"Juri {i}") for i in range(size.judges)]
        self.round = Round(competition=self.competition, position=1, name="Penilaian", status="open",
                           blind=blind, opened_at=now)
        levels = [Criterion(round=self.round, position=i + 1, name=f"Indikator {i}", weight=10,
                            scale="levels", min_value=1, max_value=3, step=None,
                            levels=[CriterionLevel(value=v, label=f"Tingkat {v}") for v in (1, 2, 3)])
                  for i in range(2)]
        numeric = [Criterion(round=self.round, position=i + 3, name=f"Kriteria {i}", weight=20 + i,
                             guidance=words(30)) for i in range(size.criteria)]
        self.criteria = levels + numeric
        panel = Panel(round=self.round, name="Tim penilai",
                      members=[PanelMember(judge=j) for j in (self.judge, *others)])
        db.session.add_all([self.round, panel])
        entries = []
        for number in range(size.entries):
            opd = opds[number % len(opds)]
            entry = Entry(competition=self.competition, organisation=opd, status="verified",
                          title=f"Inovasi {number} {opd.name}", urusan="Kesehatan",
                          rancang_bangun=f"{opd.name} menjalankan ini. " + words(300),
                          tujuan="Mempercepat layanan.", manfaat="Warga terlayani.", hasil="Lebih cepat.",
                          submitted_at=now - timedelta(days=5), first_submitted_at=now - timedelta(days=5))
            entry.evidence = [Evidence(kind="link", url=f"https://example.go.id/{number}/{i}.pdf",
                                       title=f"SK {opd.name} {i}", indicator="Regulasi")
                              for i in range(size.evidence)]
            db.session.add(entry)
            entries.append(entry)
        self.sheets: list[Assignment] = []
        assigned: set[tuple[int, int]] = set()
        for number, entry in enumerate(entries):
            mine = Assignment(round=self.round, entry=entry, judge=self.judge, panel=panel, source="auto")
            self.sheets.append(mine)
            pair = (others[number % len(others)], others[(number + 1) % len(others)])
            for other in pair:
                assigned.add((number, others.index(other)))
                confirmed = number == 1 or number % 3 == 0
                sheet = Assignment(round=self.round, entry=entry, judge=other, panel=panel, source="auto",
                                   status="confirmed" if confirmed else "open",
                                   confirmed_at=now if confirmed else None)
                sheet.scores = [Score(criterion=c, value=c.max_value) for c in self.criteria]
                db.session.add(sheet)
        db.session.add_all(self.sheets)
        # Other judges' declared conflicts, with innovations they are not assigned to.
        pairs = [(e, j) for j in range(len(others)) for e in range(len(entries)) if (e, j) not in assigned]
        assert len(pairs) >= size.conflicts
        db.session.add_all([ConflictOfInterest(entry=entries[e], judge=others[j], reason="Pernah membina")
                            for e, j in pairs[:size.conflicts]])
        db.session.flush()
        self.current, self.completing, self.ready = self.sheets[0], self.sheets[1], self.sheets[2]
        self.current.scores = [Score(criterion=c, value=2 if c.scale == "levels" else 50, comment="Awal")
                               for c in self.criteria[:2]]
        for sheet in (self.ready, self.completing):
            sheet.scores = [Score(criterion=c, value=c.min_value + 1) for c in self.criteria]
        conflicted = self.sheets[-1]
        db.session.add(ConflictOfInterest(entry=conflicted.entry, judge=self.judge, reason="Keluarga"))
        db.session.commit()
        force_status(conflicted, "removed")
        self.sheet_ids = [sheet.id for sheet in self.sheets]
        self.form = self._form()

    def _form(self) -> dict[str, str]:
        """The whole scoring form as the page's script posts it: every criterion, the last one empty."""
        data: dict[str, str] = {}
        for number, criterion in enumerate(self.criteria):
            value = "" if number == len(self.criteria) - 1 else "3" if criterion.scale == "levels" else "75"
            data[f"value-{criterion.id}"] = value
            data[f"comment-{criterion.id}"] = "Baik" if value else ""
        return data


def counting(client: FlaskClient) -> Callable[..., tuple[int, list[str], int, str]]:
    """A function making one request from a fresh database session (as each request of a web
    process starts) and returning its statements, its status and where it redirects."""

    def request(method: str, url: str, **kwargs: object) -> tuple[int, list[str], int, str]:
        db.session.remove()
        statements: list[str] = []

        def listener(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.open(url, method=method, **kwargs)  # type: ignore[arg-type]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), statements, response.status_code, response.headers.get("Location", "")

    return request


def judge_path_counts(client: FlaskClient, size: Size, *, blind: bool) -> dict[str, tuple[int, list[str]]]:
    path = JudgePath(size, blind=blind)
    sign_in(client, path.judge)
    sheets = path.sheet_ids
    ids = {"current": sheets[0], "completing": sheets[1], "ready": sheets[2]}
    db.session.remove()
    request = counting(client)
    counts: dict[str, tuple[int, list[str]]] = {}

    def take(kind: str, method: str, url: str, status: int, **kwargs: object) -> str:
        count, statements, got, location = request(method, url, **kwargs)
        assert got == status, (kind, got)
        counts[kind] = (count, statements)
        return location

    take("list", "GET", "/scoring", 200)
    take("page", "GET", f"/scoring/{ids['current']}", 200)
    take("autosave", "POST", f"/scoring/{ids['current']}/draft", 200, data=path.form,
         headers={"Accept": "application/json"})
    take("summary", "GET", f"/scoring/{ids['ready']}/confirm", 200)
    following = take("confirm", "POST", f"/scoring/{ids['ready']}/confirm", 302)
    assert following.endswith(f"/scoring/{sheets[3]}"), following
    take("next_page", "GET", following, 200)
    following = take("confirm_completing", "POST", f"/scoring/{ids['completing']}/confirm", 302)
    assert following.endswith(f"/scoring/{sheets[3]}"), following
    db.session.remove()
    assert db.session.scalar(select(Entry.status).join(Assignment, Assignment.entry_id == Entry.id)
                             .where(Assignment.id == ids["completing"])) == "scored"
    assert db.session.scalar(select(Entry.status).join(Assignment, Assignment.entry_id == Entry.id)
                             .where(Assignment.id == ids["ready"])) == "verified"
    return counts


@pytest.fixture
def two_sizes(app) -> Iterator[Callable[[Size, bool], dict[str, tuple[int, list[str]]]]]:
    def measure(size: Size, blind: bool) -> dict[str, tuple[int, list[str]]]:
        return judge_path_counts(app.test_client(), size, blind=blind)

    yield measure


@pytest.mark.parametrize("blind", [False, True], ids=["open-round", "blind-round"])
def test_each_request_of_the_judge_path_keeps_its_budget_whatever_the_competition_s_size(two_sizes, blind):
    small = two_sizes(SMALL, blind)
    large = two_sizes(LARGE, blind)
    report = {kind: (small[kind][0], large[kind][0]) for kind in BUDGET}
    if os.environ.get("SHOW_STATEMENTS"):
        for kind in BUDGET:
            print(f"== {kind}: {report[kind]}")
            for statement in small[kind][1]:
                print("   ", " ".join(statement.split())[:300])
    for kind, budget in BUDGET.items():
        assert large[kind][0] == small[kind][0], (kind, report, large[kind][1])
        assert small[kind][0] <= budget, (kind, report, small[kind][1])
