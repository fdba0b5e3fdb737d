"""A job's page, its progress as JSON and its file: for the person who asked and the competition's
organisers only. Large user imports and the ceremony's PDFs run as jobs and lead to that page."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.jobs.models import Job
from competition.models import OutboxMessage, User
from competition.results.models import DEFAULT_AWARD_CITATION
from competition.results.operations import seal_results
from tests.ceremony.test_views import SIX
from tests.conftest import needs_pdf
from tests.factories import make_competition, make_organisation, make_user
from tests.results.test_views import Contest
from tests.web.pages import inline_code, page, sign_in


class Office:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi Kota 2026")
        region = self.competition.region
        self.bappeda = make_organisation(region, "Bappeda")
        self.organiser = make_user(self.competition, "organiser", organisation=self.bappeda, name="Panitia")
        self.co_organiser = make_user(self.competition, "organiser", name="Panitia Kedua")
        self.operator = make_user(self.competition, "submitter", organisation=make_organisation(region),
                                  name="Operator")
        elsewhere = make_competition(region=region, name="Lomba Lain")
        self.other_organiser = make_user(elsewhere, "organiser", name="Panitia Lain")


@pytest.fixture
def office(app):
    app.config["JOBS_PROGRESS_SECONDS"] = 0
    return Office()


def a_job(office, **fields) -> Job:
    values = {"kind": "people_import", "competition_id": office.competition.id,
              "requested_by_id": office.organiser.id, "status": "running", "params": {},
              "progress_done": 30, "progress_total": 120}
    values.update(fields)
    job = Job(**values)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_person_who_asked_and_the_organisers_see_a_job_and_nobody_else(client, office):
    job = a_job(office)
    urls = (f"/jobs/{job.id}", f"/jobs/{job.id}/progress.json")
    assert client.get(urls[0]).status_code == 302    # to the sign-in page
    for person, status in ((office.organiser, 200), (office.co_organiser, 200), (office.operator, 404),
                           (office.other_organiser, 404)):
        sign_in(client, person)
        assert [client.get(url).status_code for url in urls] == [status, status], person.name
        client.post("/logout")
    # Someone who asked sees their own job even without a role in its competition.
    asked = a_job(office, requested_by_id=office.operator.id, competition_id=None)
    sign_in(client, office.operator)
    assert client.get(f"/jobs/{asked.id}").status_code == 200
    assert client.get(f"/jobs/{9999}").status_code == 404


def test_the_page_shows_progress_and_polls_it_without_inline_script(client, office):
    job = a_job(office)
    sign_in(client, office.organiser)
    html = page(client.get(f"/jobs/{job.id}"))
    assert "30 of 120" in html and "pct-25" in html and 'aria-valuenow="25"' in html
    assert f'data-progress-url="/jobs/{job.id}/progress.json"' in html
    assert 'src="/static/jobs/progress.js"' in html and inline_code(html) == []
    state = client.get(f"/jobs/{job.id}/progress.json")
    assert state.headers["Cache-Control"] == "no-store"
    assert state.get_json() == {"status": "running", "done": 30, "total": 120, "percent": 25,
                                "finished": False, "page": f"/jobs/{job.id}"}
    with client.get("/static/jobs/progress.js") as script:
        assert script.status_code == 200


def test_a_failed_job_shows_why_line_by_line(client, office):
    job = a_job(office, status="failed", error="pengguna.csv row 3: email: 'x' is not an e-mail address\n"
                                               "pengguna.csv row 4: name: must not be empty")
    sign_in(client, office.organiser)
    html = page(client.get(f"/jobs/{job.id}"))
    assert "Nothing was saved. Why the job failed:" in html
    assert re.findall(r"<li>([^<]+)</li>", html)[-2:] == [
        "pengguna.csv row 3: email: &#39;x&#39; is not an e-mail address",
        "pengguna.csv row 4: name: must not be empty"]
    assert "data-progress-url" not in html   # nothing left to follow
    assert client.get(f"/jobs/{job.id}/download").status_code == 404


def upload(client, office, content: str, name: str = "pengguna.csv"):
    return client.post("/people/import", data={
        "kind": "users", "competition": office.competition.id,
        "file": (io.BytesIO(content.encode()), name)}, content_type="multipart/form-data")


def test_a_large_user_import_runs_as_a_job_with_progress(app, client, office):
    app.config["JOBS_IMPORT_INLINE_ROWS"] = 2
    sign_in(client, office.organiser)
    rows = "".join(f"baru{n}@kota.go.id,Pegawai Baru {n},Bappeda,judge\n" for n in range(1, 4))
    response = upload(client, office, "email,name,organisation,role\n" + rows)
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    db.session.refresh(job)
    assert (job.kind, job.status, job.progress_done, job.progress_total) == ("people_import", "done", 3, 3)
    assert job.params["locale"] == "en" and job.requested_by_id == office.organiser.id
    html = page(client.get(f"/jobs/{job.id}"))
    assert "3 new users, each sent an invitation to choose a password." in html
    assert "role(s)" not in html and "0 unchanged" not in html
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("baru%"))) == 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3   # the invitations
    assert list((app.config["JOBS_DIR"]).glob("upload-*")) == []   # the upload is gone


def test_a_large_bad_import_saves_nothing_and_names_every_bad_row(app, client, office):
    app.config["JOBS_IMPORT_INLINE_ROWS"] = 2
    sign_in(client, office.organiser)
    response = upload(client, office, "email,name,organisation,role\nbaik@kota.go.id,Baik,Bappeda,judge\n"
                                      "salah,Salah,Bappeda,\nlain@kota.go.id,,Dinas Entah,\n")
    assert response.status_code == 302
    job = db.session.scalar(select(Job))
    db.session.refresh(job)
    assert job.status == "failed"
    assert job.error.splitlines() == [
        "pengguna.csv row 3: email: 'salah' is not an e-mail address",
        "pengguna.csv row 4: name: must not be empty",
        "pengguna.csv row 4: organisation: 'Dinas Entah' is not an OPD of " + office.competition.region.name]
    assert db.session.scalar(select(User).where(User.email == "baik@kota.go.id")) is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_small_import_stays_on_the_import_page(client, office):
    sign_in(client, office.organiser)
    response = upload(client, office, "email,name,organisation,role\nsatu@kota.go.id,Satu,Bappeda,judge\n")
    assert response.status_code == 200 and "1 new user, sent an invitation" in page(response)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


@pytest.fixture
def sealed(app):
    """Six OPDs, one innovation each, five positions: the ceremony tests' sealed results."""
    contest = Contest(SIX, name="Lomba Inovasi Daerah Kota Kediri 2026")
    contest.award.citation = DEFAULT_AWARD_CITATION
    db.session.commit()
    contest.close_judging()
    contest.result_set = seal_results(contest.competition, contest.organiser)
    return contest


@needs_pdf
def test_certificates_are_made_by_a_job_and_download_when_done(client, sealed):
    """Six OPDs, five positions (tests/ceremony/test_views.py): five certificates."""
    sign_in(client, sealed.organiser)
    base = f"/manage/{sealed.competition.id}/ceremony/awards/{sealed.award.id}"
    response = client.get(f"{base}/certificates/job")   # started by a form, not a link: opened, its page
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/manage/{sealed.competition.id}/ceremony")
    response = client.post(f"{base}/certificates/job")
    job = db.session.scalar(select(Job))
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    db.session.refresh(job)
    assert (job.status, job.progress_done, job.progress_total) == ("done", 5, 5)
    html = page(client.get(f"/jobs/{job.id}"))
    assert "5 certificate(s) for OPD Terinovatif, version 1." in html
    with client.get(f"/jobs/{job.id}/download") as download:
        assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
        name = "piagam-lomba-inovasi-daerah-kota-kediri-2026-opd-terinovatif-v1.pdf"
        assert download.headers["Content-Disposition"].endswith(f"filename={name}")
    client.post("/logout")
    sign_in(client, sealed.judges[0])
    with client.get(f"/jobs/{job.id}/download") as refused:
        assert refused.status_code == 404


def test_without_pango_the_job_fails_naming_the_package(client, sealed, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it could not be imported
    sign_in(client, sealed.organiser)
    client.post(f"/manage/{sealed.competition.id}/ceremony/awards/{sealed.award.id}/run_sheet/job")
    job = db.session.scalar(select(Job))
    db.session.refresh(job)
    assert job.status == "failed" and "libpango-1.0-0" in job.error
