"""Plays the demo's data files (``competition/demo/data``) through the services, in time order.

Set-up (the region, its organisations, the people, both competitions and their memberships)
happens first; every later action is a step with a moment, and the steps of both competitions
run sorted by that moment, each with ``now`` set to it (and the audit log's clock). The services
stamp creation times with the real clock, so at the end the demo's rows get the story's moments
with plain UPDATEs that do not touch the entries' versions (audit rows are never updated: they
are recorded at the story's moments from the start).

The loader neither commits nor rolls back: its caller owns the transaction.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from competition.audit.operations import recording_at
from competition.ceremony.operations import change_ceremony_settings
from competition.competitions.operations import change_competition_phase, create_competition
from competition.demo.timeline import (
    Segment,
    at,
    day_of,
    exactly,
    fill,
    on_working_day,
    tanggal,
    working_day_on_or_after,
    working_day_on_or_before,
)
from competition.entries.evidence import add_evidence_link
from competition.entries.operations import change_entry_status, create_entry, update_entry
from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import (
    add_round,
    apply_rubric_template,
    assign_automatically,
    create_panel,
)
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import ScoreInput, confirm_scores, save_scores
from competition.models import (
    Assignment,
    Competition,
    Entry,
    Evidence,
    Membership,
    Organisation,
    Region,
    ResultSet,
    Round,
    Score,
    User,
)
from competition.models.types import utcnow
from competition.people.operations import create_user, grant_role
from competition.people.organisations import get_or_create_region
from competition.results.operations import (
    ensure_default_award,
    publish_results,
    seal_results,
    update_result_rules,
)
from competition.unit_of_work import operation

REGION_NAME = "Kota Kediri"
REGION_KIND = "kota"
DEMO_PASSWORD = "anugerah-demo"
EMAIL_DOMAIN = "demo.anugerah.id"
DATA_DIR = Path(__file__).parent / "data"
# The triggers the verifier fires; the organisation's operator fires the others.
VERIFIER_TRIGGERS = frozenset({"return_for_revision", "verify", "reject"})

Data = dict[str, Any]


def read_data(name: str) -> Data:
    """One of the demo's data files, ``competition/demo/data/<name>.toml``."""
    with (DATA_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


@dataclass
class DemoSummary:
    region: str
    organisations: int
    competitions: int
    entries: int
    credentials: list[tuple[str, str, str]]  # (role, email, password)


@dataclass
class _Innovation:
    """One innovation of the data files, and what became of it as the steps ran."""

    spec: Data
    competition: Competition
    operator: User
    opened: date  # the day its competition opened for submissions
    entry: Entry | None = None
    entry_id: int | None = None
    created_at: datetime | None = None
    last_change: datetime | None = None
    evidence_times: list[tuple[int, datetime]] = field(default_factory=list)


@operation
def load_demo(now: datetime | None = None) -> DemoSummary:
    """Load the demo into an empty database, all of it or nothing; ``now`` (aware) anchors this
    year's competition.

    :raises InvalidInput: when the database already has the demo's region.
    """
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: give a timezone-aware moment")
    now = now.astimezone(UTC)
    if db.session.scalar(select(Region.id).where(Region.name == REGION_NAME)) is not None:
        raise InvalidInput(f"region: {REGION_NAME} exists already; the demo needs an empty "
                           "database")
    return _Loader(now).load()


class _Loader:
    def __init__(self, now: datetime):
        self.now = now
        self.steps: list[tuple[datetime, int, Callable[[], object]]] = []
        self.orgs: dict[str, Organisation] = {}  # by key
        self.users: dict[str, User] = {}  # by the e-mail's local part
        self.roles: dict[str, User] = {}  # the sign-ins, by role
        self.operators: dict[str, User] = {}  # by organisation key
        self.innovations: list[_Innovation] = []
        self.created: dict[int, datetime] = {}  # competition id -> when it was set up
        self.judging = read_data("judging")
        self.judges: list[User] = []
        self.round: Round | None = None
        self.assignments: dict[tuple[int, int], int] = {}  # (entry id, judge id) -> assignment id
        self.assigned_at: datetime | None = None
        self.confirmed: list[tuple[int, datetime]] = []  # (assignment id, when confirmed)
        self.result_set: ResultSet | None = None

    def load(self) -> DemoSummary:
        region = get_or_create_region(REGION_NAME, REGION_KIND)
        self._organisations(region)
        people = read_data("people")
        competitions = read_data("competitions")
        last_set_up = exactly(competitions["last_year"]["set_up_at"], self.now.year - 1)
        with recording_at(last_set_up - timedelta(days=7)):   # as _backdate dates the accounts
            self._people(people, region)
        # The audit log gets the story's moments too: each step's, and for the set-up the day
        # each competition was set up.
        last_spec, this_spec = competitions["last_year"], competitions["this_year"]
        with recording_at(last_set_up):
            last = self._last_year(region, last_spec, self.now.year - 1)
        before_now = timedelta(days=this_spec["opened"]["days_before_now"])
        opened = working_day_on_or_before((self.now - before_now).date())
        with recording_at(at(opened - timedelta(days=this_spec["set_up"]["days_before_opening"]),
                             this_spec["set_up"]["at"])):
            this = self._this_year(region, this_spec, self.now.year)
        for moment, _, run in sorted(self.steps, key=lambda step: (step[0], step[1])):
            with recording_at(moment):
                run()
        self._backdate(last)
        organisations = db.session.scalar(
            select(func.count()).select_from(Organisation)
            .where(Organisation.region_id == region.id)) or 0
        entries = db.session.scalar(
            select(func.count()).select_from(Entry)
            .where(Entry.competition_id.in_([last.id, this.id]))) or 0
        return DemoSummary(
            region=REGION_NAME, organisations=organisations, competitions=2, entries=entries,
            credentials=[(spec["role"], self._email(spec), DEMO_PASSWORD)
                         for spec in people["sign_in"]])

    def _step(self, moment: datetime, run: Callable[[], object]) -> None:
        self.steps.append((moment, len(self.steps), run))

    # -- set-up ----------------------------------------------------------------------------

    def _organisations(self, region: Region) -> None:
        for spec in read_data("organisations")["organisation"]:
            parent = self.orgs[spec["parent"]] if "parent" in spec else None
            self.orgs[spec["key"]] = Organisation(region=region, name=spec["name"],
                                                  short_name=spec.get("short_name"), parent=parent)
            db.session.add(self.orgs[spec["key"]])
        db.session.flush()

    @staticmethod
    def _email(spec: Data) -> str:
        return f"{spec['email']}@{EMAIL_DOMAIN}"

    def _people(self, people: Data, region: Region) -> None:
        """The sign-ins through ``create_user``; the other judges and the operators as rows
        sharing one hash of the demo password (see people.toml)."""
        for spec in people["sign_in"]:
            organisation = self.orgs[spec["organisation"]] if "organisation" in spec else None
            user = create_user(email=self._email(spec), name=spec["name"], password=DEMO_PASSWORD,
                               organisation=organisation, region=region)
            self.users[spec["email"]] = self.roles[spec["role"]] = user
            if spec["role"] == "submitter" and organisation is not None:
                self.operators[spec["organisation"]] = user
        shared_hash = generate_password_hash(DEMO_PASSWORD)
        for spec in (*people["judge"], *people["operator"]):
            organisation = self.orgs[spec["organisation"]] if "organisation" in spec else None
            user = User(email=self._email(spec), name=spec["name"], organisation=organisation,
                        region=region, password_hash=shared_hash)
            db.session.add(user)
            db.session.flush()
            self.users[spec["email"]] = user
            if organisation is not None:
                self.operators[spec["organisation"]] = user
        self.judges = [self.users[local] for local in self.judging["judges"]]

    def _grant(self, competition: Competition, innovations: list[Data]) -> None:
        """The sign-ins their roles, and the operators of the competition's innovations theirs."""
        for role, user in self.roles.items():
            grant_role(user, competition, role)
        for key in dict.fromkeys(spec["organisation"] for spec in innovations):
            grant_role(self.operators[key], competition, "submitter")

    # -- the two competitions --------------------------------------------------------------

    def _last_year(self, region: Region, spec: Data, year: int) -> Competition:
        """Last year's competition: its whole lifecycle, judged, published and closed."""
        phases = {phase["trigger"]: on_working_day(phase["on"], year) for phase in spec["phase"]}
        opens_at = phases["open_submissions"]
        competition = create_competition(
            name=fill(spec["name"], year=str(year)), year=year, region=region,
            submission_opens_at=opens_at,
            submission_closes_at=exactly(spec["submission_closes_at"], year),
            verification_closes_at=exactly(spec["verification_closes_at"], year),
            judging_closes_at=exactly(spec["judging_closes_at"], year),
            categories=spec["categories"])
        self.created[competition.id] = exactly(spec["set_up_at"], year)
        innovations = read_data("last_year_innovations")["innovation"]
        self._grant(competition, innovations)
        for judge in self.judges:
            grant_role(judge, competition, "judge")
        if spec.get("opd_feedback"):   # the OPDs read the judges' comments once results are published
            update_result_rules(competition, self.roles["organiser"], opd_feedback=True)
        if "certificates" in spec:
            signing = dict(spec["certificates"])
            signing["ceremony_date"] = day_of(signing.pop("ceremony_on"), year).isoformat()
            change_ceremony_settings(competition, self.roles["organiser"], signing)
        for phase in spec["phase"]:
            moment = phases[phase["trigger"]]
            self._step(moment, partial(change_competition_phase, competition, phase["trigger"],
                                       self.roles["organiser"], comment=phase["comment"], now=moment))
        segments = {
            "open": Segment.between(opens_at.date(), day_of(spec["open_until"], year)),
            "verification": Segment.between(phases["close_submissions"].date(),
                                            day_of(spec["verification_until"], year)),
        }
        for innovation in innovations:
            self._schedule(innovation, competition, opens_at.date(), segments)
        self._schedule_judging(competition, year)
        return competition

    def _this_year(self, region: Region, spec: Data, year: int) -> Competition:
        """This year's competition, open for submissions around now."""
        now = self.now

        def after_now(key: str) -> datetime:
            return at((now + timedelta(days=spec[key]["days_after_now"])).date(), spec[key]["at"])

        opened = working_day_on_or_before(
            (now - timedelta(days=spec["opened"]["days_before_now"])).date())
        opens_at = at(opened, spec["opened"]["at"])
        competition = create_competition(
            name=fill(spec["name"], year=str(year)), year=year, region=region,
            submission_opens_at=opens_at, submission_closes_at=after_now("submission_closes"),
            verification_closes_at=after_now("verification_closes"),
            judging_closes_at=after_now("judging_closes"), categories=spec["categories"])
        self.created[competition.id] = at(
            opened - timedelta(days=spec["set_up"]["days_before_opening"]), spec["set_up"]["at"])
        innovations = read_data("this_year_innovations")["innovation"]
        self._grant(competition, innovations)
        self._step(opens_at, partial(change_competition_phase, competition, "open_submissions",
                                     self.roles["organiser"], comment=spec["comment"], now=opens_at))
        segments = {"open": Segment.between(opened, (now - timedelta(days=1)).date())}
        for innovation in innovations:
            self._schedule(innovation, competition, opened, segments)
        return competition

    # -- one innovation --------------------------------------------------------------------

    def _schedule(self, spec: Data, competition: Competition, opened: date,
                  segments: dict[str, Segment]) -> None:
        innovation = _Innovation(spec=spec, competition=competition,
                                 operator=self.operators[spec["organisation"]], opened=opened)
        self.innovations.append(innovation)
        for step in spec["step"]:
            moment = segments[step.get("phase", "open")].moment(step["at"])
            self._step(moment, partial(self._act, innovation, step, moment))

    def _act(self, innovation: _Innovation, step: Data, moment: datetime) -> None:
        spec, operator, action = innovation.spec, innovation.operator, step["action"]
        if action == "create":
            innovation.entry = create_entry(
                innovation.competition, self.orgs[spec["organisation"]], operator,
                title=spec["title"], inisiator=spec["inisiator"], tahapan=spec["tahapan"],
                jenis=spec["jenis"], bentuk=spec["bentuk"], urusan=spec["urusan"])
            innovation.entry_id = innovation.entry.id
            innovation.created_at = moment
        else:
            entry = innovation.entry
            assert entry is not None, f"{spec['title']}: a step before create"
            if action == "fill":
                update_entry(entry, operator, **self._form(innovation))
            elif action == "evidence":
                for number, link in enumerate(spec["evidence"]):
                    evidence = self._add_link(innovation, link)
                    moment += timedelta(minutes=2 * bool(number))
                    innovation.evidence_times.append((evidence.id, moment))
            elif action == "fix":
                update_entry(entry, operator, hasil=step["hasil"])
                evidence = self._add_link(innovation, step["evidence"])
                innovation.evidence_times.append((evidence.id, moment))
            else:
                actor = self.roles["verifier"] if action in VERIFIER_TRIGGERS else operator
                change_entry_status(entry, action, actor, comment=step.get("comment"), now=moment)
        innovation.last_change = moment

    def _form(self, innovation: _Innovation) -> dict[str, Any]:
        """The fields the operator fills in, with the dates the data counts in days."""
        form = innovation.spec["form"]
        trial = implemented = None
        if "trial_started" in form:
            trial = innovation.opened - timedelta(days=form["trial_started"])
        if "implemented" in form:
            implemented = innovation.opened - timedelta(days=form["implemented"])
        dates = {name: tanggal(day) for name, day in (("trial", trial), ("implemented", implemented))
                 if day is not None}
        fields: dict[str, Any] = {
            "urusan_terkait": form.get("urusan_terkait", ""),
            "rancang_bangun": "\n\n".join(fill(paragraph, **dates)
                                          for paragraph in form["rancang_bangun"]),
            "tujuan": form["tujuan"], "manfaat": form["manfaat"], "hasil": form["hasil"],
            "trial_started_on": trial, "implemented_on": implemented,
            "anggaran_rupiah": form.get("anggaran_rupiah"),
        }
        if "category" in form:
            fields["category_id"] = next(category.id for category in innovation.competition.categories
                                         if category.name == form["category"])
        return fields

    def _add_link(self, innovation: _Innovation, link: Data) -> Evidence:
        assert innovation.entry is not None
        return add_evidence_link(innovation.entry, innovation.operator,
                                 url=fill(link["url"], year=str(innovation.competition.year)),
                                 title=link["title"], indicator=link["indicator"])

    # -- last year's judging and results ---------------------------------------------------

    def _schedule_judging(self, competition: Competition, year: int) -> None:
        """The round set up late in verification, opened and assigned when judging starts, each
        judge confirming after each presentation (now and then the next morning), closed, then
        the results sealed after the plenary and published at the ceremony."""
        spec = self.judging
        self._step(on_working_day(spec["set_up_on"], year), partial(self._set_up_round, competition))
        self.assigned_at = on_working_day(spec["assigned_on"], year)
        self._step(self.assigned_at, partial(self._open_and_assign, self.assigned_at))
        days = [working_day_on_or_after(day_of(spec["presentations_on"], year))]
        last_day = max(c["day"] for p in spec["presentation"] for c in p["confirmed"])
        while len(days) <= last_day:
            days.append(working_day_on_or_after(days[-1] + timedelta(days=1)))
        innovations = {i.spec["title"]: i for i in self.innovations if i.competition is competition}
        finished = days[0]
        for presentation in spec["presentation"]:
            for judge_number, confirmed in enumerate(presentation["confirmed"]):
                moment = at(days[confirmed["day"]], confirmed["at"])
                finished = max(finished, moment.date())
                self._step(moment, partial(self._score, innovations[presentation["title"]],
                                           presentation, judge_number, moment))
        not_before, clock = spec["closed_on"].split()
        closed = at(working_day_on_or_after(max(day_of(not_before, year), finished + timedelta(days=1))),
                    clock)
        self._step(closed, partial(self._close_round, closed))
        sealed = on_working_day(spec["sealed_on"], year)
        self._step(sealed, partial(self._seal, competition, sealed))
        published = exactly(spec["published_at"], year)
        self._step(published, partial(self._publish, published))

    def _set_up_round(self, competition: Competition) -> None:
        organiser, spec = self.roles["organiser"], self.judging
        ensure_default_award(competition, organiser)
        self.round = add_round(competition, organiser, name=spec["round"],
                               judges_per_entry=spec["judges_per_entry"], aggregation=spec["aggregation"])
        apply_rubric_template(self.round, organiser, spec["rubric"])
        create_panel(self.round, organiser, name=spec["panel"], judges=self.judges)

    def _open_and_assign(self, moment: datetime) -> None:
        assert self.round is not None
        organiser = self.roles["organiser"]
        open_round(self.round, organiser, now=moment)
        assign_automatically(self.round, organiser)
        for assignment in db.session.scalars(
                select(Assignment).where(Assignment.round_id == self.round.id)):
            self.assignments[(assignment.entry_id, assignment.judge_id)] = assignment.id

    def _score(self, innovation: _Innovation, presentation: Data, judge_number: int,
               moment: datetime) -> None:
        """One judge scores one innovation: values and comments saved, then confirmed."""
        assert self.round is not None and innovation.entry_id is not None
        judge = self.judges[judge_number]
        values = presentation["scores"][judge_number]
        comments = {comment["criterion"]: comment["text"] for comment in presentation.get("comment", [])
                    if comment["judge"] == judge_number}
        given: dict[int, ScoreInput] = {
            criterion.id: (value, comments[n]) if n in comments else value
            for n, (criterion, value) in enumerate(zip(self.round.criteria, values, strict=True))}
        assignment = self.assignments[(innovation.entry_id, judge.id)]
        save_scores(assignment, judge, given)
        confirm_scores(assignment, judge, now=moment)
        self.confirmed.append((assignment, moment))
        innovation.last_change = max(moment, innovation.last_change or moment)

    def _close_round(self, moment: datetime) -> None:
        assert self.round is not None
        close_round(self.round, self.roles["organiser"], now=moment)

    def _seal(self, competition: Competition, moment: datetime) -> None:
        self.result_set = seal_results(competition, self.roles["organiser"], now=moment)

    def _publish(self, moment: datetime) -> None:
        assert self.result_set is not None
        winners = set(publish_results(self.result_set, self.roles["organiser"], now=moment))
        for innovation in self.innovations:
            if innovation.entry_id in winners:
                innovation.last_change = moment

    # -- creation times --------------------------------------------------------------------

    def _backdate(self, last: Competition) -> None:
        """Give the rows the services stamped with the real clock the story's moments.

        Plain UPDATEs on the tables: the entries' versions (and so their audit sequence) stay
        as the services left them.
        """
        for competition_id, moment in self.created.items():
            db.session.execute(update(Competition).where(Competition.id == competition_id)
                               .values(created_at=moment))
            db.session.execute(update(Membership).where(Membership.competition_id == competition_id)
                               .values(created_at=moment + timedelta(days=1)))
        db.session.execute(update(User).where(User.id.in_([u.id for u in self.users.values()]))
                           .values(created_at=self.created[last.id] - timedelta(days=7)))
        for innovation in self.innovations:
            db.session.execute(update(Entry).where(Entry.id == innovation.entry_id)
                               .values(created_at=innovation.created_at,
                                       updated_at=innovation.last_change))
            for evidence_id, moment in innovation.evidence_times:
                db.session.execute(update(Evidence).where(Evidence.id == evidence_id)
                                   .values(created_at=moment))
        if self.assignments:
            db.session.execute(update(Assignment)
                               .where(Assignment.id.in_(list(self.assignments.values())))
                               .values(created_at=self.assigned_at))
        for assignment_id, moment in self.confirmed:
            db.session.execute(update(Score).where(Score.assignment_id == assignment_id)
                               .values(updated_at=moment))
