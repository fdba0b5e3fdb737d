"""Factory functions for models, for setting up tests. They write rows directly, as a test's
starting point; the behaviour under test always goes through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from werkzeug.security import generate_password_hash

from competition.extensions import db
from competition.models import (
    Award,
    Category,
    Competition,
    Entry,
    Evidence,
    Membership,
    Organisation,
    Region,
    User,
)
from competition.models.results import DEFAULT_AWARD_NAME
from competition.models.types import utcnow

_numbers = count(1)
PASSWORD = "rahasia-123"
# Hashing is deliberately slow; tests share one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def words(n: int, seed: str = "inovasi") -> str:
    return " ".join(f"{seed}{i % 97}" for i in range(n))


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
    user = User(email=f"user{number}@example.go.id", name=name or f"Pengguna {number}",
                organisation=organisation)
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
    entry = Entry(competition=competition, organisation=organisation, status=status, **values)
    db.session.add(entry)
    if complete:
        db.session.add(Evidence(entry=entry, kind="link", url="https://example.go.id/sk.pdf",
                                title="SK Inovasi"))
    db.session.commit()
    return entry
