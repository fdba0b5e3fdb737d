"""The load test's starting state, made in an empty migrated database.

- A competition in its judging phase with an open round, the weighted IGA 2023 rubric, the judges on
  panels of ten (or one panel), every verified innovation assigned to ``per_entry`` judges by the
  app's automatic assignment, and organisers.
- A second competition of the same region, open for submissions, whose OPD operators each hold
  drafts complete enough to submit (a competition takes submissions only while it is open).

What has no bulk door goes through the app's operations (competitions, phases, rounds, rubric,
panels, roles, assignment). The innovations are inserted in bulk as the innovation workflow leaves
them, with their audit rows (submitted by the OPD's operator, verified by a verifier) written through
the ORM so that the hash chain is the app's own. Users share one password hash (hashing is slow on
purpose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

PASSWORD = "loadtest-Rahasia-2026"
OPDS = 24


@dataclass
class Seeded:
    competition_id: int
    open_competition_id: int
    round_id: int
    judges: list[str] = field(default_factory=list)  # e-mail addresses
    organisers: list[str] = field(default_factory=list)
    operators: dict[str, list[int]] = field(default_factory=dict)  # e-mail -> draft entry ids
    sheets: int = 0


def _words(n: int, seed: str) -> str:
    return " ".join(f"{seed}{i % 89}" for i in range(n))


def _complete(i: int, seed: str) -> dict[str, Any]:
    """What submission needs, the words of each innovation its own (no near-duplicates)."""
    return {
        "urusan": "Kesehatan",
        "tahapan": "penerapan",
        "jenis": "digital",
        "rancang_bangun": _words(320, f"{seed}{i}k"),
        "tujuan": "Mempercepat layanan.",
        "manfaat": "Warga terlayani lebih cepat.",
        "hasil": "Waktu tunggu turun 40%.",
    }


def seed(
    *,
    innovations: int,
    judges: int,
    panel_size: int,
    per_entry: int,
    organisers: int = 2,
    operators: int = 4,
    drafts: int = 25,
) -> Seeded:
    """Fill the current app's (empty, migrated) database; one unit of work, committed at the end."""
    from werkzeug.security import generate_password_hash

    from competition.competitions.operations import change_competition_phase, create_competition
    from competition.extensions import db
    from competition.judging.operations import (
        add_round,
        apply_rubric_template,
        assign_automatically,
        create_panel,
    )
    from competition.judging.rounds import open_round
    from competition.models import Entry, Evidence, Organisation, Region, User
    from competition.models.types import utcnow
    from competition.people.operations import grant_role
    from competition.unit_of_work import unit_of_work

    now = utcnow()
    hashed = generate_password_hash(PASSWORD)
    with unit_of_work():
        session = db.session
        region = Region(name="Kota Beban", kind="kota")
        session.add(region)
        session.flush()
        opd_ids = list(
            session.scalars(
                insert(Organisation).returning(Organisation.id),
                [
                    {"region_id": region.id, "name": f"Dinas Beban {i:02d}", "active": True}
                    for i in range(OPDS)
                ],
            )
        )

        def people(prefix: str, count: int, organisation_ids: list[int] | None = None) -> list[User]:
            made = [
                User(
                    email=f"{prefix}{i:03d}@beban.go.id",
                    name=f"{prefix.title()} {i:03d}",
                    region_id=region.id,
                    password_hash=hashed,
                    organisation_id=organisation_ids[i % len(organisation_ids)] if organisation_ids else None,
                )
                for i in range(count)
            ]
            session.add_all(made)
            session.flush()
            return made

        organiser_users = people("panitia", organisers)
        judge_users = people("juri", judges)
        verifier = people("verifikator", 1)[0]
        operator_users = people("operator", max(operators, 1), opd_ids)
        window = {
            "submission_opens_at": now - timedelta(days=30),
            "submission_closes_at": now + timedelta(days=30),
            "verification_closes_at": now + timedelta(days=40),
            "judging_closes_at": now + timedelta(days=50),
        }
        main = create_competition(name="Lomba Inovasi Beban", year=now.year, region=region, **window)
        taking = create_competition(name="Lomba Inovasi Pengajuan", year=now.year, region=region, **window)
        organiser = organiser_users[0]
        for competition in (main, taking):
            for user in organiser_users:
                grant_role(user, competition, "organiser")
            grant_role(verifier, competition, "verifier")
            for user in operator_users:
                grant_role(user, competition, "submitter")
            change_competition_phase(competition, "open_submissions", organiser)
        for user in judge_users:
            grant_role(user, main, "judge")

        _verified_innovations(main.id, opd_ids, operator_users, verifier, innovations, now)
        change_competition_phase(main, "close_submissions", organiser)
        change_competition_phase(main, "start_judging", organiser)
        round_ = add_round(main, organiser, name="Penilaian", judges_per_entry=per_entry)
        apply_rubric_template(round_, organiser)
        for number, start in enumerate(range(0, judges, panel_size), start=1):
            create_panel(
                round_, organiser, name=f"Panel {number}", judges=judge_users[start : start + panel_size]
            )
        open_round(round_, organiser)
        report = assign_automatically(round_, organiser, judges_per_entry=per_entry)

        seeded = Seeded(
            competition_id=main.id,
            open_competition_id=taking.id,
            round_id=round_.id,
            judges=[u.email for u in judge_users],
            organisers=[u.email for u in organiser_users],
            sheets=report.added,
        )
        for number, user in enumerate(operator_users[:operators]):
            rows = [
                {
                    "competition_id": taking.id,
                    "organisation_id": user.organisation_id,
                    "created_by_id": user.id,
                    "title": f"Inovasi Pengajuan {number}-{i}",
                    "status": "draft",
                    "trial_started_on": (now - timedelta(days=400)).date(),
                    "implemented_on": (now - timedelta(days=200)).date(),
                    **_complete(i, f"o{number}x"),
                }
                for i in range(drafts)
            ]
            ids = list(session.scalars(insert(Entry).returning(Entry.id), rows))
            session.execute(
                insert(Evidence),
                [
                    {
                        "entry_id": e,
                        "kind": "link",
                        "url": "https://beban.go.id/sk.pdf",
                        "title": "SK Inovasi",
                    }
                    for e in ids
                ],
            )
            seeded.operators[user.email] = ids
        assert session.scalar(select(Entry.id).where(Entry.competition_id == main.id).limit(1)) is not None
    return seeded


def _verified_innovations(
    competition_id: int, opd_ids: list[int], operators: list[Any], verifier: Any, count: int, now: Any
) -> None:
    """``count`` innovations as submitting and verifying leave them: status verified, version 3,
    submission times, evidence, and the two audit rows (chained by the ORM's insert hook)."""
    from competition.extensions import db
    from competition.models import Entry, EntryEvent, Evidence

    session = db.session
    submitted = now - timedelta(days=10)
    by_opd = {op.organisation_id: op.id for op in operators}
    rows = [
        {
            "competition_id": competition_id,
            "organisation_id": opd_ids[i % len(opd_ids)],
            "created_by_id": by_opd.get(opd_ids[i % len(opd_ids)]),
            "title": f"Inovasi Beban {i:05d}",
            "status": "verified",
            "version": 3,
            "submitted_at": submitted,
            "first_submitted_at": submitted,
            "trial_started_on": (now - timedelta(days=400)).date(),
            "implemented_on": (now - timedelta(days=200)).date(),
            **_complete(i, "v"),
        }
        for i in range(count)
    ]
    ids: list[int] = []
    for start in range(0, len(rows), 500):
        # Into the table itself: the ORM's bulk insert would put the version counter back to 1,
        # and the app's next change would then clash with the verify row's version 3.
        table = Entry.__table__
        ids += session.scalars(insert(table).returning(table.c.id), rows[start : start + 500])
    session.execute(
        insert(Evidence),
        [
            {"entry_id": e, "kind": "link", "url": "https://beban.go.id/sk.pdf", "title": "SK Inovasi"}
            for e in ids
        ],
    )
    organisation_of = {e: rows[n]["organisation_id"] for n, e in enumerate(ids)}
    for entry_id in ids:
        session.add(
            EntryEvent(
                entry_id=entry_id,
                entry_version=2,
                trigger="submit",
                from_status="draft",
                to_status="submitted",
                actor_id=by_opd.get(organisation_of[entry_id]),
                created_at=submitted,
            )
        )
        session.add(
            EntryEvent(
                entry_id=entry_id,
                entry_version=3,
                trigger="verify",
                from_status="submitted",
                to_status="verified",
                actor_id=verifier.id,
                created_at=submitted + timedelta(days=2),
            )
        )
    session.flush()
