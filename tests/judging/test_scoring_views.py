"""The judge's pages ("Penilaian saya") through the HTTP client: the list, scoring one innovation
with drafts saved as JSON or by the plain form, confirming, moving on, blind rounds and
conflicts of interest."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from competition.entries.evidence import add_evidence_file
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, assign_judge, create_panel
from competition.judging.rounds import open_round
from competition.models import Assignment, ConflictOfInterest, Evidence, Score
from competition.models.types import utcnow
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class Jury:
    """A competition in judging with one open round: a two-criterion rubric (Kebaharuan 0–100,
    weight 60; Regulasi on levels 1–3, weight 40), three verified innovations assigned to the
    judge in the order Si-Sehat, Lapor Mas Wali, Antrean Daring, and the first of them also to a
    second judge. Si-Sehat carries a PDF named after its OPD, uploaded by its operator."""

    def __init__(self, *, blind: bool = False):
        now = utcnow()
        self.competition = make_competition(
            name="Lomba Inovasi 2026", submission_opens_at=now - timedelta(days=40),
            submission_closes_at=now - timedelta(days=20), verification_closes_at=now - timedelta(days=2),
            judging_closes_at=now + timedelta(days=12))
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.puskesmas = make_organisation(region, "Puskesmas Ngletih", parent=self.dinkes)
        self.kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
        bappeda = make_organisation(region, "Bappeda")
        self.organiser = make_user(self.competition, "organiser", organisation=bappeda, name="Panitia")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes,
                                  name="Operator Kesehatan Kota")
        self.verifier = make_user(self.competition, "verifier", organisation=bappeda, name="Verifikator")
        self.judge = make_user(self.competition, "judge", name="Prof. Juri Satu")
        self.other_judge = make_user(self.competition, "judge", name="Juri Dua")
        self.idle_judge = make_user(self.competition, "judge", name="Juri Tiga")
        self.sehat = make_entry(self.competition, self.dinkes, title="Si-Sehat", created_by=self.operator)
        self.evidence = add_evidence_file(self.sehat, self.operator, filename="SK Dinas Kesehatan.pdf",
                                          stream=io.BytesIO(PDF), indicator="Regulasi")
        self.lapor = make_entry(self.competition, self.kominfo, title="Lapor Mas Wali")
        self.antrean = make_entry(self.competition, self.puskesmas, title="Antrean Daring")
        for entry in (self.sehat, self.lapor, self.antrean):
            entry.submitted_at = utcnow() - timedelta(days=5)
            force_status(entry, "verified")
        force_status(self.competition, "judging")
        self.round = add_round(self.competition, self.organiser, name="Penilaian dokumen", blind=blind)
        self.novelty = add_criterion(self.round, self.organiser, name="Kebaharuan", weight=60,
                                     guidance="Seberapa baru dibanding praktik sebelumnya.")
        self.regulation = add_criterion(self.round, self.organiser, name="Regulasi", weight=40,
                                        scale="levels", levels=[(1, "Perkada"), (2, "Perwali"), (3, "Perda")])
        create_panel(self.round, self.organiser, name="Tim penilai A",
                     judges=[self.judge, self.other_judge, self.idle_judge])
        self.first, self.second, self.third = (
            assign_judge(self.round, entry, self.judge, self.organiser)
            for entry in (self.sehat, self.lapor, self.antrean))
        self.others = assign_judge(self.round, self.sehat, self.other_judge, self.organiser)
        open_round(self.round, self.organiser)

    def values(self, novelty: str = "80", regulation: str = "2", **extra: str) -> dict[str, str]:
        return {f"value-{self.novelty.id}": novelty, f"value-{self.regulation.id}": regulation, **extra}


@pytest.fixture
def jury(app):
    return Jury()


def score_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Score))


JSON = {"Accept": "application/json"}


# -- who may see what ------------------------------------------------------------------------------

def test_visitors_are_sent_to_sign_in(client, jury):
    for url in ("/scoring", f"/scoring/{jury.first.id}", f"/scoring/{jury.first.id}/confirm"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert client.post(f"/scoring/{jury.first.id}/draft", data=jury.values()).status_code == 302
    assert score_count() == 0


@pytest.mark.parametrize("who", ["organiser", "operator", "verifier"])
def test_other_roles_are_refused(client, jury, who):
    sign_in(client, getattr(jury, who))
    assert client.get("/scoring").status_code == 403
    for url in (f"/scoring/{jury.first.id}", f"/scoring/{jury.first.id}/confirm"):
        assert client.get(url).status_code == 403, url
    assert "My scoring" not in page(client.get("/"))


def test_another_judge_cannot_open_or_change_my_assignment(client, jury):
    sign_in(client, jury.other_judge)
    assert client.get("/scoring").status_code == 200
    for url in (f"/scoring/{jury.first.id}", f"/scoring/{jury.first.id}/confirm"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(), headers=JSON).status_code == 403
    assert client.post(f"/scoring/{jury.first.id}/confirm").status_code == 403
    assert client.post(f"/scoring/{jury.first.id}/conflict", data={"reason": "x"}).status_code == 403
    assert score_count() == 0 and db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 0
    assert client.get("/scoring/999999").status_code == 404


def test_the_menu_offers_my_scoring_to_judges(client, jury):
    sign_in(client, jury.judge)
    assert 'href="/scoring">My scoring</a>' in page(client.get("/"))


# -- the list --------------------------------------------------------------------------------------

def test_the_list_shows_the_round_progress_deadline_and_states(client, jury):
    sign_in(client, jury.judge)
    client.post(f"/scoring/{jury.second.id}/draft", data={f"value-{jury.novelty.id}": "70"}, headers=JSON)
    client.post(f"/scoring/{jury.third.id}/draft", data=jury.values())
    client.post(f"/scoring/{jury.third.id}/confirm")
    listing = page(client.get("/scoring"))
    assert "Penilaian dokumen" in listing and "Lomba Inovasi 2026" in listing and "Tim penilai A" in listing
    assert "1 of 3 confirmed" in listing
    assert re.search(r"1[12] days left", listing)  # 12 days, or 11 across midnight in WIB
    badge = r'data-assignment="(\d+)".*?<span class="badge [^"]*">([^<]+)</span>'
    states = dict(re.findall(badge, listing, re.S))
    assert states == {str(jury.first.id): "Not started", str(jury.second.id): "Draft saved",
                      str(jury.third.id): "Confirmed"}
    # The OPD is named in a round that is not blind.
    assert "Dinas Kesehatan" in listing


def test_closed_rounds_are_listed_as_done_below_the_open_ones(client, jury):
    from competition.judging.rounds import close_round

    later = add_round(jury.competition, jury.organiser, name="Presentasi")
    sign_in(client, jury.judge)
    close_round(jury.round, jury.organiser, force=True)
    assert later.status == "setup"
    listing = page(client.get("/scoring"))
    assert listing.index("Done") < listing.index("Penilaian dokumen")


def test_the_list_takes_the_same_queries_for_five_or_forty_assignments(client, app):
    jury = Jury()
    sign_in(client, jury.judge)

    def add_assignments(count: int) -> None:
        organisations = [jury.dinkes, jury.puskesmas, jury.kominfo]
        for number in range(count):
            entry = make_entry(jury.competition, organisations[number % 3], status="verified",
                               title=f"Inovasi tambahan {number}-{count}")
            confirmed = number % 5 == 0
            assignment = Assignment(round=jury.round, entry=entry, judge=jury.judge, source="manual",
                                    status="confirmed" if confirmed else "open",
                                    confirmed_at=utcnow() if confirmed else None)
            db.session.add(assignment)
            if number % 2:
                db.session.add(Score(assignment=assignment, criterion_id=jury.novelty.id, value=50))
        db.session.commit()

    def count_queries() -> int:
        db.session.expire_all()  # each request starts from the database, as in production
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/scoring").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    add_assignments(2)   # with the fixture's three: 5
    few = count_queries()
    add_assignments(35)  # 40
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.judge_id == jury.judge.id)) == 40
    assert count_queries() == few


# -- the entry page --------------------------------------------------------------------------------

def test_the_entry_page_shows_the_innovation_evidence_and_rubric(client, jury):
    sign_in(client, jury.judge)
    shown = page(client.get(f"/scoring/{jury.first.id}"))
    for text in ("Si-Sehat", "Kesehatan", "Seberapa baru dibanding praktik sebelumnya.", "Weight 60",
                 "Weight 40", "Perkada", "Perwali", "Perda", "Regulasi", "Confirm and lock scores",
                 "Declare a conflict of interest"):
        assert text in shown, text
    assert f'src="/innovations/evidence/{jury.evidence.id}"' in shown       # the PDF opened in place
    assert re.search(rf'type="number"[^>]*name="value-{jury.novelty.id}"\s+min="0" max="100" step="1"', shown)
    assert len(re.findall(rf'type="radio" name="value-{jury.regulation.id}"', shown)) == 4  # 3 levels + none
    assert "Dinas Kesehatan" in shown and "Operator Kesehatan Kota" in shown  # not blind


def test_an_assigned_judge_opens_the_evidence_and_no_other_judge_does(client, jury):
    sign_in(client, jury.judge)
    with client.get(f"/innovations/evidence/{jury.evidence.id}") as response:
        assert response.status_code == 200 and response.data == PDF
        # The file's own name ("SK Dinas Kesehatan.pdf") could name the OPD: a judge gets a neutral one.
        disposition = response.headers["Content-Disposition"]
        assert f"data-dukung-{jury.evidence.id}.pdf" in disposition and "Kesehatan" not in disposition
    client.post("/logout")
    sign_in(client, jury.idle_judge)
    assert client.get(f"/innovations/evidence/{jury.evidence.id}").status_code == 404


def test_a_blind_round_never_names_the_opd_or_its_people(client, app):
    jury = Jury(blind=True)
    # The OPD's own texts name it too; in a blind round the names are replaced.
    jury.antrean.rancang_bangun = "Dijalankan oleh PUSKESMAS NGLETIH bersama Dinas Kesehatan sejak 2024."
    db.session.add(Evidence(entry=jury.antrean, kind="link", url="https://example.go.id/sk-kepala.pdf",
                            title="SK Kepala Puskesmas Ngletih", indicator="Regulasi"))
    db.session.commit()
    sign_in(client, jury.judge)
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values())
    for url in ("/scoring", f"/scoring/{jury.first.id}", f"/scoring/{jury.first.id}/confirm",
                f"/scoring/{jury.third.id}"):
        html = page(client.get(url))
        assert "Si-Sehat" in html or "Antrean Daring" in html, url
        for secret in ("Dinas Kesehatan", "Puskesmas Ngletih", "Operator Kesehatan Kota",
                       "SK Dinas Kesehatan"):
            assert secret not in html, (url, secret)
    assert "Document 2" in page(client.get(f"/scoring/{jury.first.id}"))  # after the link "SK Inovasi"
    antrean = page(client.get(f"/scoring/{jury.third.id}"))
    assert "Dijalankan oleh [OPD] bersama [OPD] sejak 2024." in antrean and "SK Kepala [OPD]" in antrean


# -- drafts ----------------------------------------------------------------------------------------

def test_a_draft_saved_through_json_answers_with_the_total(client, jury):
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data={
        f"value-{jury.novelty.id}": "80", f"comment-{jury.novelty.id}": "Baru di kota"})
    answer = response.get_json()
    # 100 × (60 × 80/100) / (60 + 40) = 48; Regulasi still empty.
    assert response.status_code == 200
    assert (answer["saved"], answer["total"], answer["missing"], answer["errors"]) == (True, "48.00", 1, {})
    assert re.fullmatch(r"Saved \d\d:\d\d", answer["message"])
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data=jury.values())
    # 100 × (60 × 0.8 + 40 × 2/3) / 100 = 48 + 26.666… = 74.67
    assert response.get_json()["total"] == "74.67" and response.get_json()["missing"] == 0
    scores = {s.criterion_id: (s.value, s.comment) for s in db.session.scalars(select(Score))}
    assert scores == {jury.novelty.id: (80, ""), jury.regulation.id: (2, "")}


def test_a_draft_saved_through_the_plain_form_returns_with_a_message(client, jury):
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/draft",
                           data=jury.values(**{f"comment-{jury.regulation.id}": "Perwali 12/2025"}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/scoring/{jury.first.id}#rubric")
    shown = page(client.get(response.headers["Location"]))
    assert "Draft saved at" in shown and 'value="80"' in shown and "Perwali 12/2025" in shown
    assert re.search(r'value="2"\s+checked', shown)
    # Emptying a field takes its score away again.
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(novelty=""))
    assert [s.criterion_id for s in db.session.scalars(select(Score))] == [jury.regulation.id]


def test_a_value_off_the_scale_is_refused_naming_the_criterion_and_the_valid_ones_are_kept(client, jury):
    # Found in use: one 150 blocked saving the whole sheet, and the valid 85 beside it was lost.
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data=jury.values(novelty="101"))
    assert response.status_code == 200   # the sheet changed: not a refusal, though not all was saved
    answer = response.get_json()
    assert answer["saved"] is False
    assert answer["message"] == ("The other values were saved; not saved: "
                                 "Kebaharuan: 101 is off the scale 0–100")
    assert answer["errors"] == {str(jury.novelty.id): "Kebaharuan: 101 is off the scale 0–100"}
    assert {s.criterion_id: s.value for s in db.session.scalars(select(Score))} == {jury.regulation.id: 2}
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON,
                           data=jury.values(regulation="2.5", novelty="7,25"))
    assert response.get_json()["errors"] == {
        str(jury.novelty.id): "Kebaharuan: 7.25 is not on a step of 1 from 0",  # a decimal comma is read
        str(jury.regulation.id): "Regulasi: 2.5 is not one of the levels 1, 2, 3"}
    assert response.get_json()["message"].startswith("Not saved: ")
    assert score_count() == 1   # both refused: what was stored stays
    # Without JavaScript the page comes back as filled in, the problem under its criterion.
    response = client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(novelty="abc", regulation="3"))
    assert response.status_code == 200
    assert "Kebaharuan: abc is not a number" in page(response) and 'value="abc"' in page(response)
    assert "The other values were saved; correct the values marked below." in page(response)
    db.session.expire_all()
    assert {s.criterion_id: s.value for s in db.session.scalars(select(Score))} == {jury.regulation.id: 3}
    # Reloaded, the page shows the kept value.
    assert re.search(rf'name="value-{jury.regulation.id}" id="[^"]+" value="3" checked>', page(
        client.get(f"/scoring/{jury.first.id}")))


def test_in_indonesian_a_refused_value_reads_in_indonesian_with_decimal_commas(client, jury):
    sign_in(client, jury.judge, language="id")
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON,
                           data=jury.values(regulation="2.5", novelty="7,25"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        str(jury.novelty.id): "Kebaharuan: 7,25 tidak sesuai kelipatan 1 dari 0",
        str(jury.regulation.id): "Regulasi: 2,5 bukan salah satu tingkat 1, 2, 3"}
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data=jury.values(novelty="100,5"))
    assert response.get_json()["errors"] == {str(jury.novelty.id): "Kebaharuan: 100,5 di luar skala 0–100"}
    assert response.get_json()["message"].startswith("Nilai lainnya tersimpan; tidak tersimpan: ")
    assert score_count() == 1   # the valid Regulasi 2 beside it is kept


def test_notes_need_a_score(client, jury):
    sign_in(client, jury.judge)
    response = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON,
                           data={f"comment-{jury.novelty.id}": "Menarik"})
    assert response.get_json()["errors"] == {
        str(jury.novelty.id): "Kebaharuan: give a score to keep the notes"}
    assert score_count() == 0


def test_in_indonesian_the_total_has_a_decimal_comma_and_the_clock_a_dot(client, jury):
    sign_in(client, jury.judge, language="id")
    answer = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data=jury.values()).get_json()
    assert answer["total"] == "74,67"
    assert re.search(r" \d\d\.\d\d$", answer["message"])


# -- confirming and moving on ----------------------------------------------------------------------

def test_confirming_shows_a_summary_then_locks(client, jury):
    sign_in(client, jury.judge)
    client.post(f"/scoring/{jury.first.id}/draft", data={f"value-{jury.novelty.id}": "80"})
    summary = page(client.get(f"/scoring/{jury.first.id}/confirm"))
    assert "1 criterion has no score yet:" in summary and "<strong>Regulasi</strong>" in summary
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled>', summary)
    client.post(f"/scoring/{jury.first.id}/confirm")
    assert db.session.get(Assignment, jury.first.id).confirmed_at is None

    # "Confirm and lock scores" on the scoring page saves, then shows the summary.
    response = client.post(f"/scoring/{jury.first.id}/draft", data=jury.values(then="confirm"))
    assert response.headers["Location"].endswith(f"/scoring/{jury.first.id}/confirm")
    summary = page(client.get(f"/scoring/{jury.first.id}/confirm"))
    assert "74.67" in summary and "Perwali" in summary and "no score yet" not in summary
    response = client.post(f"/scoring/{jury.first.id}/confirm")
    db.session.expire_all()
    assert db.session.get(Assignment, jury.first.id).confirmed_at is not None
    assert response.headers["Location"].endswith(f"/scoring/{jury.second.id}")  # on to the next

    refused = client.post(f"/scoring/{jury.first.id}/draft", headers=JSON, data=jury.values(novelty="10"))
    assert refused.status_code == 422
    assert refused.get_json()["message"] == "Not saved: These scores are confirmed and locked."
    assert db.session.scalar(select(Score.value).where(Score.criterion_id == jury.novelty.id)) == 80
    locked = page(client.get(f"/scoring/{jury.first.id}"))
    assert "Confirmed at" in locked and 'id="score-form"' not in locked and "74.67" in locked
    assert client.get(f"/scoring/{jury.first.id}/confirm").status_code == 302


def test_next_goes_to_the_next_unconfirmed_entry_in_list_order(client, jury):
    sign_in(client, jury.judge)

    def next_of(assignment) -> str | None:
        shown = page(client.get(f"/scoring/{assignment.id}"))
        found = re.search(r'href="/scoring/(\d+)" data-save-first', shown)
        return found and found.group(1)

    assert next_of(jury.first) == str(jury.second.id)
    assert next_of(jury.second) == str(jury.third.id)
    assert next_of(jury.third) == str(jury.first.id)  # from the top again
    client.post(f"/scoring/{jury.second.id}/draft", data=jury.values())
    assert client.post(f"/scoring/{jury.second.id}/confirm").headers["Location"].endswith(
        f"/scoring/{jury.third.id}")
    assert next_of(jury.first) == str(jury.third.id)  # the confirmed one is skipped
    client.post(f"/scoring/{jury.third.id}/draft", data=jury.values())
    assert client.post(f"/scoring/{jury.third.id}/confirm").headers["Location"].endswith(
        f"/scoring/{jury.first.id}")
    assert next_of(jury.first) is None
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values())
    done = client.post(f"/scoring/{jury.first.id}/confirm", follow_redirects=True)
    assert "Every innovation assigned to you in round &#39;Penilaian dokumen&#39; is confirmed." in page(done)
    assert "3 of 3 confirmed" in page(done)


# -- conflicts of interest -------------------------------------------------------------------------

def test_declaring_a_conflict_needs_a_reason_and_takes_the_entry_off_the_list(client, jury):
    sign_in(client, jury.judge)
    client.post(f"/scoring/{jury.first.id}/draft", data=jury.values())
    refused = client.post(f"/scoring/{jury.first.id}/conflict", data={"reason": "  "}, follow_redirects=True)
    assert "Give the reason for the conflict of interest." in page(refused)
    assert db.session.get(Assignment, jury.first.id) is not None

    response = client.post(f"/scoring/{jury.first.id}/conflict",
                           data={"reason": "Saya ikut menyusun inovasi ini"}, follow_redirects=True)
    listing = page(response)
    assert "Conflict of interest declared" in listing
    assert f'href="/scoring/{jury.first.id}"' not in listing and "0 of 2 confirmed" in listing
    assert "Saya ikut menyusun inovasi ini" in listing   # among the conflicts declared
    db.session.expire_all()
    # The sheet is kept, taken off the judge, with its two draft scores (the audit trail).
    assert db.session.get(Assignment, jury.first.id).status == "removed"
    assert db.session.get(Assignment, jury.others.id).status == "open"  # the other judge keeps theirs
    assert score_count() == 2
    assert client.get(f"/scoring/{jury.first.id}").status_code == 403
    assert client.get(f"/innovations/evidence/{jury.evidence.id}").status_code == 404
