"""Factory functions for models, for setting up tests. They write rows directly, as a test's
starting point; the behaviour under test always goes through the services.

A stored row's status changes only through its workflow (see competition.models.state); a test
that needs a stored row in another state as its starting point uses :func:`force_status`."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from competition.extensions import db
from competition.models import (
    Assignment,
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    Evidence,
    Membership,
    Organisation,
    Panel,
    PanelMember,
    Region,
    Round,
    Score,
    User,
)
from competition.models.state import bypass_state_guard_for_tests
from competition.models.types import utcnow
from competition.results.models import DEFAULT_AWARD_NAME

_numbers = count(1)
PASSWORD = "rahasia-123"
# Hashing is deliberately slow; tests share one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def words(n: int, seed: str = "inovasi") -> str:
    return " ".join(f"{seed}{i % 97}" for i in range(n))


def force_status(row: Any, status: str) -> None:
    """Put a stored row straight into ``status`` (a competition's phase) and commit, with no
    workflow and no audit row: a test's starting point, never the behaviour under test. A judge's
    sheet gets its confirmation time with it (the database ties the two)."""
    with bypass_state_guard_for_tests():
        if isinstance(row, Competition):
            row.phase = status
        else:
            row.status = status
    if isinstance(row, Assignment):
        row.confirmed_at = (row.confirmed_at or utcnow()) if status == "confirmed" else None
    db.session.commit()


def make_region(name: str | None = None, kind: str = "kota") -> Region:
    region = Region(name=name or f"Kota Uji {next(_numbers)}", kind=kind)
    db.session.add(region)
    db.session.commit()
    return region


def make_organisation(region: Region, name: str | None = None,
                      parent: Organisation | None = None) -> Organisation:
    organisation = Organisation(region=region, name=name or f"Dinas Uji {next(_numbers)}", parent=parent)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_competition(region: Region | None = None, phase: str = "open",
                     categories: tuple[str, ...] = (), **fields: Any) -> Competition:
    now = utcnow()
    values: dict[str, Any] = {
        "name": f"Lomba Inovasi {next(_numbers)}", "year": now.year, "phase": phase,
        "submission_opens_at": now - timedelta(days=10),
        "submission_closes_at": now + timedelta(days=10),
        "verification_closes_at": now + timedelta(days=20),
        "judging_closes_at": now + timedelta(days=30),
    }
    values.update(fields)
    competition = Competition(region=region or make_region(), **values)
    competition.categories = [Category(name=c) for c in categories]
    competition.awards = [Award(position=1, name=DEFAULT_AWARD_NAME)]  # as create_competition does
    db.session.add(competition)
    db.session.commit()
    return competition


def make_user(competition: Competition | None = None, *roles: str,
              organisation: Organisation | None = None, name: str | None = None) -> User:
    number = next(_numbers)
    region = organisation.region if organisation is not None else competition.region if competition else None
    user = User(email=f"user{number}@example.go.id", name=name or f"Pengguna {number}",
                organisation=organisation, region=region)
    user.password_hash = _PASSWORD_HASH
    db.session.add(user)
    for role in roles:
        assert competition is not None
        db.session.add(Membership(user=user, competition=competition, role=role))
    db.session.commit()
    return user


def make_entry(competition: Competition, organisation: Organisation, *, complete: bool = True,
               status: str = "draft", **fields: Any) -> Entry:
    """An entry; ``complete`` fills in everything submission needs, with one link as evidence."""
    values: dict[str, Any] = {"title": f"Inovasi {next(_numbers)}"}
    if complete:
        values.update(urusan="Kesehatan", tahapan="penerapan", jenis="digital",
                      trial_started_on=utcnow().date() - timedelta(days=400),
                      implemented_on=utcnow().date() - timedelta(days=200),
                      rancang_bangun=words(320), tujuan="Mempercepat layanan.",
                      manfaat="Warga terlayani lebih cepat.", hasil="Waktu tunggu turun 40%.")
    values.update(fields)
    if status != "draft":
        values.setdefault("submitted_at", utcnow())
        values.setdefault("first_submitted_at", values["submitted_at"])
    entry = Entry(competition=competition, organisation=organisation, status=status, **values)
    db.session.add(entry)
    if complete:
        db.session.add(Evidence(entry=entry, kind="link", url="https://example.go.id/sk.pdf",
                                title="SK Inovasi"))
    db.session.commit()
    return entry


class Crowd:
    """A competition to grow in bulk, for tests that pages keep their number of queries: 20 OPDs,
    two categories, a round with two criteria and two judges (on one panel), an organiser, a
    verifier and an operator of the first OPD. Each innovation added is submitted and in one of
    five statuses, and both judges have confirmed scores for it."""

    STATUSES = ("submitted", "verified", "returned", "rejected", "withdrawn")

    def __init__(self, submitted_at: datetime | None = None) -> None:
        self.submitted_at = submitted_at or utcnow() - timedelta(days=3)
        self.competition = make_competition(categories=("Tata Kelola", "Pelayanan Publik"))
        region = self.competition.region
        self.categories = [c.id for c in self.competition.categories]
        opds = [make_organisation(region, f"Dinas {i:02d}") for i in range(20)]
        self.opds = [o.id for o in opds]
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.verifier = make_user(self.competition, "verifier", name="Verifikator")
        self.operator = make_user(self.competition, "submitter", organisation=opds[0], name="Operator")
        judges = [make_user(self.competition, "judge", name=f"Juri {i}") for i in (1, 2)]
        self.judges = [j.id for j in judges]
        self.judge = judges[0]
        self.round = Round(competition=self.competition, position=1, name="Presentasi", status="open")
        self.criteria = [Criterion(round=self.round, position=1, name="Kebaharuan", weight=3),
                         Criterion(round=self.round, position=2, name="Kemanfaatan", weight=1)]
        self.panel = Panel(round=self.round, name="Panel 1",
                           members=[PanelMember(judge=judge) for judge in judges])
        db.session.add(self.round)
        db.session.commit()
        self.count = 0

    def grow(self, n: int) -> None:
        rows = [{"competition_id": self.competition.id, "organisation_id": self.opds[i % 20],
                 "category_id": self.categories[i % 2], "title": f"Inovasi {i}",
                 "status": self.STATUSES[i % 5], "submitted_at": self.submitted_at,
                 "first_submitted_at": self.submitted_at,
                 "rancang_bangun": words(20)}
                for i in range(self.count, self.count + n)]
        self.count += n
        entry_ids = db.session.scalars(insert(Entry).returning(Entry.id), rows).all()
        assignments = [{"round_id": self.round.id, "panel_id": self.panel.id, "entry_id": entry_id,
                        "judge_id": judge, "status": "confirmed",
                        "confirmed_at": self.submitted_at + timedelta(days=1)}
                       for entry_id in entry_ids for judge in self.judges]
        assignment_ids = db.session.scalars(insert(Assignment).returning(Assignment.id), assignments).all()
        db.session.execute(insert(Score), [
            {"assignment_id": a, "criterion_id": c.id, "value": float((a * 7 + c.id * 13) % 101)}
            for a in assignment_ids for c in self.criteria])
        db.session.commit()
