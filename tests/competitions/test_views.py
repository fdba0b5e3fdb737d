"""The organiser's set-up pages through the HTTP client: creating a competition, its phase and
schedule, categories, rounds and rubrics, awards, result rules and the workflow diagrams."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from competition.competitions.diagram import workflow_svg
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round
from competition.models import Award, Category, Competition, CompetitionEvent, Criterion, Membership, Round
from competition.models.types import utcnow
from competition.results.operations import add_award
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in
from workflows import get_workflow

SVG = "{http://www.w3.org/2000/svg}"


class Office:
    def __init__(self):
        now = utcnow()
        self.competition = make_competition(
            name="Lomba Inovasi Kota 2027", phase="setup", categories=("Pelayanan Publik", "Tata Kelola"),
            submission_opens_at=now + timedelta(days=10), submission_closes_at=now + timedelta(days=40),
            verification_closes_at=now + timedelta(days=55), judging_closes_at=now + timedelta(days=70))
        region = self.competition.region
        self.bappeda = make_organisation(region, "Bappeda")
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.organiser = make_user(self.competition, "organiser", organisation=self.bappeda, name="Panitia")
        self.verifier = make_user(self.competition, "verifier", organisation=self.bappeda, name="Verifikator")
        self.judge = make_user(self.competition, "judge", name="Juri")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes, name="Operator")
        self.elsewhere = make_competition(name="Lomba Kabupaten Tetangga", phase="setup")
        self.other_organiser = make_user(self.elsewhere, "organiser", name="Panitia Tetangga")

    def category(self, name: str) -> Category:
        return next(c for c in self.competition.categories if c.name == name)


@pytest.fixture
def office(app):
    return Office()


def pages(office) -> list[str]:
    base = f"/manage/{office.competition.id}/setup"
    round_ = add_round(office.competition, office.organiser, name="Presentasi")
    return [base, f"{base}/timeline", f"{base}/rounds/new", f"{base}/rounds/{round_.id}",
            f"{base}/rounds/{round_.id}/edit", f"{base}/awards", f"{base}/rules", f"{base}/workflow",
            f"{base}/phase/open_submissions"]


def changes(office) -> list[tuple[str, dict]]:
    base = f"/manage/{office.competition.id}/setup"
    category = office.category("Tata Kelola")
    return [
        (f"{base}/categories", {"name": "Baru"}),
        (f"{base}/categories/{category.id}/rename", {"name": "Lain"}),
        (f"{base}/categories/{category.id}/remove", {}),
        (f"{base}/rounds/new", {"name": "Tahap", "aggregation": "mean", "advancement": "all", "weight": "1",
                                "judges_per_entry": "3"}),
        (f"{base}/awards", {"name": "Inovasi Terbaik", "subject": "innovation", "positions": "3",
                            "policy": "index", "index_floor": "3", "count_bonus": "1",
                            "count_bonus_cap": "5"}),
        (f"{base}/rules/chain", {"move": "top_marks:up"}),
        (f"{base}/rules/bands", {"band_label": ["A"], "band_minimum": ["50"]}),
        (f"{base}/rules/scoring", {"disagreement_threshold": "5"}),
        (f"{base}/phase/open_submissions", {}),
        (f"{base}/units", {"units_compete": "parent"}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, office):
    for url in [*pages(office), "/manage/new"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["verifier", "judge", "operator", "other_organiser"])
def test_other_roles_and_other_organisers_are_refused_and_change_nothing(client, office, who):
    urls = pages(office)
    sign_in(client, getattr(office, who))
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url, data in changes(office):
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    competition = db.session.get(Competition, office.competition.id)
    assert competition.phase == "setup"
    assert sorted(c.name for c in competition.categories) == ["Pelayanan Publik", "Tata Kelola"]
    assert [r.name for r in competition.rounds] == ["Presentasi"]
    assert [a.name for a in competition.awards] == ["OPD Terinovatif"]
    assert competition.tie_break_chain == ["heaviest_criterion", "top_marks", "earlier_submission",
                                           "organiser_decision"]
    assert competition.disagreement_threshold == 20
    assert competition.units_compete == "own"


def test_only_organisers_may_create_competitions(client, office):
    sign_in(client, office.verifier)
    assert client.get("/manage/new").status_code == 403
    assert client.post("/manage/new", data={"name": "X"}).status_code == 403


def test_missing_things_are_not_found(client, office):
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/setup"
    elsewhere_round = add_round(office.elsewhere, office.other_organiser, name="Tahap lain")
    elsewhere_category = db.session.scalar(select(Category).where(
        Category.competition_id == office.elsewhere.id))
    assert client.get("/manage/9999/setup").status_code == 404
    assert client.get(f"{base}/rounds/9999").status_code == 404
    assert client.get(f"{base}/rounds/{elsewhere_round.id}").status_code == 404
    assert client.get(f"{base}/phase/no_such_step").status_code == 404
    assert client.post(f"{base}/categories/9999/rename", data={"name": "X"}).status_code == 404
    assert client.post(f"{base}/awards/9999/remove").status_code == 404
    assert elsewhere_category is None  # the other competition has no category to borrow


def test_every_page_opens_for_the_organiser(client, office):
    urls = pages(office)
    sign_in(client, office.organiser)
    for url in [*urls, "/manage/new"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Lomba Kabupaten Tetangga" not in page(response)
    overview = page(client.get(urls[0]))
    assert "New competition" in overview and 'href="/manage/new"' in overview
    assert 'data-trigger="open_submissions"' in overview
    # In Bahasa Indonesia too.
    client.post("/language", data={"language": "id", "next": "/"})
    assert "Persiapan" in page(client.get(urls[0]))


def test_creating_a_competition_makes_me_its_organiser(client, office):
    sign_in(client, office.organiser)
    form = page(client.get("/manage/new"))
    assert f'<option selected value="{office.competition.region_id}">' in form or \
        f'value="{office.competition.region_id}"' in form
    assert office.elsewhere.region.name not in form  # only the regions I organise in
    response = client.post("/manage/new", data={
        "name": "Lomba Inovasi Kota 2028", "year": "2028", "region": office.competition.region_id,
        "submission_opens_at": "2028-03-01T08:00", "submission_closes_at": "2028-04-14T23:59",
        "verification_closes_at": "2028-05-23T23:59", "judging_closes_at": "2028-06-27T23:59",
        "categories": "Pelayanan Publik\n\nTata Kelola\n"})
    created = db.session.scalar(select(Competition).where(Competition.name == "Lomba Inovasi Kota 2028"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/{created.id}/setup")
    assert created.phase == "setup" and created.year == 2028
    # 08:00 WIB is 01:00 UTC; 23:59 WIB is 16:59 UTC.
    assert created.submission_opens_at == datetime(2028, 3, 1, 1, 0, tzinfo=UTC)
    assert created.submission_closes_at == datetime(2028, 4, 14, 16, 59, tzinfo=UTC)
    assert created.judging_closes_at == datetime(2028, 6, 27, 16, 59, tzinfo=UTC)
    assert [c.name for c in created.categories] == ["Pelayanan Publik", "Tata Kelola"]
    assert [a.name for a in created.awards] == ["OPD Terinovatif"]
    assert db.session.scalar(select(Membership.role).where(
        Membership.competition_id == created.id, Membership.user_id == office.organiser.id)) == "organiser"
    overview = page(client.get(f"/manage/{created.id}/setup"))
    assert "1 March 2028 08:00 WIB" in overview


def test_a_new_competition_with_a_bad_schedule_is_refused(client, office):
    sign_in(client, office.organiser)
    before = db.session.scalar(select(func.count()).select_from(Competition))
    response = client.post("/manage/new", data={
        "name": "Lomba Salah", "year": "2028", "region": office.competition.region_id,
        "submission_opens_at": "2028-03-01T08:00", "submission_closes_at": "2028-02-01T08:00",
        "verification_closes_at": "2028-05-23T23:59", "judging_closes_at": "2028-05-23T23:59"})
    text = page(response)
    assert response.status_code == 422
    assert "Submission closes must come after submission opens" in text
    assert "Judging closes must come after verification closes" in text
    response = client.post("/manage/new", data={
        "name": "Lomba Inovasi Kota 2027", "year": str(office.competition.year),
        "region": office.competition.region_id,
        "submission_opens_at": "2028-03-01T08:00", "submission_closes_at": "2028-04-01T08:00",
        "verification_closes_at": "2028-05-23T23:59", "judging_closes_at": "2028-06-23T23:59"})
    assert "already has a competition with this name" in page(response)
    response = client.post("/manage/new", data={
        "name": "Lomba Tetangga", "year": "2028", "region": office.elsewhere.region_id,
        "submission_opens_at": "2028-03-01T08:00", "submission_closes_at": "2028-04-01T08:00",
        "verification_closes_at": "2028-05-23T23:59", "judging_closes_at": "2028-06-23T23:59"})
    assert "Choose one of your regions." in page(response)
    assert db.session.scalar(select(func.count()).select_from(Competition)) == before


def test_the_schedule_is_changed_in_wib_and_a_bad_order_changes_nothing(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/timeline"
    before = {f: getattr(office.competition, f) for f in ("submission_opens_at", "submission_closes_at",
                                                            "verification_closes_at", "judging_closes_at")}
    year = utcnow().year + 1
    response = client.post(url, data={
        "submission_opens_at": f"{year}-03-01T08:00", "submission_closes_at": f"{year}-05-01T08:00",
        "verification_closes_at": f"{year}-04-01T08:00", "judging_closes_at": f"{year}-06-01T08:00"})
    assert response.status_code == 422
    text = page(response)
    assert "Nothing was saved" in text
    assert "Verification closes must come after submission closes" in text
    db.session.expire_all()
    competition = db.session.get(Competition, office.competition.id)
    assert {f: getattr(competition, f) for f in before} == before
    response = client.post(url, data={
        "submission_opens_at": f"{year}-03-01T08:00", "submission_closes_at": f"{year}-04-14T23:59",
        "verification_closes_at": f"{year}-05-23T23:59", "judging_closes_at": f"{year}-06-27T23:59"})
    assert response.status_code == 302
    db.session.expire_all()
    competition = db.session.get(Competition, office.competition.id)
    assert competition.submission_opens_at == datetime(year, 3, 1, 1, 0, tzinfo=UTC)
    assert competition.verification_closes_at == datetime(year, 5, 23, 16, 59, tzinfo=UTC)
    assert f'value="{year}-04-14T23:59"' in page(client.get(url))


def test_once_submissions_close_their_moments_are_shown_not_asked(client, office):
    competition = office.competition
    now = utcnow()
    force_status(competition, "verification")
    competition.submission_opens_at = now - timedelta(days=30)
    competition.submission_closes_at = now - timedelta(days=2)
    competition.verification_closes_at = now + timedelta(days=10)
    competition.judging_closes_at = now + timedelta(days=30)
    db.session.commit()
    sign_in(client, office.organiser)
    url = f"/manage/{competition.id}/setup/timeline"
    form = page(client.get(url))
    assert 'data-locked="submission_opens_at"' in form and 'data-locked="submission_closes_at"' in form
    assert 'name="verification_closes_at"' in form and 'name="submission_opens_at"' not in form
    later = competition.judging_closes_at + timedelta(days=7)
    # WIB is UTC+7 all year.
    judging = (later + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    verification = (competition.verification_closes_at + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data={"verification_closes_at": verification,
                                  "judging_closes_at": judging}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).judging_closes_at == later.replace(second=0,
                                                                                          microsecond=0)
    past = (utcnow() - timedelta(days=1) + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data={"verification_closes_at": past, "judging_closes_at": judging})
    assert response.status_code == 422
    assert "Verification closes cannot be moved into the past" in page(response)


def test_categories_are_added_renamed_and_removed_while_unused(client, office):
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/setup/categories"
    response = client.post(base, data={"name": "Kesehatan"}, follow_redirects=True)
    assert "Category &#39;Kesehatan&#39; has been added." in page(response)
    response = client.post(base, data={"name": "kesehatan"}, follow_redirects=True)
    assert "already has a category called &#39;kesehatan&#39;" in page(response)
    used = office.category("Pelayanan Publik")
    make_entry(office.competition, office.dinkes, category=used)
    response = client.post(f"{base}/{used.id}/remove", follow_redirects=True)
    assert "is the category of 1 innovation(s)" in page(response)
    response = client.post(f"{base}/{used.id}/rename", data={"name": "Layanan Publik"}, follow_redirects=True)
    assert "&#39;Pelayanan Publik&#39; is now called &#39;Layanan Publik&#39;." in page(response)
    unused = office.category("Tata Kelola")
    client.post(f"{base}/{unused.id}/remove")
    db.session.expire_all()
    assert sorted(c.name for c in db.session.get(Competition, office.competition.id).categories) == [
        "Kesehatan", "Layanan Publik"]


def test_a_round_with_the_iga_rubric_shows_its_weights_and_total(client, office):
    sign_in(client, office.organiser)
    response = client.post(f"/manage/{office.competition.id}/setup/rounds/new", data={
        "name": "Presentasi", "template": "y", "aggregation": "trimmed_mean", "advancement": "all",
        "weight": "1", "judges_per_entry": "3", "judge_cap": "12", "blind": "y"})
    round_ = db.session.scalar(select(Round).where(Round.name == "Presentasi"))
    assert response.headers["Location"].endswith(f"/setup/rounds/{round_.id}")
    assert (round_.aggregation, round_.blind, round_.judge_cap) == ("trimmed_mean", True, 12)
    assert [(c.name, c.weight) for c in round_.criteria] == [
        ("Kebaharuan", 30), ("Kemanfaatan", 25), ("Replikasi dan aplikatif", 20),
        ("Kewenangan daerah dan kolaborasi", 15), ("Penguasaan materi dan penyajian", 10)]
    text = page(client.get(response.headers["Location"]))
    assert '<td class="text-end" id="total-weight">100</td>' in text
    assert "30.0%" in text and "10.0%" in text


def test_a_rubric_built_by_hand(client, office):
    sign_in(client, office.organiser)
    base = f"/manage/{office.competition.id}/setup/rounds"
    refused = client.post(f"{base}/new", data={
        "name": "Seleksi", "aggregation": "mean", "advancement": "top_n", "weight": "1",
        "judges_per_entry": "2"})
    assert refused.status_code == 422 and "Give N for a top N." in page(refused)
    client.post(f"{base}/new", data={"name": "Seleksi", "aggregation": "median", "advancement": "top_n",
                                     "advancement_count": "10", "weight": "0,5", "judges_per_entry": "2"})
    round_ = db.session.scalar(select(Round).where(Round.name == "Seleksi"))
    assert (round_.advancement, round_.advancement_count, round_.weight) == ("top_n", 10, 0.5)
    assert round_.criteria == []
    url = f"{base}/{round_.id}/criteria"
    client.post(url, data={"name": "Kebaharuan", "weight": "60", "scale": "numeric", "min_value": "0",
                           "max_value": "100", "step": "0,5", "guidance": "Seberapa baru."})
    bad = client.post(url, data={"name": "Regulasi", "weight": "40", "scale": "levels",
                                 "levels": "1=Perkada\nPerbup\n3=Perda"})
    assert bad.status_code == 422 and "Line 2: write value=label" in page(bad)
    client.post(url, data={"name": "Regulasi", "weight": "40", "scale": "levels", "levels":
                           "1=Peraturan Kepala Perangkat Daerah\n2=Peraturan Kepala Daerah\n3=Perda"})
    client.post(url, data={"name": "Catatan", "weight": "0", "scale": "numeric", "min_value": "0",
                           "max_value": "10", "independent": "y"})
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert [(c.position, c.name, c.weight, c.scale, c.independent) for c in round_.criteria] == [
        (1, "Kebaharuan", 60, "numeric", False), (2, "Regulasi", 40, "levels", False),
        (3, "Catatan", 0, "numeric", True)]
    assert [(lv.value, lv.label) for lv in round_.criteria[1].levels][2] == (3, "Perda")
    assert round_.criteria[0].step == 0.5
    text = page(client.get(f"{base}/{round_.id}"))
    assert '<td class="text-end" id="total-weight">100</td>' in text  # the independent one weighs nothing
    first = round_.criteria[0]
    client.post(f"{base}/{round_.id}/criteria/{first.id}/remove")
    db.session.expire_all()
    assert [(c.position, c.name) for c in db.session.get(Round, round_.id).criteria] == [
        (1, "Regulasi"), (2, "Catatan")]


def test_the_template_fills_only_an_empty_rubric(client, office):
    round_ = add_round(office.competition, office.organiser, name="Presentasi")
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/rounds/{round_.id}/template"
    client.post(url, data={"template": "iga_2023"})
    again = client.post(url, data={"template": "iga_2023"}, follow_redirects=True)
    assert "already has a rubric" in page(again)
    assert sum(c.weight for c in db.session.get(Round, round_.id).criteria) == 100
    assert db.session.scalar(select(func.count()).select_from(Criterion)) == 5


def test_awards_are_added_shown_and_removed(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/awards"
    category = office.category("Pelayanan Publik")
    response = client.post(url, data={
        "name": "Inovasi Pelayanan Terbaik", "subject": "innovation", "category": category.id,
        "positions": "3",
        "policy": "index", "index_floor": "3", "count_bonus": "1", "count_bonus_cap": "5",
        "citation": "Atas inovasi pelayanan yang berdampak."}, follow_redirects=True)
    text = page(response)
    assert "Award &#39;Inovasi Pelayanan Terbaik&#39; has been added." in text
    assert "3 positions" in text and "Pelayanan Publik" in text
    award = db.session.scalar(select(Award).where(Award.name == "Inovasi Pelayanan Terbaik"))
    assert (award.position, award.subject, award.positions, award.category_id) == (
        2, "innovation", 3, category.id)
    refused = client.post(url, data={"name": "OPD Terinovatif", "subject": "organisation", "positions": "5",
                                     "policy": "index", "index_floor": "3", "count_bonus": "1",
                                     "count_bonus_cap": "5"})
    assert "already has an award called" in page(refused)
    # The competition's own: the neighbouring competition has an "OPD Terinovatif" of its own.
    first = db.session.scalar(select(Award).where(Award.competition_id == office.competition.id,
                                                  Award.name == "OPD Terinovatif"))
    client.post(f"{url}/{first.id}/remove")
    db.session.expire_all()
    assert [(a.position, a.name) for a in db.session.scalars(select(Award).where(
        Award.competition_id == office.competition.id))] == [(1, "Inovasi Pelayanan Terbaik")]
    overview = page(client.get(f"/manage/{office.competition.id}/setup"))
    assert "Inovasi Pelayanan Terbaik" in overview


def test_bands_are_saved_in_order_and_a_bad_order_is_refused(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/rules/bands"
    response = client.post(url, data={"band_label": ["Sangat Inovatif", "Inovatif", "Kurang Inovatif", ""],
                                      "band_minimum": ["65", "40,5", "0,01", ""]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Competition, office.competition.id).bands == [
        {"label": "Sangat Inovatif", "minimum": 65.0}, {"label": "Inovatif", "minimum": 40.5},
        {"label": "Kurang Inovatif", "minimum": 0.01}]
    rules = page(client.get(f"/manage/{office.competition.id}/setup/rules"))
    assert "Inovatif 40.50–64.99" in rules
    refused = client.post(url, data={"band_label": ["Inovatif", "Sangat Inovatif", "Nol"],
                                     "band_minimum": ["40", "60", "0"]})
    text = page(refused)
    assert refused.status_code == 422
    assert "&#39;Sangat Inovatif&#39; (60.00) is listed below &#39;Inovatif&#39; (40.00)" in text
    assert "Row 3 (Nol): the minimum score must be above 0 and at most 100" in text
    db.session.expire_all()
    assert db.session.get(Competition, office.competition.id).bands[0] == {"label": "Sangat Inovatif",
                                                                            "minimum": 65.0}


def test_the_tie_break_chain_is_reordered_with_buttons(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/rules/chain"
    client.post(url, data={"move": "earlier_submission:up"})
    client.post(url, data={"move": "heaviest_criterion:down"})
    client.post(url, data={"move": "organiser_decision:remove"})
    db.session.expire_all()
    assert db.session.get(Competition, office.competition.id).tie_break_chain == [
        "earlier_submission", "heaviest_criterion", "top_marks"]
    client.post(url, data={"move": "organiser_decision:add"})
    client.post(url, data={"move": "earlier_submission:up"})  # already first: nothing moves
    db.session.expire_all()
    assert db.session.get(Competition, office.competition.id).tie_break_chain == [
        "earlier_submission", "heaviest_criterion", "top_marks", "organiser_decision"]
    assert client.post(url, data={"move": "coin_toss:up"}).status_code == 400
    rules = page(client.get(f"/manage/{office.competition.id}/setup/rules"))
    assert rules.index('data-rule="earlier_submission"') < rules.index('data-rule="heaviest_criterion"')


def test_disagreement_and_one_award_per_opd(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/rules/scoring"
    client.post(url, data={"disagreement_threshold": "15,5"})
    db.session.expire_all()
    competition = db.session.get(Competition, office.competition.id)
    assert (competition.disagreement_threshold, competition.one_award_per_organisation) == (15.5, False)
    refused = client.post(url, data={"disagreement_threshold": "-1", "one_award_per_organisation": "y"})
    assert refused.status_code == 422 and "Between 0 and 100." in page(refused)
    db.session.expire_all()
    assert db.session.get(Competition, office.competition.id).disagreement_threshold == 15.5


def test_a_phase_change_is_confirmed_then_made(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/phase/open_submissions"
    confirm = page(client.get(url))
    assert "OPD operators can submit their innovations" in confirm
    response = client.post(url, data={"comment": "Surat edaran Sekda."}, follow_redirects=True)
    assert "is now in the phase &#39;Open for submissions&#39;" in page(response)
    event_ = db.session.scalar(select(CompetitionEvent).where(
        CompetitionEvent.competition_id == office.competition.id))
    assert (event_.trigger, event_.from_phase, event_.to_phase, event_.comment, event_.actor_id) == (
        "open_submissions", "setup", "open", "Surat edaran Sekda.", office.organiser.id)
    # A step that does not start from the current phase is refused.
    response = client.post(f"/manage/{office.competition.id}/setup/phase/close_judging",
                           follow_redirects=True)
    assert "This step cannot be taken from the phase" in page(response)
    assert db.session.get(Competition, office.competition.id).phase == "open"


def test_a_refused_phase_change_is_flashed_with_its_reason(client, office):
    competition = office.competition
    force_status(competition, "verification")
    make_entry(competition, office.dinkes, status="submitted")
    sign_in(client, office.organiser)
    overview = page(client.get(f"/manage/{competition.id}/setup"))
    assert 'id="refusals-start_judging"' in overview
    response = client.post(f"/manage/{competition.id}/setup/phase/start_judging", follow_redirects=True)
    assert "1 innovation(s) are still submitted and awaiting verification" in page(response)
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).phase == "verification"
    assert db.session.scalar(select(func.count()).select_from(CompetitionEvent)) == 0


def test_the_overview_takes_the_same_queries_however_much_is_set_up(client, office):
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup"

    def count_queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def grow(number: int) -> None:
        round_ = add_round(office.competition, office.organiser, name=f"Tahap {number}")
        add_criterion(round_, office.organiser, name="Kebaharuan", weight=60)
        add_criterion(round_, office.organiser, name="Manfaat", weight=40)
        add_award(office.competition, office.organiser, name=f"Penghargaan {number}",
                  category=office.category("Tata Kelola"))
        category = Category(competition=office.competition, name=f"Kategori {number}")
        db.session.add(category)
        db.session.commit()
        make_entry(office.competition, office.dinkes, category=category)

    grow(1)
    few = count_queries()
    for number in range(2, 7):
        grow(number)
    assert count_queries() == few


@pytest.mark.parametrize("name", ["innovation", "competition", "round", "result_set", "scoring_sheet"])
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_the_workflow_diagram_is_well_formed_svg_naming_every_state(name, language, direction):
    definition = get_workflow(name).definition
    svg = workflow_svg(definition, language, direction=direction, current=definition.initial, id_prefix="x")
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    texts = [" ".join(t.strip() for t in element.itertext()) for element in root.iter(f"{SVG}text")]
    for state in definition.states:
        label = state.label_en if language == "en" else state.label_id
        assert label in texts, label
    for transition in definition.transitions:
        label = transition.label_en if language == "en" else transition.label_id
        assert sum(label == text for text in texts) == len(transition.sources), label
    groups = {g.get("data-state") for g in root.iter(f"{SVG}g")}
    assert groups == set(definition.state_names)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("x-") for i in ids)


def test_the_workflow_page_draws_both_workflows(client, office):
    sign_in(client, office.organiser, language="id")
    text = page(client.get(f"/manage/{office.competition.id}/setup/workflow"))
    assert text.count("<svg") == 4  # wide and narrow, for each workflow
    for label in ("Draf", "Diajukan", "Meraih penghargaan", "Persiapan", "Selesai", "Tolak"):
        assert label in text


def test_a_closed_competition_shows_its_set_up_but_keeps_it(client, office):
    competition = office.competition
    force_status(competition, "closed")
    sign_in(client, office.organiser)
    base = f"/manage/{competition.id}/setup"
    for url in (base, f"{base}/timeline", f"{base}/awards", f"{base}/rules", f"{base}/workflow"):
        assert client.get(url).status_code == 200, url
    assert "The competition is closed: there is no further phase." in page(client.get(base))
    assert 'name="submission_opens_at"' not in page(client.get(f"{base}/timeline"))
    assert client.post(f"{base}/timeline", data={}).status_code == 400
    response = client.post(f"{base}/rules/scoring", data={"disagreement_threshold": "5"},
                           follow_redirects=True)
    assert "The competition is closed; its set-up no longer changes." in page(response)
    client.post(f"{base}/rules/chain", data={"move": "top_marks:up"})
    client.post(f"{base}/awards", data={"name": "Baru", "subject": "innovation", "positions": "3",
                                        "policy": "index", "index_floor": "3", "count_bonus": "1",
                                        "count_bonus_cap": "5"})
    client.post(f"{base}/categories/{office.category('Tata Kelola').id}/rename", data={"name": "Lain"})
    db.session.expire_all()
    competition = db.session.get(Competition, competition.id)
    assert competition.disagreement_threshold == 20 and competition.tie_break_chain[0] == "heaviest_criterion"
    assert [a.name for a in competition.awards] == ["OPD Terinovatif"]
    assert sorted(c.name for c in competition.categories) == ["Pelayanan Publik", "Tata Kelola"]


def test_a_round_in_set_up_can_be_changed_and_an_open_one_cannot(client, office):
    first = add_round(office.competition, office.organiser, name="Administrasi")
    second = add_round(office.competition, office.organiser, name="Presentasi", judges_per_entry=3)
    sign_in(client, office.organiser)
    url = f"/manage/{office.competition.id}/setup/rounds/{second.id}/edit"
    form = page(client.get(url))
    assert 'value="Presentasi"' in form and 'name="template"' not in form  # the rubric is not redone
    changed = {"name": "Presentasi dan wawancara", "aggregation": "median", "advancement": "min_score",
               "advancement_min_score": "60", "weight": "2", "judges_per_entry": "5", "judge_cap": "8",
               "blind": "y"}
    response = client.post(url, data=changed)
    assert response.headers["Location"].endswith(f"/setup/rounds/{second.id}")
    db.session.refresh(second)
    assert (second.name, second.aggregation, second.advancement, second.advancement_min_score, second.weight,
            second.judges_per_entry, second.judge_cap, second.blind) == (
        "Presentasi dan wawancara", "median", "min_score", 60, 2, 5, 8, True)
    # Another round's name is refused, and nothing changes.
    refused = client.post(url, data={**changed, "name": "Administrasi"}, follow_redirects=True)
    assert "already has a round called &#39;Administrasi&#39;" in page(refused)
    db.session.refresh(second)
    assert second.name == "Presentasi dan wawancara"
    # Once a round is open its settings are fixed.
    first.opened_at = utcnow()
    force_status(first, "open")
    url = f"/manage/{office.competition.id}/setup/rounds/{first.id}/edit"
    refused = client.post(url, data={**changed, "name": "Administrasi"}, follow_redirects=True)
    assert "round &#39;Administrasi&#39; is open; its set-up can no longer change" in page(refused)
    db.session.refresh(first)
    assert (first.aggregation, first.judges_per_entry) == ("mean", 3)
    round_page = page(client.get(f"/manage/{office.competition.id}/setup/rounds/{first.id}"))
    assert "Change the settings" not in round_page


def test_bands_come_from_a_published_preset_and_refuse_a_third_decimal(client, office):
    """New competitions take IID 2026; the organiser may switch to IID 2023 or edit them. A
    minimum is a score as shown: 60.005 is refused rather than quietly rounded."""
    assert [(b["label"], b["minimum"]) for b in office.competition.bands] == [
        ("Sangat Inovatif", 65.01), ("Inovatif", 40.01), ("Kurang Inovatif", 0.01)]
    sign_in(client, office.organiser)
    rules = page(client.get(f"/manage/{office.competition.id}/setup/rules"))
    assert '<option value="iid_2026" selected>' in rules and "The bands now are a published preset." in rules
    client.post(f"/manage/{office.competition.id}/setup/rules/bands/preset", data={"preset": "iid_2023"})
    db.session.expire_all()
    assert [(b["label"], b["minimum"]) for b in db.session.get(Competition, office.competition.id).bands] == [
        ("Sangat Inovatif", 60.01), ("Inovatif", 35.0), ("Kurang Inovatif", 0.01)]
    refused = client.post(f"/manage/{office.competition.id}/setup/rules/bands",
                          data={"band_label": ["Sangat Inovatif"], "band_minimum": ["60,005"]})
    assert refused.status_code == 422
    assert "a minimum is a score as shown, with at most two decimal places" in page(refused)
    assert client.post(f"/manage/{office.competition.id}/setup/rules/bands/preset",
                       data={"preset": "iid_1999"}).status_code == 302


def test_closing_submissions_early_warns_what_it_cuts_short(client, office):
    # Found in use: closing 21 days early, with 8 drafts and 6 returned entries left, warned of nothing.
    competition = office.competition
    force_status(competition, "open")
    for _ in range(2):
        make_entry(competition, office.dinkes)
    make_entry(competition, office.dinkes, status="returned")
    sign_in(client, office.organiser)
    confirm = page(client.get(f"/manage/{competition.id}/setup/phase/close_submissions"))
    warnings = confirm.split('id="phase-warnings"')[1].split("</div>")[0]
    assert re.search(r"The deadline is (39|40|41) day\(s\) away \(.+\): this closes it early\.", warnings)
    assert "2 draft(s) will never be submitted" in warnings
    assert "1 returned innovation(s) can still be revised and resubmitted" in warnings


def test_nothing_to_warn_of_says_nothing(client, office):
    competition = office.competition
    force_status(competition, "results")
    sign_in(client, office.organiser)
    confirm = page(client.get(f"/manage/{competition.id}/setup/phase/close_competition"))
    assert 'id="phase-warnings"' not in confirm


def test_after_closing_submissions_drafts_are_locked_and_the_state_shown(client, office):
    competition = office.competition
    draft = make_entry(competition, office.dinkes, title="Masih draf")
    returned = make_entry(competition, office.dinkes, status="returned", title="Dikembalikan")
    force_status(competition, "verification")
    sign_in(client, office.operator)
    assert client.get(f"/innovations/{draft.id}/edit").status_code == 403
    assert client.get(f"/innovations/{returned.id}/edit").status_code == 200
    mine = page(client.get("/innovations"))
    assert "Submissions are closed." in mine and "Submission deadline" not in mine
    client.post("/logout")
    force_status(competition, "judging")
    sign_in(client, office.organiser)
    dashboard = page(client.get(f"/manage/{competition.id}/dashboard"))
    row = dashboard.split('<th scope="row" class="fw-normal">Submission closes</th>')[1].split("</tr>")[0]
    assert row.rstrip().endswith(">closed</td>")   # not "21 days left" during judging
