"""The demo data set: what ``load_demo`` builds from the data files, and the ``flask demo``
command.

Most tests here read a copy of the demo loaded once per session for ``DEMO_NOW`` (``demo_app``,
``demo_template`` in conftest); the command loads it afresh for the real clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import combinations

from sqlalchemy import create_engine, func, select

from competition import demo
from competition.config import database_url
from competition.demo import read_data
from competition.entries.models import RANCANG_BANGUN_MIN_WORDS
from competition.extensions import db
from competition.judging.operations import RUBRIC_TEMPLATES
from competition.models import (
    Assignment,
    Competition,
    CompetitionEvent,
    Entry,
    EntryEvent,
    Organisation,
    Region,
    ResultSet,
    Round,
    ScoringEvent,
    User,
)
from competition.models.types import utcnow
from competition.policy import roles_in, works_for
from competition.ranking.totals import CriterionSpec, judge_total
from competition.results.operations import verify_result_set
from competition.results.standings import award_standings
from workflows import get_workflow

# "OPD Terinovatif" last year, positions 1 to 5, as the story tells it.
LAST_YEAR_WINNERS = (
    "Dinas Komunikasi dan Informatika",
    "Puskesmas Ngletih",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "Badan Perencanaan Pembangunan Daerah",
    "Dinas Pendidikan",
)
# Statuses an entry can only reach by having been submitted complete.
SUBMITTED_OR_LATER = ("submitted", "returned", "verified", "scored", "awarded", "rejected")


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def all_entries() -> list[Entry]:
    return list(db.session.scalars(select(Entry).order_by(Entry.id)))


def test_load_demo_fills_an_empty_database_consistently(demo_app, demo_template):
    summary = demo_template.summary

    assert summary.region == "Kota Kediri"
    assert db.session.scalar(select(Region.kind).where(Region.name == summary.region)) == "kota"
    assert (summary.organisations, summary.competitions, summary.entries) == (
        count(Organisation), count(Competition), count(Entry))
    assert summary.organisations >= 25
    assert summary.entries >= 40
    current = db.session.scalar(select(Competition).where(Competition.phase == "open"))
    assert current.submission_opens_at < demo_template.now < current.submission_closes_at

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


def test_demo_timeline_and_people_are_plausible(demo_app, demo_template):
    now, summary = demo_template.now, demo_template.summary
    assert now == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)

    last, this = db.session.scalars(select(Competition).order_by(Competition.year)).all()
    assert (last.year, last.phase, this.year, this.phase) == (2025, "closed", 2026, "open")
    assert last.name == "Lomba Inovasi Daerah Kota Kediri 2025"
    assert last.judging_closes_at < now
    assert this.submission_opens_at < now < this.submission_closes_at
    assert Counter(e.status for e in last.entries) == {"awarded": 5, "scored": 5, "rejected": 2}
    assert {e.status for e in this.entries} == {
        "draft", "submitted", "returned", "verified", "rejected", "withdrawn"}

    # The audit rows were written in the order they happened, all before now.
    for model in (EntryEvent, CompetitionEvent, ScoringEvent):
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
    started = utcnow()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Kota Kediri" in result.output
    for role in ("organiser", "verifier", "judge", "submitter"):
        assert f"{role}@demo.anugerah.id" in result.output
    db.session.remove()  # what the command committed, read afresh
    entries = count(Entry)
    assert entries >= 40
    # Loaded for the real clock: this year's competition is open for submissions now.
    current = db.session.scalar(select(Competition).where(Competition.phase == "open"))
    assert current.submission_opens_at < started < current.submission_closes_at
    assert current.created_at < current.submission_opens_at  # the story's moments were kept

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "already has data" in again.output
    assert count(Entry) == entries

    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "already has" in refused.output
    assert count(Entry) == entries


def test_last_year_is_judged_sealed_and_published_through_the_services(demo_app, demo_template):
    now, summary = demo_template.now, demo_template.summary
    last, this = db.session.scalars(select(Competition).order_by(Competition.year)).all()
    events = {e.trigger: e.created_at for e in db.session.scalars(
        select(CompetitionEvent).where(CompetitionEvent.competition_id == last.id))}

    # One round with the 2023 IGA rubric, judged by a panel of three judges without an
    # organisation; only the demo judge is printed and judges this year too.
    (round_,) = db.session.scalars(select(Round).where(Round.competition_id == last.id)).all()
    assert not db.session.scalars(select(Round).where(Round.competition_id == this.id)).all()
    assert (round_.name, round_.status, round_.judges_per_entry, round_.aggregation) == (
        "Presentasi dan wawancara", "closed", 3, "mean")
    assert [(c.name, c.weight, c.min_value, c.max_value, c.step) for c in round_.criteria] == [
        (c["name"], c["weight"], 0, 100, 1) for c in RUBRIC_TEMPLATES["iga_2023"]]
    (panel,) = round_.panels
    judges = [member.judge for member in panel.members]
    assert len(judges) == 3
    printed = {email for _, email, _ in summary.credentials}
    assert sum(judge.email in printed for judge in judges) == 1
    for judge in judges:
        assert judge.organisation is None
        assert "judge" in roles_in(judge, last)
        assert ("judge" in roles_in(judge, this)) == (judge.email in printed)

    # Entries scored or awarded have confirmed scores from all three judges, on every
    # criterion, on the rubric's scale, confirmed while judging; the rejected ones none.
    criteria = {c.id: c for c in round_.criteria}
    specs = tuple(CriterionSpec(id=c.id, weight=c.weight, min_value=c.min_value,
                                max_value=c.max_value) for c in round_.criteria)
    totals: dict[int, list[float]] = {}
    comments = 0
    for entry in last.entries:
        assignments = db.session.scalars(select(Assignment).where(
            Assignment.round_id == round_.id, Assignment.entry_id == entry.id)).all()
        if entry.status == "rejected":
            assert assignments == []
            continue
        assert entry.status in ("scored", "awarded"), entry.title
        assert {a.judge_id for a in assignments} == {j.id for j in judges}, entry.title
        for assignment in assignments:
            assert assignment.confirmed_at is not None
            assert events["start_judging"] < assignment.confirmed_at < last.judging_closes_at
            assert assignment.created_at <= assignment.confirmed_at
            values = {s.criterion_id: s.value for s in assignment.scores}
            assert set(values) == set(criteria)
            assert all(0 <= v <= 100 and v == int(v) for v in values.values())
            comments += sum(bool(s.comment.strip()) for s in assignment.scores)
            totals.setdefault(entry.id, []).append(judge_total(values, specs))
        scoring = [e for e in entry.events if e.trigger == "complete_scoring"]
        assert [e.created_at for e in scoring] == [max(a.confirmed_at for a in assignments)]
    assert len(totals) == 10
    assert 0 < comments < 10 * 3 * len(criteria)
    # Judges' values vary, and at least two judges disagree clearly on some innovation.
    assert len({round(t, 2) for ts in totals.values() for t in ts}) > 20
    assert any(abs(a - b) > last.disagreement_threshold
               for ts in totals.values() for a, b in combinations(ts, 2))

    # Exactly one result set: sealed in phase results, published at the ceremony, verifying.
    (result_set,) = db.session.scalars(select(ResultSet).where(
        ResultSet.competition_id == last.id)).all()
    assert (result_set.version, result_set.status) == (1, "published")
    assert verify_result_set(result_set) == []
    assert events["close_judging"] < result_set.sealed_at < result_set.published_at
    assert result_set.published_at < events["close_competition"] < now
    assert any(e["rounds"][0]["disagreement"] for e in result_set.results["entries"])

    # "OPD Terinovatif" went to the five OPDs the story names, in its order: the judges' values
    # in judging.toml rank them so.
    (award,) = last.awards
    assert award.name == "OPD Terinovatif"
    standings = award_standings(result_set, award.id)
    placed = [s for s in standings if s.position is not None]
    assert [(s.position, s.subject) for s in placed] == list(enumerate(LAST_YEAR_WINNERS, start=1))
    assert [s.organisation for s in placed] == list(LAST_YEAR_WINNERS)
    assert not any(s.shared for s in standings)
    docstring = " ".join((demo.__doc__ or "").split())
    story = [docstring.index(name) for name in LAST_YEAR_WINNERS]
    assert story == sorted(story)
    # Every awarded innovation's OPD holds a position; the others' OPDs do not.
    holders = {s.subject for s in placed}
    for entry in last.entries:
        if entry.status in ("awarded", "scored"):
            assert (entry.organisation.name in holders) == (entry.status == "awarded"), entry.title
    awarded = [e for e in last.entries if e.status == "awarded"]
    assert all(e.events[-1].created_at == result_set.published_at for e in awarded)


def test_every_innovation_ends_in_the_status_its_story_names(demo_app, demo_template):
    last, this = db.session.scalars(select(Competition).order_by(Competition.year)).all()
    for competition, name in ((last, "last_year_innovations"), (this, "this_year_innovations")):
        told = {spec["title"]: spec["status"] for spec in read_data(name)["innovation"]}
        assert {entry.title: entry.status for entry in competition.entries} == told, name
    # The judges' panel presented exactly last year's verified innovations.
    presented = [p["title"] for p in read_data("judging")["presentation"]]
    assert sorted(presented) == sorted(e.title for e in last.entries if e.status in ("scored", "awarded"))


def test_each_test_gets_a_copy_of_the_demo_of_its_own(demo_app, demo_template):
    entry = db.session.scalar(select(Entry).order_by(Entry.id))
    original = entry.title
    entry.title = "Diubah oleh satu tes saja"
    db.session.commit()

    engine = create_engine(database_url(demo_template.url))
    with engine.connect() as connection:
        kept = connection.scalar(select(Entry.title).where(Entry.id == entry.id))
    engine.dispose()
    assert kept == original


def test_an_opd_reads_the_judges_comments_on_its_published_innovation(demo_app):
    """Last year's competition lets the OPDs read the judges' comments once published: its
    operator finds them on an awarded innovation, numbered, without a judge's name."""
    from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN

    client = demo_app.test_client()
    signed_in = client.post("/login", data={"email": f"submitter@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    operator = db.session.scalar(select(User).where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    last_year = db.session.scalar(select(Competition).order_by(Competition.year))
    assert last_year.opd_feedback
    shown = []
    for entry in db.session.scalars(select(Entry).where(
            Entry.competition_id == last_year.id, Entry.organisation_id == operator.organisation_id,
            Entry.status.in_(("awarded", "scored")))):
        page = client.get(f"/innovations/{entry.id}").get_data(as_text=True)
        assert 'id="feedback"' in page
        if 'data-juri="1"' in page:
            shown.append(page)
    assert shown, "no innovation of the demo OPD shows the judges' comments"
    judges = db.session.scalars(select(User.name).join(Assignment, Assignment.judge_id == User.id)).all()
    for page in shown:
        assert not any(name in page for name in judges)


def test_the_judges_notifications_are_dated_in_the_story_not_at_loading(demo_app):
    """Found in use: the demo's panel and assignment notifications carried the moment the demo
    was loaded, among others dated in the story."""
    from competition.demo import EMAIL_DOMAIN
    from competition.notifications.models import Notification

    judge = db.session.scalar(select(User).where(User.email == f"judge@{EMAIL_DOMAIN}"))
    last_year = db.session.scalar(select(Competition).order_by(Competition.year))
    moments = db.session.scalars(select(Notification.created_at)
                                 .where(Notification.user_id == judge.id)).all()
    assert len(moments) >= 3   # the panel, the assignments, the round opening
    assert {moment.year for moment in moments} == {last_year.year}


def test_last_years_certificates_are_signed_by_name_at_the_ceremony(demo_app):
    from competition.ceremony.operations import settings_data, settings_of
    from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN

    last_year = db.session.scalar(select(Competition).order_by(Competition.year))
    settings = settings_data(settings_of(last_year))
    assert (settings["signatory_title"], settings["second_nip"], settings["ceremony_date"].isoformat()) == (
        "Wali Kota Kediri", "197503122000032004", f"{last_year.year}-08-15")
    client = demo_app.test_client()
    client.post("/login", data={"email": f"organiser@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD})
    page = client.get(f"/manage/{last_year.id}/ceremony/certificates").get_data(as_text=True)
    assert "Drs. H. Suryo Wibowo, M.Si." in page and "19750312 200003 2 004" in page
