"""The demo data set: what ``load_demo`` builds, and the ``flask demo`` command."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    Competition,
    CompetitionEvent,
    Entry,
    EntryEvent,
    Organisation,
    Region,
    User,
)
from competition.models.entry import RANCANG_BANGUN_MIN_WORDS
from competition.models.types import utcnow
from competition.permissions import roles_in, works_for
from competition.services.demo import load_demo
from workflows import get_workflow

# Statuses an entry can only reach by having been submitted complete.
SUBMITTED_OR_LATER = ("submitted", "returned", "verified", "scored", "awarded", "rejected")


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def all_entries() -> list[Entry]:
    return list(db.session.scalars(select(Entry).order_by(Entry.id)))


def test_load_demo_fills_an_empty_database_consistently(app):
    started = utcnow()
    summary = load_demo()

    assert summary.region == "Kota Kediri"
    assert db.session.scalar(select(Region.kind).where(Region.name == summary.region)) == "kota"
    assert (summary.organisations, summary.competitions, summary.entries) == (
        count(Organisation), count(Competition), count(Entry))
    assert summary.organisations >= 25
    assert summary.entries >= 40
    current = db.session.scalar(select(Competition).where(Competition.phase == "open"))
    assert current.submission_opens_at < started < current.submission_closes_at

    entries = all_entries()
    statuses = Counter(entry.status for entry in entries)
    workflow = get_workflow("innovation")
    assert set(workflow.definition.state_names) <= set(statuses), statuses

    for entry in entries:
        trail = [event.trigger for event in entry.events]
        assert workflow.replay(trail) == entry.status, (entry.title, trail)
        if entry.status in SUBMITTED_OR_LATER:
            assert entry.missing_for_submission() == [], entry.title
        if entry.status in ("returned", "rejected"):
            last = entry.events[-1]
            assert last.to_status == entry.status
            assert last.comment and last.comment.strip(), entry.title

    # Every complete narrative is the innovation's own.
    narratives = [e.rancang_bangun for e in entries
                  if e.rancang_bangun_words() >= RANCANG_BANGUN_MIN_WORDS]
    assert len(narratives) >= statuses.total() - statuses["draft"] - statuses["withdrawn"]
    assert len(set(narratives)) == len(narratives)


def test_demo_timeline_and_people_are_plausible(app):
    now = datetime(2025, 6, 11, 3, 15, tzinfo=UTC)
    summary = load_demo(now=now)

    last, this = db.session.scalars(select(Competition).order_by(Competition.year)).all()
    assert (last.year, last.phase, this.year, this.phase) == (2024, "closed", 2025, "open")
    assert last.name == "Lomba Inovasi Daerah Kota Kediri 2024"
    assert last.judging_closes_at < now
    assert this.submission_opens_at < now < this.submission_closes_at
    assert Counter(e.status for e in last.entries) == {"awarded": 5, "scored": 5, "rejected": 2}
    assert {e.status for e in this.entries} == {
        "draft", "submitted", "returned", "verified", "rejected", "withdrawn"}

    # The audit rows were written in the order they happened, all before now.
    for model in (EntryEvent, CompetitionEvent):
        moments = list(db.session.scalars(select(model.created_at).order_by(model.id)))
        assert moments == sorted(moments)
        assert moments[-1] < now
    for entry in all_entries():
        assert entry.created_at <= entry.updated_at < now
        assert all(entry.created_at <= event.created_at for event in entry.events)

    # The printed sign-ins work, and each role user holds that role in both competitions.
    assert [role for role, _, _ in summary.credentials] == [
        "organiser", "verifier", "judge", "submitter"]
    for role, email, password in summary.credentials:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.check_password(password)
        assert all(role in roles_in(user, c) for c in (last, this)), (role, email)
    verifier = db.session.scalar(select(User).where(User.email == summary.credentials[1][1]))
    assert verifier.organisation.name == "Inspektorat"
    assert not any(works_for(verifier, entry.organisation) for entry in all_entries())
    # Every entry was created by an operator of its own organisation.
    assert all(works_for(entry.created_by, entry.organisation) for entry in all_entries())


def test_demo_command_loads_once(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Kota Kediri" in result.output
    for role in ("organiser", "verifier", "judge", "submitter"):
        assert f"{role}@demo.anugerah.id" in result.output
    entries = count(Entry)
    assert entries >= 40

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "already has data" in again.output
    assert count(Entry) == entries

    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "already has" in refused.output
    assert count(Entry) == entries
