"""The authorisation matrix: every route of the app, with every method it takes, requested by
each kind of person, against the answer written down for it in ``authorisation_matrix.txt``
beside this file. A route without a row there fails the test, so a new page is placed in the
matrix the day it is written.

The people: nobody signed in; the operator of OPD A and of OPD B (two OPDs of the same region);
a verifier; a judge assigned to the entry, one not assigned, and one whose own OPD is the
entry's (conflicted); the organiser; the organiser of another competition of the same region;
and the organiser of a competition in another region.

GET requests, and POST requests that the table refuses, all run against one copy of the demo,
which must be unchanged afterwards: a refusal stores nothing. Each POST the table allows runs on
a copy of its own, so what one changes cannot change the answer of another.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select, text

from competition import create_app
from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.jobs.models import Job
from competition.models import (
    Assignment,
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    Evidence,
    Membership,
    Notification,
    Organisation,
    Panel,
    Region,
    ResultSet,
    Round,
    User,
)
from competition.people.operations import password_reset_token
from competition.people.throttling import limiter_of
from tests.conftest import DemoTemplate, Snapshot, copy_database, drop_database

TABLE = Path(__file__).with_name("authorisation_matrix.txt")
PEOPLE = (
    "anonymous",
    "operator_a",
    "operator_b",
    "verifier",
    "judge",
    "judge_unassigned",
    "judge_conflicted",
    "organiser",
    "organiser_alongside",
    "organiser_elsewhere",
)
# What a cell says: the status code, or "login" for a redirect to the sign-in page.
LOGIN = "login"
EVIDENCE = b"%PDF-1.4 bukti dukung"
EVIDENCE_SHA256 = hashlib.sha256(EVIDENCE).hexdigest()
LINK_TITLE = "Video inovasi di situs dinas"
JOB_FILE = "job-matrix"   # the file a finished job made, in the jobs folder


@dataclass(frozen=True)
class Request:
    endpoint: str
    method: str
    url: str


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    expected = {}
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        endpoint, method, *cells = line.split()
        assert len(cells) == len(PEOPLE), f"{TABLE.name} line {number}: {len(cells)} cells"
        expected[(endpoint, method)] = dict(zip(PEOPLE, cells, strict=True))
    return expected


def demo_competitions() -> tuple[Competition, Competition]:
    """The demo's competitions of this year and last, which the demo's organiser runs."""
    organised = select(Membership.competition_id).join(User).where(
        User.email == f"organiser@{EMAIL_DOMAIN}", Membership.role == "organiser")
    this_year, last_year = db.session.scalars(
        select(Competition).where(Competition.id.in_(organised)).order_by(Competition.year.desc())
    ).all()[:2]
    return this_year, last_year


def open_like(model: Competition, region: Region, name: str) -> Competition:
    """A competition of ``region`` open for submissions on ``model``'s dates."""
    return Competition(region=region, name=name, year=model.year, phase="open",
                       submission_opens_at=model.submission_opens_at,
                       submission_closes_at=model.submission_closes_at,
                       verification_closes_at=model.verification_closes_at,
                       judging_closes_at=model.judging_closes_at)


def add_people() -> None:
    """Adds to the demo the people it lacks: a judge with no assignment, a judge working for the
    OPD of the judged entry, the organiser of another competition of the same region, and the
    organiser of a competition in another region; and a category that nothing uses."""
    this_year, last_year = demo_competitions()
    operator_a = db.session.scalar(select(User).where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    judged = judged_assignment(last_year)
    elsewhere_region = Region(name="Kota Blitar", kind="kota")
    elsewhere = open_like(this_year, elsewhere_region, "Lomba Inovasi Kota Blitar")
    entrant = db.session.get(Organisation, judged.entry.organisation_id)
    people = {
        "judge_unassigned": User(
            email=f"juri.lain@{EMAIL_DOMAIN}", name="Juri Lain", region=this_year.region
        ),
        "judge_conflicted": User(
            email=f"juri.dinas@{EMAIL_DOMAIN}",
            name="Juri Dinas",
            organisation=entrant,
            region=this_year.region,
        ),
        "organiser_elsewhere": User(
            email="panitia@blitarkota.go.id", name="Panitia Blitar", region=elsewhere_region
        ),
        "organiser_alongside": User(
            email=f"panitia.anugerah@{EMAIL_DOMAIN}", name="Panitia Anugerah", region=this_year.region
        ),
    }
    alongside = open_like(this_year, this_year.region, "Anugerah Pelayanan Publik")
    for key, user in people.items():
        user.password_hash = operator_a.password_hash
        db.session.add(user)
        if key.startswith("organiser_"):
            db.session.add(Membership(user=user, role="organiser",
                                      competition=elsewhere if key == "organiser_elsewhere" else alongside))
        else:
            for competition in (this_year, last_year):
                db.session.add(Membership(user=user, competition=competition, role="judge"))
    own_draft = db.session.scalar(select(Entry).where(
        Entry.organisation_id == operator_a.organisation_id, Entry.competition_id == this_year.id,
        Entry.status == "draft").order_by(Entry.id))
    db.session.add(Evidence(entry=own_draft, kind="file", title="SK Kepala Dinas", sha256=EVIDENCE_SHA256,
                            size_bytes=len(EVIDENCE), media_type="application/pdf",
                            original_name="sk-kepala-dinas.pdf", uploaded_by=operator_a))
    db.session.add(Evidence(entry=judged.entry, kind="link", title=LINK_TITLE,
                            url="https://dinkes.kedirikota.go.id/inovasi"))
    # A category nothing uses yet, which its organiser may remove.
    db.session.add(Category(competition=this_year, name="Kategori Tanpa Inovasi"))
    organiser = db.session.scalar(select(User).where(User.email == f"organiser@{EMAIL_DOMAIN}"))
    db.session.add(Job(kind="documents", competition=last_year, requested_by=organiser, status="done",
                       progress_done=5, progress_total=5, file_path=JOB_FILE, file_name="piagam.pdf",
                       media_type="application/pdf", params={}))
    db.session.commit()


def judged_assignment(last_year: Competition) -> Assignment:
    judge = db.session.scalar(select(User).where(User.email == f"judge@{EMAIL_DOMAIN}"))
    return db.session.scalar(
        select(Assignment)
        .join(Round)
        .where(Round.competition_id == last_year.id, Assignment.judge_id == judge.id)
        .order_by(Assignment.id)
    )


def route_values() -> dict[str, dict]:
    """The values each route is opened with, by endpoint."""
    this_year, last_year = demo_competitions()
    operator_a = db.session.scalar(select(User).where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    own = db.session.scalars(
        select(Entry)
        .where(Entry.organisation_id == operator_a.organisation_id, Entry.competition_id == this_year.id)
        .order_by(Entry.id)
    ).all()
    draft = next(e for e in own if e.status == "draft")
    submitted = db.session.scalar(
        select(Entry)
        .where(Entry.competition_id == this_year.id, Entry.status == "submitted")
        .order_by(Entry.id)
    )
    judged = judged_assignment(last_year)
    evidence = db.session.scalar(select(Evidence).where(Evidence.sha256 == EVIDENCE_SHA256))
    link = db.session.scalar(select(Evidence).where(Evidence.title == LINK_TITLE))
    notification = db.session.scalar(
        select(Notification).where(Notification.user_id == operator_a.id).order_by(Notification.id)
    )
    this_round = db.session.scalar(
        select(Round).where(Round.competition_id == this_year.id).order_by(Round.position)
    )
    criterion = db.session.scalar(
        select(Criterion).where(Criterion.round_id == (this_round or judged.round).id).order_by(Criterion.id)
    )
    award = db.session.scalar(
        select(Award).where(Award.competition_id == last_year.id).order_by(Award.position)
    )
    this_award = db.session.scalar(
        select(Award).where(Award.competition_id == this_year.id).order_by(Award.position)
    )
    version = db.session.scalar(
        select(func.min(ResultSet.version)).where(ResultSet.competition_id == last_year.id)
    )
    membership = db.session.scalar(select(Membership).where(Membership.user_id == operator_a.id))
    job_id = db.session.scalar(select(Job.id).where(Job.file_path == JOB_FILE))
    assert draft and submitted and judged and evidence and notification and award
    this, last = {"competition_id": this_year.id}, {"competition_id": last_year.id}
    last_round = {**last, "round_id": judged.round_id}
    values: dict[str, dict] = {
        "static": {"filename": "favicon.svg"},
        "bootstrap.static": {"filename": "css/bootstrap.min.css"},
        "public.competition": this,
        "public.results": last,
        "auth.reset_password": {"token": password_reset_token(operator_a)},
        "auth.welcome": {"token": password_reset_token(operator_a, purpose="invitation")},
        "innovations.show": {"entry_id": draft.id},
        "innovations.receipt": {"entry_id": next(e for e in own if e.submitted_at is not None).id},
        "innovations.edit": {"entry_id": draft.id},
        "innovations.new": this,
        "innovations.act": {"entry_id": draft.id, "trigger": "submit"},
        "innovations.add_evidence": {"entry_id": draft.id},
        "innovations.delete_evidence": {"entry_id": evidence.entry_id, "evidence_id": evidence.id},
        "innovations.evidence_file": {"evidence_id": evidence.id},
        "innovations.evidence_open": {"evidence_id": link.id},
        "innovations.evidence_go": {"evidence_id": link.id},
        "notifications.open_notification": {"notification_id": notification.id},
        "verification.review": {"entry_id": submitted.id},
        "verification.decide": {"entry_id": submitted.id, "trigger": "verify"},
        "scoring.entry": {"assignment_id": judged.id},
        "scoring.confirm": {"assignment_id": judged.id},
        "scoring.confirm_post": {"assignment_id": judged.id},
        "scoring.save": {"assignment_id": judged.id},
        "scoring.conflict": {"assignment_id": judged.id},
        "people.show": {"user_id": operator_a.id},
        "people.grant": {"user_id": operator_a.id},
        "people.invite": {"user_id": operator_a.id},
        "people.set_active": {"user_id": operator_a.id},
        "people.revoke": {"user_id": operator_a.id, "membership_id": membership.id},
        "people.import_template": {"kind": "users"},
        "panels.assignments": last_round,
        "panels.add_assignment": last_round,
        "panels.assign": last_round,
        "panels.close": last_round,
        "panels.new_panel": last_round,
        "panels.open_": last_round,
        "panels.remove": {**last, "assignment_id": judged.id},
        "panels.reopen": {**last, "assignment_id": judged.id},
        "setup.round_": last_round,
        "setup.edit_round": last_round,
        "setup.add_criterion_": last_round,
        "setup.apply_template": last_round,
        **{f"setup.{name}": {**last_round, "criterion_id": criterion.id}
           if criterion.round_id == judged.round_id
           else {**this, "round_id": criterion.round_id, "criterion_id": criterion.id}
           for name in ("remove_criterion_", "edit_criterion", "move_criterion")},
        "setup.clone_competition_": {"source_id": last_year.id},
        "setup.phase": {**this, "trigger": "close_submissions"},
        "setup.remove_award_": {**this, "award_id": this_award.id},
        "setup.remove_category_": {**this, "category_id": this_year.categories[0].id},
        "setup.rename_category_": {**this, "category_id": this_year.categories[0].id},
        "results.version": {**last, "version": version},
        "results.agreement_pdf": {**last, "version": version},
        "results.version_agreement": {**last, "version": version},
        "results.publish": {**last, "version": version},
        "results.seal": last,
        "results.verify": {**last, "version": version},
        "results.decide_tie": {**last, "award_id": award.id},
        "ceremony.index": last,
        "ceremony.reveal": last,
        "ceremony.run_sheet_file": {**last, "award_id": award.id, "file_format": "csv"},
        "ceremony.certificates_file": {**last, "award_id": award.id},
        "ceremony.settings": last,
        "ceremony.certificate_preview": last,
        "dashboard.download": {**this, "figure": "entries", "kind": "csv"},
        "iid.innovation": {"entry_id": draft.id},
        "iid.export": {**this, "kind": "csv"},
        **{f"api_iid.{name}": {"entry_id": draft.id} for name in ("innovation", "claim", "verify")},
        "api_dashboard.figure": {**this, "figure": "judges"},
        "tokens.revoke": {"token_id": 1},
        "api_setup.category": {"category_id": this_year.categories[0].id},
        "api_setup.rename": {"category_id": this_year.categories[0].id},
        "api_setup.remove": {"category_id": unused_category(this_year).id},
        "api_innovations.innovation": {"entry_id": draft.id},
        "api_innovations.update_innovation": {"entry_id": draft.id},
        "api_innovations.fire": {"entry_id": submitted.id},
        "api_innovations.history": {"entry_id": submitted.id},
        "api_evidence.evidence_list": {"entry_id": draft.id},
        "api_evidence.add_evidence": {"entry_id": draft.id},
        "api_evidence.evidence": {"evidence_id": evidence.id},
        "api_evidence.evidence_file": {"evidence_id": evidence.id},
        "api_evidence.delete_evidence": {"evidence_id": evidence.id},
        "api_people.user": {"user_id": operator_a.id},
        "api_people.invite": {"user_id": operator_a.id},
        "api_people.grant": {"user_id": operator_a.id},
        "api_people.set_active": {"user_id": operator_a.id},
        "api_people.revoke": {"user_id": operator_a.id, "membership_id": membership.id},
        "api_tokens.revoke": {"token_id": 1},
        **{f"api_judging.{name}": last_round for name in (
            "panels", "new_panel", "assignments", "add_assignment", "assign", "round_status")},
        **{f"api_judging.{name}": {"assignment_id": judged.id}
           for name in ("remove", "reopen", "conflict")},
        **{f"api_scoring.{name}": {"assignment_id": judged.id}
           for name in ("sheet", "save_sheet", "confirm")},
        **{f"api_rounds.{name}": {**last_round, "criterion_id": criterion.id} for name in (
            "round_", "change_round", "apply_template", "criterion", "create_criterion", "order_criteria",
            "change_criterion", "delete_criterion")},
        **{f"api_awards.{name}": {"award_id": this_award.id} for name in (
            "award", "change_award", "delete_award")},
        "ceremony.start_document": {**last, "award_id": award.id, "document": "certificates"},
        "jobs.show": {"job_id": job_id},
        "jobs.progress": {"job_id": job_id},
        "jobs.download": {"job_id": job_id},
        "api_results.preview": last,
        "api_results.versions": last,
        "api_results.version": {**last, "version": version},
        "api_results.seal": last,
        "api_results.verify": {**last, "version": version},
        "api_results.publish": {**last, "version": version},
        "api_results.decide_tie": {"award_id": award.id},
        "api_published.published": last,
        "api_ceremony.run_sheet": last,
        "api_ceremony.certificate_settings": last,
        "api_ceremony.change_certificate_settings": last,
        "api_ceremony.start_document": {"award_id": award.id},
        "api_jobs.job": {"job_id": job_id},
        "api_jobs.job_file": {"job_id": job_id},
    }
    return values


def unused_category(competition: Competition) -> Category:
    """A category of ``competition`` that no innovation, panel or award uses (one may be removed)."""
    used = [select(Entry.category_id).where(Entry.category_id.is_not(None)),
            select(Panel.category_id).where(Panel.category_id.is_not(None)),
            select(Award.category_id).where(Award.category_id.is_not(None))]
    found = db.session.scalar(select(Category).where(Category.competition_id == competition.id,
                                                     *(Category.id.not_in(ids) for ids in used))
                              .order_by(Category.id))
    assert found is not None, "the demo's competition of this year has no unused category"
    return found


def requests_of(app: Flask, values: dict[str, dict]) -> list[Request]:
    this = demo_competitions()[0].id
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        arguments = values.get(rule.endpoint)
        if arguments is None and rule.arguments == {"competition_id"}:
            arguments = {"competition_id": this}
        if arguments is None and rule.arguments:
            pytest.fail(f"give {rule.endpoint} ({rule.rule}) values to open it with")
        url = adapter.build(
            rule.endpoint, {k: v for k, v in (arguments or {}).items() if k in rule.arguments}
        )
        for method in ("GET", *WRITES):
            if method in (rule.methods or ()):
                found.append(Request(rule.endpoint, method, url))
    return found


def sign_in(client, person: str, emails: dict[str, str]) -> None:
    """Sign ``person`` in with a sign-in count of their own: throttling has its own tests."""
    limiter_of(client.application).reset()
    if person == "anonymous":
        return
    response = client.post("/login", data={"email": emails[person], "password": DEMO_PASSWORD})
    assert response.status_code == 302, person


# API writes carry a body that passes validation (without If-Match, so an allowed one answers 428
# and stores nothing); pages' forms are posted empty.
NEXT_YEAR = {"submission_opens_at": "2030-02-01T08:00:00+07:00",
             "submission_closes_at": "2030-03-01T23:59:00+07:00",
             "verification_closes_at": "2030-04-01T23:59:00+07:00",
             "judging_closes_at": "2030-05-01T23:59:00+07:00"}


def this_year_id() -> int:
    return demo_competitions()[0].id


API_BODIES: dict[str, dict | Callable[[], dict]] = {
    "api_innovations.fire": {"trigger": "verify"},
    "api_innovations.update_innovation": {"title": "Judul baru"},
    "api_innovations.create_innovation": {"title": "Inovasi baru lewat API"},
    "api_evidence.add_evidence": {"url": "https://example.go.id/bukti", "title": "Tautan bukti"},
    "api_people.create": lambda: {"name": "Orang Baru", "email": "orang.baru@example.go.id",
                                  "competition_id": this_year_id(), "roles": ["judge"]},
    "api_people.grant": lambda: {"competition_id": this_year_id(), "role": "judge"},
    "api_people.set_active": {"active": False},
    "api_notifications.mark_read": {},
    # region 1 is the demo's Kota Kediri
    "api_setup.create": {"name": "Lomba Matriks", "year": 2030, "region_id": 1, **NEXT_YEAR},
    "api_setup.clone": {"name": "Salinan Matriks", "year": 2030, **NEXT_YEAR},
    "api_setup.update": {"name": "Nama baru"},
    "api_setup.phase": {"trigger": "close_submissions"},
    "api_setup.units": {"rule": "parent"},
    "api_setup.new_category": {"name": "Kategori Matriks"},
    "api_setup.rename": {"name": "Nama Kategori Baru"},
    "api_results.decide_tie": {"subject_ids": [1, 2], "reason": "Keputusan rapat pleno"},
    "api_ceremony.start_document": {"document": "certificates"},
    "api_ceremony.change_certificate_settings": {"place": "Kediri"},
    "api_verification.verify_several": {"entry_ids": [999_999]},
    "api_judging.new_panel": {"name": "Panel baru", "judges": [1]},
    "api_iid.claim": {"levels": {"regulasi": {"level": 1}}},
    "api_iid.verify": {"levels": {"regulasi": {"level": 0, "note": "Bukti tidak sesuai"}}},
    "api_iid.set_region": {"levels": {"spd_1a": 2}},
    "api_judging.add_assignment": {"entry_id": 1, "judge_id": 1},
    "api_judging.assign": {},
    "api_judging.round_status": {"trigger": "open"},
    "api_judging.reopen": {"reason": "Salah ketik"},
    "api_judging.conflict": {"reason": "Kerabat"},
    "api_scoring.save_sheet": {"scores": {}},
    "api_scoring.confirm": {},
    "api_rounds.create_round": {"name": "Babak matriks"},
    "api_rounds.change_round": {"name": "Babak matriks"},
    "api_rounds.apply_template": {"template": "iga_2023"},
    "api_rounds.create_criterion": {"name": "Kriteria matriks", "weight": 5},
    "api_rounds.change_criterion": {"weight": 5},
    "api_rounds.order_criteria": {"criterion_ids": [1]},
    "api_awards.create_award": {"name": "Penghargaan matriks"},
    "api_awards.change_award": {"positions": 3},
    "api_awards.order_awards": {"award_ids": [1]},
    "api_awards.change_rules": {"one_award_per_organisation": False},
}

WRITES = ("POST", "PUT", "PATCH", "DELETE")


_FILES_SENT = itertools.count(1)


def innovations_file() -> dict:
    """A multipart body with a file of one innovation of operator A's OPD (a title of its own each
    time: the people allowed send theirs one after the other to one copy)."""
    opd = db.session.scalar(select(Organisation.name).join(User, User.organisation_id == Organisation.id)
                            .where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    text = f"opd,title\n{opd},Inovasi dari berkas {next(_FILES_SENT)}\n".encode()
    return {"data": {"file": (io.BytesIO(text), "inovasi.csv")}, "content_type": "multipart/form-data"}


# API writes that take a file: the multipart body each is sent.
API_FILES = {"api_innovation_import.import_innovations": innovations_file}


def request_body(endpoint: str) -> dict:
    """What a write to ``endpoint`` is sent: a file, a JSON body that passes validation, or an
    empty form (the policy test sends the same)."""
    if endpoint in API_FILES:
        return API_FILES[endpoint]()
    sent = API_BODIES.get(endpoint)
    return {"json": sent() if callable(sent) else sent} if sent is not None else {"data": {}}


def answer(client, request: Request) -> str:
    with client.open(request.url, method=request.method, **request_body(request.endpoint)) as response:
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            return LOGIN
        return str(response.status_code)


# A session's last request is noted on any request, a refused one too (at most once a minute).
NOTED_ON_EVERY_REQUEST = {"user_session"}


def fingerprint() -> str:
    """Every row of every table, hashed: equal before and after means nothing was stored. The rows
    are taken in an order of their own, not the order PostgreSQL happens to keep them in."""
    digest = hashlib.sha256()
    for table in sorted(set(inspect(db.engine).get_table_names()) - NOTED_ON_EVERY_REQUEST):
        for row in sorted(repr(tuple(row)) for row in db.session.execute(text(f'SELECT * FROM "{table}"'))):
            digest.update(row.encode())
    return digest.hexdigest()


@dataclass
class World:
    url: str
    evidence_dir: Path
    emails: dict[str, str]


@pytest.fixture(scope="module")
def world(demo_template: DemoTemplate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The demo with the people it lacks, as a database each test copies."""
    tmp = tmp_path_factory.mktemp("matrix")
    url = copy_database(demo_template.url, "matrix", tmp)
    evidence_dir = tmp / "evidence"
    (evidence_dir / EVIDENCE_SHA256[:2]).mkdir(parents=True)
    (evidence_dir / EVIDENCE_SHA256[:2] / EVIDENCE_SHA256).write_bytes(EVIDENCE)
    (tmp / "jobs").mkdir()
    (tmp / "jobs" / JOB_FILE).write_bytes(EVIDENCE)
    app = matrix_app(url, evidence_dir)
    with app.app_context():
        add_people()
        this_year = demo_competitions()[0]
        emails = {"operator_a": f"submitter@{EMAIL_DOMAIN}", "verifier": f"verifier@{EMAIL_DOMAIN}",
                  "judge": f"judge@{EMAIL_DOMAIN}", "organiser": f"organiser@{EMAIL_DOMAIN}",
                  "judge_unassigned": f"juri.lain@{EMAIL_DOMAIN}",
                  "judge_conflicted": f"juri.dinas@{EMAIL_DOMAIN}",
                  "organiser_elsewhere": "panitia@blitarkota.go.id",
                  "organiser_alongside": f"panitia.anugerah@{EMAIL_DOMAIN}"}
        a = db.session.scalar(select(User).where(User.email == emails["operator_a"]))
        emails["operator_b"] = db.session.scalar(
            select(User.email).join(Membership).where(
                Membership.competition_id == this_year.id, Membership.role == "submitter",
                User.organisation_id != a.organisation_id).order_by(User.id))
        db.session.remove()
        db.engine.dispose()
    yield World(url=url, evidence_dir=evidence_dir, emails=emails)
    drop_database(url)


def matrix_app(url: str, evidence_dir: Path) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "EVIDENCE_DIR": evidence_dir, "JOBS_DIR": evidence_dir.parent / "jobs"})


@contextmanager
def copy_of(world: World, tmp_path: Path, name: str) -> Iterator[Flask]:
    url = copy_database(world.url, name, tmp_path)
    app = matrix_app(url, world.evidence_dir)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(url)


def refuses(cell: str) -> bool:
    """The answer stores nothing: a refusal, or an API write sent without its version (428)."""
    return cell in (LOGIN, "401", "403", "404", "428")


def mismatches(seen: dict[tuple[str, str, str], str], expected: dict) -> list[str]:
    return [f"{endpoint} {method} as {person}: {got}, the matrix says {expected[(endpoint, method)][person]}"
            for (endpoint, method, person), got in sorted(seen.items())
            if got != expected[(endpoint, method)][person]]


def test_every_route_has_a_row_and_every_row_a_route(world, tmp_path):
    expected = read_table()
    with copy_of(world, tmp_path, "matrix_routes") as app:
        requests = {(r.endpoint, r.method) for r in requests_of(app, route_values())}
    assert sorted(requests - set(expected)) == [], f"routes without a row in {TABLE.name}"
    assert sorted(set(expected) - requests) == [], f"rows of {TABLE.name} without a route"


def test_every_page_and_every_refusal_is_as_the_matrix_says(world, tmp_path):
    """All GETs, and every POST the matrix refuses, on one copy; a refusal stores nothing."""
    expected = read_table()
    seen: dict[tuple[str, str, str], str] = {}
    stored = []
    with copy_of(world, tmp_path, "matrix_shared") as app:
        requests = [r for r in requests_of(app, route_values()) if (r.endpoint, r.method) in expected]
        for person in PEOPLE:
            client = app.test_client()
            sign_in(client, person, world.emails)
            for request in (r for r in requests if r.method == "GET"):
                seen[(request.endpoint, "GET", person)] = answer(client, request)
            before = fingerprint()
            for request in requests:
                if request.method in WRITES and refuses(expected[(request.endpoint, request.method)][person]):
                    seen[(request.endpoint, request.method, person)] = answer(client, request)
            db.session.remove()
            if fingerprint() != before:
                stored.append(person)
    assert not mismatches(seen, expected), "\n".join(mismatches(seen, expected))
    assert not stored, f"a refused request of {stored} stored something"


def test_every_post_the_matrix_allows_answers_as_it_says(world, tmp_path):
    """Each on a copy of its own: what one request changes cannot change another's answer. One
    copy and one app serve them all, the copy restored from the world before each request."""
    expected = read_table()
    seen: dict[tuple[str, str, str], str] = {}
    with copy_of(world, tmp_path, "matrix_post") as app:
        posts = [r for r in requests_of(app, route_values()) if r.method in WRITES
                 and (r.endpoint, r.method) in expected]
        as_copied, snapshot = fingerprint(), Snapshot.of(world.url)
        for request in posts:
            allowed = [p for p in PEOPLE if not refuses(expected[(request.endpoint, request.method)][p])]
            if not allowed:
                continue
            db.session.remove()
            db.engine.dispose()   # nobody connected while the copy is restored
            snapshot.restore(app.config["SQLALCHEMY_DATABASE_URI"])
            assert fingerprint() == as_copied, f"the copy was not restored before {request.endpoint}"
            db.session.remove()
            for person in allowed:
                client = app.test_client()
                sign_in(client, person, world.emails)
                seen[(request.endpoint, request.method, person)] = answer(client, request)
    assert not mismatches(seen, expected), "\n".join(mismatches(seen, expected))
