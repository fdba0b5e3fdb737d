"""Input an audit found answered with status 500: each is now refused with a message naming the
field, and nothing is stored. Through the pages people use and the commands operators run."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, assign_judge, create_panel
from competition.judging.rounds import open_round
from competition.models import (
    Assignment,
    Award,
    Criterion,
    CriterionLevel,
    Entry,
    EntryEvent,
    Evidence,
    Round,
    Score,
    User,
)
from competition.models.types import utcnow
from tests.factories import force_status, make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in

HUGE_ID = str(2 ** 63)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


class Town:
    """An open competition with a category, another competition with one of its own, an OPD with
    its operator and a draft, an organiser with a round being set up, and a judge with an open
    round of its own (a 0–100 criterion and a levelled one) in a competition being judged."""

    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026", categories=("Pelayanan Publik",))
        self.elsewhere = make_competition(name="Lomba Tetangga", categories=("Tata Kelola",))
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes, name="Operator")
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.draft = make_entry(self.competition, self.dinkes, title="Posyandu Digital",
                                created_by=self.operator)
        self.round = Round(competition=self.competition, position=1, name="Presentasi")
        db.session.add(self.round)
        db.session.commit()

    def judged(self) -> Assignment:
        """A judge's assignment in an open round of a competition being judged."""
        now = utcnow()
        competition = make_competition(name="Lomba Dinilai", submission_opens_at=now - timedelta(days=40),
                                       submission_closes_at=now - timedelta(days=20),
                                       verification_closes_at=now - timedelta(days=2))
        organiser = make_user(competition, "organiser")
        self.judge = make_user(competition, "judge", name="Juri")
        entry = make_entry(competition, make_organisation(competition.region), title="Si-Sehat",
                           status="verified")
        force_status(competition, "judging")
        round_ = add_round(competition, organiser, name="Dokumen")
        self.novelty = add_criterion(round_, organiser, name="Kebaharuan", weight=60)
        self.regulation = add_criterion(round_, organiser, name="Regulasi", weight=40, scale="levels",
                                        levels=[(1, "Perkada"), (3, "Perda")])
        create_panel(round_, organiser, name="Tim A", judges=[self.judge])
        assignment = assign_judge(round_, entry, self.judge, organiser)
        open_round(round_, organiser)
        db.session.commit()
        return assignment


@pytest.fixture
def town(app):
    return Town()


def entry_form(**overrides: str) -> dict[str, str]:
    values = {"title": "Antrean Daring", "category_id": "", "inisiator": "perangkat_daerah",
              "tahapan": "inisiatif", "jenis": "digital", "bentuk": "pelayanan_publik", "urusan": "",
              "urusan_terkait": "", "trial_started_on": "", "implemented_on": "", "rancang_bangun": "",
              "tujuan": "", "manfaat": "", "hasil": "", "anggaran_rupiah": ""}
    values.update(overrides)
    return values


# -- numbers in forms and query strings ------------------------------------------------------------

def test_a_version_that_is_not_a_number_is_refused_naming_it(client, town):
    sign_in(client, town.operator)
    edited = client.post(f"/innovations/{town.draft.id}/edit",
                         data=entry_form(title="Judul Baru", version="abc"))
    assert edited.status_code == 422 and "version: &#39;abc&#39; is not a whole number" in page(edited)
    submitted = client.post(f"/innovations/{town.draft.id}/submit", data={"version": "abc"})
    assert submitted.status_code == 400
    assert "version: &#39;abc&#39; is not a whole number" in page(submitted)
    db.session.expire_all()
    assert (town.draft.title, town.draft.status, count(EntryEvent)) == ("Posyandu Digital", "draft", 0)


@pytest.mark.parametrize("category", ["abc", HUGE_ID, "-1", "٣"])
def test_a_category_that_is_no_id_is_refused_naming_it(client, town, category):
    sign_in(client, town.operator)
    response = client.post(f"/innovations/new/{town.competition.id}", data=entry_form(category_id=category))
    assert response.status_code == 422
    assert "category_id" in page(response)
    assert count(Entry) == 1


@pytest.mark.parametrize("amount, problem", [
    (str(2 ** 63), "at most Rp 999,999,999,999,999"),
    ("99.999.999.999.999.999.999", "at most Rp 999,999,999,999,999"),
    ("-5", "must not be negative"),
    ("1e5", "&#39;1e5&#39; is not a whole number of rupiah"),
])
def test_a_budget_out_of_range_is_refused_naming_it(client, town, amount, problem):
    sign_in(client, town.operator)
    response = client.post(f"/innovations/new/{town.competition.id}", data=entry_form(anggaran_rupiah=amount))
    assert response.status_code == 422
    # Under the budget's field, which its label names (not the field's code).
    assert f'id="anggaran_rupiah-error"><div>{problem}</div>' in page(response)
    assert "anggaran_rupiah:" not in page(response)
    assert count(Entry) == 1


@pytest.mark.parametrize("value", ["1e28", "NaN", "nan", "inf", "-Infinity", "1_0",
                                   "0.000000000000000000001"])
def test_a_score_that_is_no_plain_number_is_refused_and_nothing_is_saved(client, town, value):
    assignment = town.judged()
    sign_in(client, town.judge)
    for criterion in (town.novelty, town.regulation):
        as_json = client.post(f"/scoring/{assignment.id}/draft", data={f"value-{criterion.id}": value},
                              headers={"Accept": "application/json"})
        assert as_json.status_code == 422
        assert as_json.json["errors"][str(criterion.id)].startswith(criterion.name + ": ")
        as_form = client.post(f"/scoring/{assignment.id}/draft", data={f"value-{criterion.id}": value})
        assert as_form.status_code == 422 and criterion.name in page(as_form)
    assert count(Score) == 0


@pytest.mark.parametrize("field, label", [("weight", "Weight"), ("min_value", "Minimum"),
                                          ("max_value", "Maximum"), ("step", "Step (optional)")])
@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e400", "1e28"])
def test_a_criterion_bound_that_is_no_plain_number_is_refused_naming_it(client, town, field, label, value):
    sign_in(client, town.organiser)
    form = {"name": "Kebaharuan", "weight": "30", "scale": "numeric", "min_value": "0", "max_value": "100",
            "step": "1", field: value}
    response = client.post(f"/manage/{town.competition.id}/setup/rounds/{town.round.id}/criteria", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response)
    assert count(Criterion) == 0


@pytest.mark.parametrize("levels", ["inf=Perda\n1=Perkada", "nan=Perda\n1=Perkada", "1e400=Perda\n1=Perkada",
                                    "1e3=Perda\n1=Perkada"])
def test_a_level_that_is_no_plain_number_is_refused_naming_its_line(client, town, levels):
    sign_in(client, town.organiser)
    response = client.post(f"/manage/{town.competition.id}/setup/rounds/{town.round.id}/criteria",
                           data={"name": "Regulasi", "weight": "30", "scale": "levels", "levels": levels})
    assert response.status_code == 422
    assert "Line 1: write value=label, for example 3=Peraturan Daerah." in page(response)
    assert count(Criterion) == 0 and count(CriterionLevel) == 0


def test_a_weight_of_infinity_is_refused_from_the_command_line_too(runner, town):
    result = runner.invoke(args=["judging", "add-criterion", str(town.round.id), "--name", "Kebaharuan",
                                 "--weight", "inf", "--as", town.organiser.email])
    assert result.exit_code == 1
    assert "weight: inf is not a number" in result.output
    assert count(Criterion) == 0


def test_pages_stay_up_when_a_stored_weight_is_not_a_number(client, town):
    """Rows stored before the weight was checked: the judge's and the organiser's pages say what is
    wrong instead of failing."""
    assignment = town.judged()
    db.session.get(Criterion, town.novelty.id).weight = float("inf")
    db.session.commit()
    sign_in(client, town.judge)
    scoring = client.get(f"/scoring/{assignment.id}")
    assert scoring.status_code == 422
    assert "Kebaharuan" in page(scoring) and "weight" in page(scoring)
    client.post("/logout")
    organiser = make_user(assignment.round.competition, "organiser")
    sign_in(client, organiser)
    competition_id = assignment.round.competition_id
    assert client.get(f"/manage/{competition_id}/setup/rounds/{assignment.round_id}").status_code == 200
    dashboard = client.get(f"/manage/{competition_id}/dashboard")
    assert dashboard.status_code == 422 and "Kebaharuan" in page(dashboard)


def test_ids_too_large_for_the_database_in_forms_and_query_strings_are_no_ids(client, town):
    verifier = make_user(town.competition, "verifier")
    sign_in(client, verifier)
    assert client.get(f"/verification?category={HUGE_ID}&organisation={HUGE_ID}").status_code == 200
    assert client.get(f"/verification/verify-several?entry={HUGE_ID}&entry=²").status_code == 302
    client.post("/logout")
    sign_in(client, town.organiser)
    added = client.post(f"/manage/{town.competition.id}/panels/rounds/{town.round.id}/assignments",
                        data={"entry": HUGE_ID, "judge": "1"})
    assert added.status_code == 404
    assert client.get(f"/manage/{town.competition.id}/results?innovations={HUGE_ID}").status_code == 200


# -- NUL characters -----------------------------------------------------------------------------------

def test_a_nul_character_in_a_title_is_refused_naming_the_field(client, town):
    sign_in(client, town.operator)
    response = client.post(f"/innovations/new/{town.competition.id}",
                           data=entry_form(title="Antrean\x00Daring"))
    assert response.status_code == 400
    assert "title: contains a NUL character, which no text may hold" in page(response)
    assert count(Entry) == 1


def test_a_nul_character_in_an_imported_email_is_refused_naming_its_row(client, town):
    sign_in(client, town.organiser)
    csv = "email,name,organisation,role\nbaru\x00@example.go.id,Operator Baru,Dinas Kesehatan,submitter\n"
    response = client.post("/people/import", data={
        "kind": "users", "competition": str(town.competition.id),
        "file": (io.BytesIO(csv.encode()), "pengguna.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "pengguna.csv row 2: email: contains a NUL character, which no text may hold" in page(response)
    assert count(User) == 2


def test_a_nul_character_in_an_email_on_the_command_line_is_refused(runner, town):
    result = runner.invoke(args=["create-user", "--email", "baru\x00@example.go.id", "--name", "Baru",
                                 "--password", "kata-sandi-rahasia"])
    assert result.exit_code == 1
    assert "email: contains a NUL character, which no text may hold" in result.output
    assert count(User) == 2


# -- fields that were silently ignored ---------------------------------------------------------------

def test_another_competitions_category_is_refused_for_an_innovation_and_an_award(client, town):
    foreign = str(town.elsewhere.categories[0].id)
    sign_in(client, town.operator)
    entry = client.post(f"/innovations/new/{town.competition.id}", data=entry_form(category_id=foreign))
    assert entry.status_code == 422 and "category_id" in page(entry)
    assert count(Entry) == 1
    client.post("/logout")
    sign_in(client, town.organiser)
    awards = count(Award)
    award = client.post(f"/manage/{town.competition.id}/setup/awards", data={
        "name": "Inovasi Terbaik", "subject": "innovation", "category": foreign, "positions": "3",
        "policy": "index", "index_floor": "3", "count_bonus": "1", "count_bonus_cap": "5", "citation": ""})
    assert award.status_code == 422
    assert "Choose one of the competition&#39;s categories." in page(award)
    assert count(Award) == awards


def test_band_labels_without_a_minimum_are_refused(client, town):
    sign_in(client, town.organiser)
    bands = town.competition.bands
    response = client.post(f"/manage/{town.competition.id}/setup/rules/bands", data={
        "band_label": ["Sangat Inovatif", "Inovatif", "Kurang Inovatif"], "band_minimum": ["65", "40"]})
    assert response.status_code == 422
    assert "band_label: 3 labels but 2 minimum scores" in page(response)
    db.session.expire_all()
    assert town.competition.bands == bands


@pytest.mark.parametrize("url", ["https://example.go.id/video\r\nSet-Cookie: a=b",
                                 "https://example.go.id/\nvideo"])
def test_a_link_with_a_line_break_is_refused(client, town, url):
    sign_in(client, town.operator)
    response = client.post(f"/innovations/{town.draft.id}/evidence",
                           data={"url": url, "title": "Video", "indicator": ""}, follow_redirects=True)
    assert "Or a link (video, published page): must be on one line" in page(response)
    assert count(Evidence) == 1   # the link the factory attached


@pytest.mark.parametrize("form, problem", [
    ({"scale": "levels", "levels": "0=Tidak ada\n0,0=Belum ada"}, "levels: the top level must be above zero"),
    ({"scale": "numeric", "min_value": "0", "max_value": "0", "step": ""},
     "range: needs 0 ≤ min &lt; max (got 0.0 to 0.0)"),
])
def test_a_scale_with_no_room_above_zero_is_refused_not_divided_by(client, town, form, problem):
    sign_in(client, town.organiser)
    response = client.post(f"/manage/{town.competition.id}/setup/rounds/{town.round.id}/criteria",
                           data={"name": "Regulasi", "weight": "30", **form})
    assert response.status_code == 422
    assert problem in page(response)
    assert count(Criterion) == 0


def test_another_regions_opd_for_a_new_user_is_refused_not_dropped(client, town):
    foreign = make_organisation(town.elsewhere.region, "Dinas Tetangga")
    sign_in(client, town.organiser)
    response = client.post("/people/new", data={
        "name": "Operator Baru", "email": "baru@example.go.id", "organisation": str(foreign.id),
        "competition": str(town.competition.id), "roles": ["judge"]})
    assert response.status_code == 200
    assert "Choose one of the OPDs listed." in page(response)
    assert db.session.scalar(select(User).where(User.email == "baru@example.go.id")) is None


def test_a_verifiers_note_over_its_limit_is_refused_and_the_form_kept(client, town):
    verifier = make_user(town.competition, "verifier")
    submitted = make_entry(town.competition, town.dinkes, title="Antrean Daring", status="submitted")
    sign_in(client, verifier)
    response = client.post(f"/verification/{submitted.id}/return_for_revision",
                           data={"comment": "Lengkapi SK.", "note-evidence": "n" * 2001})
    assert response.status_code == 422
    assert "Every claim has evidence that opens and matches it: at most 2,000 characters (got 2,001)" \
        in page(response)
    db.session.expire_all()
    assert submitted.status == "submitted"


@pytest.mark.parametrize("args", [["judging", "progress", HUGE_ID], ["competition", "phase", HUGE_ID,
                                                                     "open_submissions", "--as", "x@y.id"],
                                  ["results", "export", "1", "--award", HUGE_ID, "--format", "csv",
                                   "--output", "x.csv"]])
def test_an_id_too_large_for_the_database_is_refused_by_the_command(runner, town, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert f"{HUGE_ID} is not in the range 1<=x<=2147483647" in result.output


def test_an_opd_name_on_two_lines_is_refused_on_import(runner, town, tmp_path):
    path = tmp_path / "opd.csv"
    path.write_text('name\n"Dinas\nKesehatan"\n', encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(path), "--region", town.competition.region.name])
    assert result.exit_code == 1
    assert "opd.csv row 2: name: must be on one line" in result.output


def test_a_moment_centuries_away_is_refused_not_stored(client, runner, town):
    sign_in(client, town.organiser)
    moments = {"submission_closes_at": "2027-01-15T12:00", "verification_closes_at": "2027-02-01T09:00",
               "judging_closes_at": "9999-12-31T23:59"}
    response = client.post(f"/manage/{town.competition.id}/setup/timeline", data=moments)
    assert response.status_code == 422
    assert "judging closes: a date from the year 2000 to 2100" in page(response)
    result = runner.invoke(args=["competition", "create", "--region", town.competition.region.name,
                                 "--name", "Lomba Kuno", "--year", "2026", "--opens", "0001-01-01",
                                 "--closes", "2027-01-15", "--verification-closes", "2027-02-01",
                                 "--judging-closes", "2027-03-01", "--organiser", town.organiser.email])
    assert result.exit_code == 1
    assert "submission_opens_at: a date from the year 2000 to 2100" in result.output
