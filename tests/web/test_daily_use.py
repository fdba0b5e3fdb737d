"""Small things of daily use, through the HTTP client: where people land after signing in, how
they are greeted, what the role and import forms offer and answer."""

from __future__ import annotations

import io

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed

from competition.extensions import db
from competition.models import Membership, User
from tests.factories import PASSWORD, make_user
from tests.people.test_views import Office
from tests.web.pages import page, sign_in


@pytest.fixture
def office(app) -> Office:
    return Office()


def signed_in_at(client, user, **query: str) -> str:
    response = client.post("/login", query_string=query, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def test_each_role_lands_on_its_own_work_after_signing_in(app, office: Office):
    verifier = make_user(office.competition, "verifier", name="Verifikator Satu")
    nobody = make_user(None, name="Tanpa Peran")
    with app.test_request_context():
        expected = {office.operator: url_for("innovations.mine"),
                    verifier: url_for("verification.queue"),
                    office.judge: url_for("scoring.index"),
                    office.organiser: url_for("setup.overview", competition_id=office.competition.id),
                    nobody: url_for("public.index")}
    for user, home in expected.items():
        with app.test_client() as client:
            assert signed_in_at(client, user) == home, user.name


def test_several_roles_land_on_the_first_in_order_and_next_wins(app, office: Office):
    db.session.add(Membership(user=office.judge, competition=office.competition, role="verifier"))
    db.session.add(Membership(user=office.operator, competition=office.competition, role="judge"))
    db.session.commit()
    with app.test_client() as client:
        assert signed_in_at(client, office.judge) == "/verification"   # verifier before judge
    with app.test_client() as client:
        assert signed_in_at(client, office.operator).startswith("/scoring")   # judge before operator
    with app.test_client() as client:
        assert signed_in_at(client, office.organiser, next="/notifications") == "/notifications"


def test_a_name_ending_in_a_full_stop_is_not_given_another(client, office: Office):
    office.organiser.name = "Rina Kartikasari, S.E., M.M."
    db.session.commit()
    response = client.post("/login", data={"email": office.organiser.email, "password": PASSWORD},
                           follow_redirects=True)
    text = page(response)
    assert "Selamat datang, Rina Kartikasari, S.E., M.M." in text and "M.M.." not in text
    with client.session_transaction() as session:
        session.clear()
    response = client.post("/login", data={"email": office.judge.email, "password": PASSWORD},
                           follow_redirects=True)
    assert "Selamat datang, Juri Kampus." in page(response)


def test_granting_a_role_starts_with_no_role_chosen(client, office: Office):
    sign_in(client, office.organiser, language=None)
    text = page(client.get(f"/people/{office.judge.id}"))
    role_select = text[text.index('name="role"'):]
    role_select = role_select[:role_select.index("</select>")]
    # The browser shows the first option when none is selected: "Choose a role", granting nothing.
    assert '<option value="">Pilih peran</option><option value="organiser">' in role_select
    assert "selected" not in role_select
    response = client.post(f"/people/{office.judge.id}/roles", data={
        "competition": office.competition.id, "role": ""}, follow_redirects=True)
    assert "Pilih salah satu kompetisi Anda dan sebuah peran." in page(response)
    assert [m.role for m in office.judge.memberships] == ["judge"]


def upload_users(client, office: Office, content: str):
    return client.post("/people/import", data={
        "kind": "users", "competition": office.competition.id,
        "file": (io.BytesIO(content.encode()), "pengguna.csv")}, content_type="multipart/form-data")


def test_the_user_import_takes_roles_by_their_names_in_either_language(client, office: Office):
    sign_in(client, office.organiser, language=None)
    text = page(client.get("/people/import"))
    assert "Panitia, Verifikator, Juri, Operator OPD" in text
    response = upload_users(client, office, "email,name,organisation,role\n"
                            "a@kota.go.id,Satu,Bappeda,operator opd\n"
                            "b@kota.go.id,Dua,,VERIFIKATOR\n"
                            "c@kota.go.id,Tiga,,Judge\n"
                            "d@kota.go.id,Empat,,organiser\n")
    assert response.status_code == 200, page(response)
    roles = {u.email: [m.role for m in u.memberships] for u in db.session.scalars(
        select(User).where(User.email.like("%@kota.go.id")))}
    assert roles == {"a@kota.go.id": ["submitter"], "b@kota.go.id": ["verifier"], "c@kota.go.id": ["judge"],
                     "d@kota.go.id": ["organiser"]}
    assert "4 pengguna baru, masing-masing dikirimi undangan" in page(response)
    response = upload_users(client, office, "email,name,organisation,role\nx@kota.go.id,X,,operator\n")
    assert response.status_code == 422
    assert "Panitia, Verifikator, Juri, Operator OPD" in page(response)


def test_the_import_summary_reads_well_with_none_or_one(client, office: Office):
    sign_in(client, office.organiser, language=None)
    response = upload_users(client, office, f"email,name,organisation,role\n"
                            f"{office.judge.email},Juri Kampus,,verifier\n")
    text = page(response)
    assert "Tidak ada pengguna baru." in text and "1 pengguna mendapat peran baru." in text
    assert "0 baru" not in text and "masing-masing" not in text
    response = upload_users(client, office, "email,name,organisation,role\nbaru@kota.go.id,Baru,,judge\n")
    text = page(response)
    assert "1 pengguna baru, dikirimi undangan" in text and "masing-masing" not in text
    sign_in(client, office.organiser, language="en")
    response = upload_users(client, office, "email,name,organisation,role\nlagi@kota.go.id,Lagi,,judge\n")
    assert "1 new user, sent an invitation to choose a password." in page(response)


def test_the_form_library_speaks_the_readers_language(client, office: Office):
    sign_in(client, office.organiser, language=None)
    response = client.post("/people/new", data={"name": "", "email": "", "organisation": office.dinkes.id,
                                                "competition": office.competition.id, "password": "pendek"})
    text = page(response)
    assert "Isian ini wajib diisi." in text
    assert "Isian harus terdiri atas sekurang-kurangnya 10 karakter" in text
    assert "This field is required." not in text and "characters long" not in text
    sign_in(client, office.organiser, language="en")
    response = client.post("/people/new", data={"name": "", "email": "", "organisation": office.dinkes.id,
                                                "competition": office.competition.id, "password": "pendek"})
    assert "This field is required." in page(response)
    assert "Field must be at least 10 characters long." in page(response)


def test_every_form_of_the_pages_takes_its_messages_from_our_catalogue(app):
    from flask_wtf import FlaskForm

    from competition.web.forms import PageForm

    def every_subclass(cls: type) -> list[type]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *every_subclass(direct))]

    ours = [form for form in every_subclass(FlaskForm) if form.__module__.startswith("competition.")]
    assert len(ours) > 20
    assert [form.__qualname__ for form in ours if not issubclass(form, PageForm)] == []


def refusal_reasons(app, language: str | None, *, status: str, trigger: str, phase: str,
                    roles: frozenset[str]) -> list[str]:
    from datetime import UTC, datetime

    from tests.workflows.test_engine import FakeEntry
    from workflows import Actor, get_workflow

    entry = FakeEntry(status=status)
    who = Actor(user_id=7, name="Sari", roles=roles, organisation_id=1)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    if language is None:
        return get_workflow("innovation").refusals(entry, trigger, who, comment="-", phase=phase, now=now)
    with app.test_request_context():
        from flask import session
        from flask_babel import refresh

        session["language"] = language
        refresh()   # the test's application context outlives the request: forget its language
        return get_workflow("innovation").refusals(entry, trigger, who, comment="-", phase=phase, now=now)


def test_refusals_name_phases_states_and_roles_by_their_labels(app):
    reasons = refusal_reasons(app, "id", status="verified", trigger="submit", phase="verification",
                              roles=frozenset({"verifier"}))
    assert reasons[0] == "tidak dapat dilakukan dari status 'Terverifikasi' (hanya dari Draf)", reasons
    assert reasons[1] == "memerlukan peran Operator OPD; Sari berperan Verifikator di sini", reasons
    assert "dalam tahap 'Verifikasi' (hanya pada Pengajuan dibuka)" in reasons[2], reasons
    english = refusal_reasons(app, "en", status="verified", trigger="submit", phase="verification",
                              roles=frozenset({"verifier"}))
    assert english[:3] == ["not possible from status 'Verified' (only from Draft)",
                           "needs the role OPD operator; Sari has Verifier here",
                           "not allowed while the competition is in phase 'Verification' "
                           "(only in Open for submissions)"], english
    assert english[2].english == ("not allowed while the competition is in phase 'verification' "
                                  "(only in open)")   # the codes, for the API and the logs
    # Without a reader (the command line, the logs): the codes, as before.
    plain = refusal_reasons(app, None, status="verified", trigger="submit", phase="verification",
                            roles=frozenset({"verifier"}))
    assert plain[2] == "not allowed while the competition is in phase 'verification' (only in open)"


def test_file_sizes_are_written_the_readers_way():
    from competition.documents.formatting import format_file_size

    assert [format_file_size(size, "id") for size in (512, 6758, 2048, 13_000_000)] == [
        "512 B", "6,6 KB", "2,0 KB", "12,4 MB"]
    assert [format_file_size(size, "en") for size in (6758, 1_500_000_000)] == ["6.6 KB", "1,430.5 MB"]


def test_an_evidence_file_shows_its_size_in_the_readers_language(client):
    import hashlib

    from competition.models import Evidence
    from tests.entries.test_views import Opd
    from tests.factories import make_entry

    opd = Opd()
    entry = make_entry(opd.competition, opd.dinkes, title="Si-Sehat")
    db.session.add(Evidence(entry=entry, kind="file", title="Laporan", original_name="laporan.pdf",
                            media_type="application/pdf", size_bytes=6758,
                            sha256=hashlib.sha256(b"laporan").hexdigest()))
    db.session.commit()
    sign_in(client, opd.operator, language=None)
    assert "PDF · 6,6 KB" in page(client.get(f"/innovations/{entry.id}"))
    sign_in(client, opd.operator, language="en")
    assert "PDF · 6.6 KB" in page(client.get(f"/innovations/{entry.id}"))


def test_a_services_problem_names_the_field_by_its_label(client):
    from tests.entries.test_views import Opd, draft_form

    opd = Opd()
    sign_in(client, opd.operator, language=None)
    response = client.post(f"/innovations/new/{opd.competition.id}", data=draft_form(anggaran_rupiah="-5"))
    text = page(response)
    assert response.status_code == 422
    assert "anggaran:" not in text and "anggaran_rupiah:" not in text
    budget = text[text.index('for="anggaran_rupiah"'):]
    budget = budget[:budget.index("</div>\n")]
    assert "Anggaran (Rp)" in budget and 'id="anggaran_rupiah-error"><div>tidak boleh negatif' in budget


def test_problems_shown_away_from_their_form_name_the_field_by_its_label(app):
    from flask import session
    from flask_babel import refresh

    from competition.web.forms import problem_for_people
    from workflows.messages import t

    with app.test_request_context():
        session["language"] = "id"
        refresh()
        assert problem_for_people(t("name: must not be empty")) == "Nama: tidak boleh kosong"
        assert problem_for_people(t("a comment giving the reason is required")) == "alasan wajib diisi"


def post_only_addresses(app) -> list[str]:
    """An address of every route that takes POST but not GET (the pages' form actions), with 1
    for every id; the API answers machines and is left out."""
    addresses = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods or set()
        if "POST" not in methods or "GET" in methods or rule.rule.startswith("/api/"):
            continue
        values = {name: 1 if type(converter).__name__ in ("IdConverter", "IntegerConverter")
                  else sorted(getattr(converter, "items", None) or ["x"])[0]
                  for name, converter in rule._converters.items()}
        with app.test_request_context():
            address = url_for(rule.endpoint, **values)
        try:
            app.url_map.bind("localhost").match(address, method="GET")
        except MethodNotAllowed:
            addresses.append(address)   # no other rule answers GET there
    return sorted(set(addresses))


def test_opening_a_forms_action_as_a_page_leads_to_its_page_not_an_error(app, client, office: Office):
    """A form that comes back with its problems leaves the address at its action: reloading it,
    or switching language there, opens that address as a page."""
    sign_in(client, office.organiser, language=None)
    addresses = post_only_addresses(app)
    assert len(addresses) > 30 and "/people/1/roles" in addresses
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 303, (address, response.status_code)
        page_address = response.headers["Location"]
        assert address.startswith(page_address.rstrip("/") + "/") or page_address == "/", address
        rules = app.url_map.bind("localhost")
        rules.match(page_address, method="GET")   # a page, not another action
    # As after a problem on the role form: switching language there comes back to the person's page.
    response = client.post("/language", data={"language": "en", "next": f"/people/{office.judge.id}/roles"},
                           follow_redirects=True)
    assert response.status_code == 200 and response.request.path == f"/people/{office.judge.id}"
    assert client.put("/login").status_code == 405   # another method than GET still says which are allowed
