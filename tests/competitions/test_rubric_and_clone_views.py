"""The organiser's browser pages for changing and reordering a rubric's criteria during set-up,
and for starting a new competition set up like an earlier one of the same region."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from competition.audit.models import AuditEvent
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, create_panel
from competition.models import Competition, Criterion, Membership, Panel, Round, ScheduledPhaseChange
from competition.models.types import utcnow
from competition.results.operations import add_award
from tests.competitions.test_views import Office
from tests.factories import force_status, make_competition, make_region, make_user
from tests.web.pages import page, sign_in


@pytest.fixture
def office(app):
    return Office()


def field_error(text: str, field: str) -> str:
    """The problems shown under a form's field, as text."""
    found = re.search(rf'<div class="invalid-feedback" id="{field}-error">(.*?)</div>\s*'
                      r'(?:<div class="form|</div>)', text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def audit_rows(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)))


# -- changing a criterion ---------------------------------------------------------------------------

class Rubric:
    """A round of the office's competition in set-up with three criteria, and another round."""

    def __init__(self, office: Office) -> None:
        self.office = office
        organiser = office.organiser
        self.round = add_round(office.competition, organiser, name="Presentasi")
        self.novelty = add_criterion(self.round, organiser, name="Kebaharuan", weight=40,
                                     guidance="Seberapa baru.")
        self.benefit = add_criterion(self.round, organiser, name="Kemanfaatan", weight=35)
        self.rules = add_criterion(self.round, organiser, name="Regulasi", weight=25, scale="levels",
                                   levels=[(1, "Perkada"), (3, "Perda")])
        self.other_round = add_round(office.competition, organiser, name="Validasi lapangan")
        self.elsewhere = add_criterion(self.other_round, organiser, name="Bukti lapangan", weight=100)
        db.session.commit()
        base = f"/manage/{office.competition.id}/setup/rounds/{self.round.id}"
        self.page = base
        self.edit = f"{base}/criteria/{self.novelty.id}/edit"

    def move(self, criterion: Criterion) -> str:
        return f"{self.page}/criteria/{criterion.id}/move"

    def order(self) -> list[tuple[int, str]]:
        db.session.expire_all()
        return [(c.position, c.name) for c in db.session.get(Round, self.round.id).criteria]


@pytest.fixture
def rubric(office) -> Rubric:
    return Rubric(office)


VALID = {"name": "Kebaharuan inovasi", "weight": "45", "guidance": "Dibanding praktik sebelumnya.",
         "scale": "numeric", "min_value": "0", "max_value": "10", "step": "0,5"}


def test_the_round_page_links_each_criterion_to_its_form(client, rubric):
    sign_in(client, rubric.office.organiser)
    text = page(client.get(rubric.page))
    assert f'href="{rubric.edit}"' in text
    assert f'action="{rubric.move(rubric.benefit)}"' in text
    assert 'aria-label="Move Kebaharuan up"' in text and 'aria-label="Move Regulasi down"' in text


def test_a_criterion_is_changed_on_its_own_page_and_the_change_audited(client, rubric):
    sign_in(client, rubric.office.organiser)
    form = page(client.get(rubric.edit))
    assert 'value="Kebaharuan"' in form and "Seberapa baru." in form and 'value="40"' in form
    response = client.post(rubric.edit, data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{rubric.page}#criterion-{rubric.novelty.id}")
    db.session.expire_all()
    criterion = db.session.get(Criterion, rubric.novelty.id)
    assert (criterion.position, criterion.name, criterion.weight, criterion.guidance, criterion.min_value,
            criterion.max_value, criterion.step) == (
        1, "Kebaharuan inovasi", 45, "Dibanding praktik sebelumnya.", 0, 10, 0.5)
    [row] = audit_rows("criterion.changed")
    assert (row.actor_id, row.subject_id) == (rubric.office.organiser.id, criterion.id)
    assert row.details["fields"] == ["guidance", "max_value", "name", "step", "weight"]
    assert "Criterion &#39;Kebaharuan inovasi&#39; has been saved." in page(client.get(rubric.page))


def test_labelled_levels_are_shown_and_replaced(client, rubric):
    sign_in(client, rubric.office.organiser)
    url = f"{rubric.page}/criteria/{rubric.rules.id}/edit"
    form = page(client.get(url))
    assert "1=Perkada\n3=Perda" in form and re.search(r'<input checked[^>]*value="levels"', form)
    response = client.post(url, data={"name": "Regulasi", "weight": "25", "scale": "levels",
                                      "levels": "1=Perkada\n2=Perwali\n3=Perda"})
    assert response.status_code == 302
    db.session.expire_all()
    criterion = db.session.get(Criterion, rubric.rules.id)
    assert [(level.value, level.label) for level in criterion.levels] == [(1, "Perkada"), (2, "Perwali"),
                                                                           (3, "Perda")]
    assert "levels" in audit_rows("criterion.changed")[0].details["fields"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Fill this in."),
    ({"name": "Kemanfaatan"}, "name", "the rubric already has a criterion called 'Kemanfaatan'"),
    ({"name": "a\nb"}, "name", ""),
    ({"weight": ""}, "weight", "Fill this in."),
    ({"weight": "banyak"}, "weight", "Write a number, such as 80 or 80,5."),
    ({"weight": "-1"}, "weight", "Not below zero."),
    ({"weight": "0"}, "weight", "must be above zero (only an independent criterion weighs nothing)"),
    ({"weight": "1,00001"}, "weight", ""),
    ({"guidance": "x" * 5000}, "guidance", ""),
    ({"min_value": ""}, "min_value", "Fill this in."),
    ({"max_value": "abc"}, "max_value", "Write a number"),
    ({"min_value": "10", "max_value": "5"}, "max_value", "needs 0 ≤ min < max (got 10.0 to 5.0)"),
    ({"step": "0"}, "step", "must be above zero"),
    ({"scale": "levels", "levels": "1=Perkada\nPerbup"}, "levels", "Line 2: write value=label"),
    ({"scale": "levels", "levels": "1=Perkada"}, "levels", "Give at least two levels."),
    ({"scale": "levels", "levels": "1=Perkada\n1=Perda"}, "levels", "each level needs its own value"),
])
def test_each_bad_field_is_named_and_nothing_changes(client, rubric, changes, field, message):
    sign_in(client, rubric.office.organiser)
    response = client.post(rubric.edit, data={**VALID, **changes})
    text = page(response)
    assert response.status_code == 422
    assert f'id="{field}"' in text and field_error(text, field).strip(), field
    assert message in field_error(text, field)
    form_tag = text.split('<form method="post" novalidate', 1)[1].split(">", 1)[0]
    assert 'action="' not in form_tag   # it posts to its own address
    db.session.expire_all()
    criterion = db.session.get(Criterion, rubric.novelty.id)
    assert (criterion.name, criterion.weight, criterion.max_value) == ("Kebaharuan", 40, 100)
    assert audit_rows("criterion.changed") == []


def test_a_weight_too_fine_to_add_up_is_refused_under_the_weight(client, rubric):
    sign_in(client, rubric.office.organiser)
    response = client.post(rubric.edit, data={**VALID, "weight": "123456789012,1234",
                                              "max_value": "123456789,1234"})
    assert response.status_code == 422
    assert field_error(page(response), "weight").strip()
    assert audit_rows("criterion.changed") == []


def test_after_set_up_the_criterion_page_says_why_it_cannot_change(client, rubric):
    rubric.round.opened_at = utcnow()
    force_status(rubric.round, "open")
    sign_in(client, rubric.office.organiser)
    shown = client.get(rubric.edit)
    text = page(shown)
    assert shown.status_code == 200
    assert "This criterion can no longer be changed: round &#39;Presentasi&#39; is open" in text
    assert 'name="name"' not in text and "Seberapa baru." in text
    refused = client.post(rubric.edit, data=VALID)
    assert refused.status_code == 422 and "is open; its set-up can no longer change" in page(refused)
    db.session.expire_all()
    assert db.session.get(Criterion, rubric.novelty.id).name == "Kebaharuan"
    round_page = page(client.get(rubric.page))
    assert rubric.edit not in round_page and rubric.move(rubric.benefit) not in round_page
    assert "is open; its set-up can no longer change" in round_page
    force_status(rubric.round, "closed")
    assert "is closed; its set-up can no longer change" in page(client.get(rubric.edit))
    assert audit_rows("criterion.changed") == []


def test_another_rounds_criterion_is_not_found(client, rubric):
    sign_in(client, rubric.office.organiser)
    foreign = f"{rubric.page}/criteria/{rubric.elsewhere.id}"
    assert client.get(f"{foreign}/edit").status_code == 404
    assert client.post(f"{foreign}/edit", data=VALID).status_code == 404
    assert client.post(f"{foreign}/move", data={"direction": "up"}).status_code == 404
    assert client.get(f"{rubric.page}/criteria/99999/edit").status_code == 404
    db.session.expire_all()
    assert db.session.get(Criterion, rubric.elsewhere.id).name == "Bukti lapangan"
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Kemanfaatan"), (3, "Regulasi")]
    assert audit_rows("criteria.reordered") == []


@pytest.mark.parametrize("who", ["verifier", "judge", "operator", "other_organiser"])
def test_others_may_neither_change_nor_move(client, rubric, who):
    sign_in(client, getattr(rubric.office, who))
    assert client.get(rubric.edit).status_code == 403
    assert client.post(rubric.edit, data=VALID).status_code == 403
    assert client.post(rubric.move(rubric.rules), data={"direction": "up"}).status_code == 403
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Kemanfaatan"), (3, "Regulasi")]


def test_getting_the_move_address_goes_back_to_the_round(client, rubric):
    sign_in(client, rubric.office.organiser)
    response = client.get(rubric.move(rubric.rules))
    assert response.status_code == 303 and response.headers["Location"].endswith(rubric.page)


# -- reordering -------------------------------------------------------------------------------------

def test_criteria_move_up_and_down_with_an_audit_row_each(client, rubric):
    sign_in(client, rubric.office.organiser)
    response = client.post(rubric.move(rubric.rules), data={"direction": "up"})
    assert response.headers["Location"].endswith(f"{rubric.page}#criterion-{rubric.rules.id}")
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Regulasi"), (3, "Kemanfaatan")]
    client.post(rubric.move(rubric.novelty), data={"direction": "down"})
    assert rubric.order() == [(1, "Regulasi"), (2, "Kebaharuan"), (3, "Kemanfaatan")]
    rows = audit_rows("criteria.reordered")
    assert [(row.subject_id, row.actor_id) for row in rows] == [
        (rubric.round.id, rubric.office.organiser.id)] * 2
    assert rows[-1].details["criteria"] == [rubric.rules.id, rubric.novelty.id, rubric.benefit.id]
    text = page(client.get(rubric.page))
    assert "Criterion &#39;Kebaharuan&#39; is now number 2 of the rubric." in text
    assert text.index('data-criterion="Regulasi"') < text.index('data-criterion="Kebaharuan"')


def test_the_first_does_not_move_up_and_the_last_not_down(client, rubric):
    sign_in(client, rubric.office.organiser)
    client.post(rubric.move(rubric.novelty), data={"direction": "up"})
    after = page(client.get(rubric.page))
    client.post(rubric.move(rubric.rules), data={"direction": "down"})
    assert "Criterion &#39;Kebaharuan&#39; is already first." in after
    assert "Criterion &#39;Regulasi&#39; is already last." in page(client.get(rubric.page))
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Kemanfaatan"), (3, "Regulasi")]
    assert audit_rows("criteria.reordered") == []


def test_a_move_without_a_direction_is_a_bad_request(client, rubric):
    sign_in(client, rubric.office.organiser)
    assert client.post(rubric.move(rubric.rules), data={}).status_code == 400
    assert client.post(rubric.move(rubric.rules), data={"direction": "first"}).status_code == 400
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Kemanfaatan"), (3, "Regulasi")]


def test_an_open_rounds_criteria_do_not_move(client, rubric):
    rubric.round.opened_at = utcnow()
    force_status(rubric.round, "open")
    sign_in(client, rubric.office.organiser)
    response = client.post(rubric.move(rubric.rules), data={"direction": "up"}, follow_redirects=True)
    assert "is open; its set-up can no longer change" in page(response)
    assert rubric.order() == [(1, "Kebaharuan"), (2, "Kemanfaatan"), (3, "Regulasi")]
    assert audit_rows("criteria.reordered") == []


# -- a new competition set up like last year's ------------------------------------------------------

WIB_2025 = {"submission_opens_at": datetime(2025, 3, 1, 1, 0, tzinfo=UTC),        # 08:00 WIB
            "submission_closes_at": datetime(2025, 4, 14, 16, 59, tzinfo=UTC),    # 23:59 WIB
            "verification_closes_at": datetime(2025, 5, 23, 16, 59, tzinfo=UTC),
            "judging_closes_at": datetime(2025, 6, 27, 16, 59, tzinfo=UTC)}
NEW = {"name": "Lomba Inovasi Kota Kediri 2026", "year": "2026",
       "submission_opens_at": "2026-03-02T08:00", "submission_closes_at": "2026-04-14T23:59",
       "verification_closes_at": "2026-05-23T23:59", "judging_closes_at": "2026-06-27T23:59"}


class LastYear:
    """Last year's competition of Kota Kediri, closed, fully set up; its organiser; an organiser
    of another competition of the same region, and one of another region."""

    def __init__(self) -> None:
        region = make_region("Kota Kediri")
        self.competition = make_competition(region, phase="setup", name="Lomba Inovasi Kota Kediri 2025",
                                            year=2025, categories=("Pelayanan Publik", "Tata Kelola"),
                                            **WIB_2025)
        competition = self.competition
        self.organiser = make_user(competition, "organiser", name="Panitia")
        self.ratna, self.bambang = (make_user(competition, "judge", name=name)
                                    for name in ("Ratna", "Bambang"))
        first = add_round(competition, self.organiser, name="Penilaian administrasi", advancement="top_n",
                          advancement_count=4, judges_per_entry=2)
        add_criterion(first, self.organiser, name="Kebaruan", weight=60)
        add_criterion(first, self.organiser, name="Regulasi", weight=40, scale="levels",
                      levels=[(1, "Perkada"), (3, "Perda")])
        second = add_round(competition, self.organiser, name="Presentasi")
        add_criterion(second, self.organiser, name="Presentasi dan tanya jawab", weight=100)
        create_panel(first, self.organiser, name="Tim A", judges=[self.ratna, self.bambang])
        create_panel(second, self.organiser, name="Tim Presentasi", judges=[self.ratna])
        add_award(competition, self.organiser, name="Inovasi Pelayanan Terbaik", subject="innovation",
                  positions=3)
        competition.bands = [{"label": "Sangat Inovatif", "minimum": 70},
                             {"label": "Inovatif", "minimum": 40}]
        competition.disagreement_threshold = 15
        competition.tie_break_chain = ["top_marks", "earlier_submission"]
        db.session.commit()
        force_status(competition, "closed")
        self.alongside = make_competition(region, phase="setup", name="Anugerah Pelayanan Publik 2026",
                                          year=2026)
        self.organiser_alongside = make_user(self.alongside, "organiser", name="Panitia Pelayanan")
        self.elsewhere = make_competition(name="Lomba Kota Blitar 2025", year=2025)
        self.organiser_elsewhere = make_user(self.elsewhere, "organiser", name="Panitia Blitar")
        self.url = f"/manage/new/from/{competition.id}"


@pytest.fixture
def last_year(app) -> LastYear:
    return LastYear()


def competitions() -> int:
    return db.session.scalar(select(func.count()).select_from(Competition)) or 0


def test_the_new_competition_page_offers_only_my_own_earlier_competitions(app, client, last_year):
    sign_in(client, last_year.organiser)
    text = page(client.get("/manage/new"))
    assert f'href="{last_year.url}"' in text and "Set up like Lomba Inovasi Kota Kediri 2025 (2025)" in text
    assert "Anugerah Pelayanan Publik" not in text and "Blitar" not in text
    other = app.test_client()
    sign_in(other, last_year.organiser_elsewhere)
    text = page(other.get("/manage/new"))
    assert "Lomba Inovasi Kota Kediri 2025" not in text
    assert f"/manage/new/from/{last_year.elsewhere.id}" in text


def test_the_clone_page_suggests_a_year_on_and_lists_what_is_copied(client, last_year):
    sign_in(client, last_year.organiser)
    text = page(client.get(last_year.url))
    assert 'value="Lomba Inovasi Kota Kediri 2026"' in text and 'value="2026"' in text
    for moment in ("2026-03-01T08:00", "2026-04-14T23:59", "2026-05-23T23:59", "2026-06-27T23:59"):
        assert f'value="{moment}"' in text
    copied = text.split('id="copied"', 1)[1]
    for shown in ("Pelayanan Publik", "Tata Kelola", "Penilaian administrasi", "Kebaruan, Regulasi",
                  "Presentasi dan tanya jawab", "Tim A (2 judges)", "Tim Presentasi (1 judge)",
                  "Inovasi Pelayanan Terbaik", "Sangat Inovatif: from 70", "Inovatif: from 40",
                  "Top marks, Earlier submission", "differ by more than 15.00 points",
                  "Bambang, Ratna", "Not copied: innovations"):
        assert shown in copied, shown
    assert copied.index("Penilaian administrasi") < copied.index("Tim Presentasi")


def test_a_competition_is_set_up_like_last_years(client, last_year):
    sign_in(client, last_year.organiser)
    response = client.post(last_year.url, data=NEW)
    created = db.session.scalar(select(Competition).where(Competition.name == NEW["name"]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/{created.id}/setup")
    assert (created.region_id, created.year, created.phase) == (
        last_year.competition.region_id, 2026, "setup")
    assert created.submission_opens_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert created.judging_closes_at == datetime(2026, 6, 27, 16, 59, tzinfo=UTC)
    assert sorted(c.name for c in created.categories) == ["Pelayanan Publik", "Tata Kelola"]
    rounds = db.session.scalars(select(Round).where(Round.competition_id == created.id)
                                .order_by(Round.position)).all()
    assert [(r.name, r.status, r.advancement, r.advancement_count) for r in rounds] == [
        ("Penilaian administrasi", "setup", "top_n", 4), ("Presentasi", "setup", "all", None)]
    assert [(c.name, c.weight, c.scale) for c in rounds[0].criteria] == [
        ("Kebaruan", 60, "numeric"), ("Regulasi", 40, "levels")]
    assert [(lv.value, lv.label) for lv in rounds[0].criteria[1].levels] == [(1, "Perkada"), (3, "Perda")]
    panels = db.session.scalars(select(Panel).join(Round).where(Round.competition_id == created.id)
                                .order_by(Panel.name)).all()
    assert [(p.name, sorted(m.judge.name for m in p.members)) for p in panels] == [
        ("Tim A", ["Bambang", "Ratna"]), ("Tim Presentasi", ["Ratna"])]
    assert [a.name for a in created.awards] == ["OPD Terinovatif", "Inovasi Pelayanan Terbaik"]
    assert created.bands == last_year.competition.bands and created.disagreement_threshold == 15
    assert created.tie_break_chain == ["top_marks", "earlier_submission"]
    roles = set(db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.competition_id == created.id)).all())
    assert roles == {(last_year.organiser.id, "organiser"), (last_year.ratna.id, "judge"),
                     (last_year.bambang.id, "judge")}
    [row] = audit_rows("competition.cloned")
    assert (row.competition_id, row.actor_id, row.details["from"]) == (
        created.id, last_year.organiser.id, last_year.competition.id)
    overview = page(client.get(f"/manage/{created.id}/setup"))
    assert "has been set up like Lomba Inovasi Kota Kediri 2025" in overview
    assert "Penilaian administrasi" in overview and "Presentasi" in overview


@pytest.mark.parametrize("who", ["organiser_alongside", "organiser_elsewhere"])
def test_organisers_of_other_competitions_may_not_start_from_it(client, last_year, who):
    sign_in(client, getattr(last_year, who))
    before = competitions()
    assert client.get(last_year.url).status_code == 403
    assert client.post(last_year.url, data=NEW).status_code == 403
    assert competitions() == before and audit_rows("competition.cloned") == []


def test_a_foreign_competitions_id_is_refused(client, last_year):
    """The organiser of Kota Kediri posts the id of Kota Blitar's competition, and one that does
    not exist: refused, nothing created."""
    sign_in(client, last_year.organiser)
    before = competitions()
    assert client.post(f"/manage/new/from/{last_year.elsewhere.id}", data=NEW).status_code == 403
    assert client.post(f"/manage/new/from/{last_year.alongside.id}", data=NEW).status_code == 403
    assert client.post("/manage/new/from/99999", data=NEW).status_code == 404
    assert competitions() == before and audit_rows("competition.cloned") == []


def test_judges_and_visitors_may_not_clone(client, last_year):
    assert "/login" in client.get(last_year.url).headers["Location"]
    sign_in(client, last_year.ratna)
    assert client.post(last_year.url, data=NEW).status_code == 403


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Fill this in."),
    ({"name": "a\nb"}, "name", ""),
    ({"year": ""}, "year", "Fill this in."),
    ({"year": "1999"}, "year", "A year between 2000 and 2100."),
    ({"year": "dua ribu"}, "year", "Write a whole number"),
    ({"submission_opens_at": ""}, "submission_opens_at", "Fill this in."),
    ({"judging_closes_at": "2026-02-30T10:00"}, "judging_closes_at", ""),
])
def test_each_bad_field_of_the_clone_form_is_named(client, last_year, changes, field, message):
    sign_in(client, last_year.organiser)
    before = competitions()
    response = client.post(last_year.url, data={**NEW, **changes})
    text = page(response)
    assert response.status_code == 422
    assert field_error(text, field).strip() and message in field_error(text, field)
    assert 'id="copied"' in text  # the same page, at its own address
    assert competitions() == before


def test_a_bad_schedule_or_a_taken_name_is_refused(client, last_year):
    sign_in(client, last_year.organiser)
    before = competitions()
    response = client.post(last_year.url, data={**NEW, "submission_closes_at": "2026-02-01T08:00"})
    assert response.status_code == 422
    assert "Submission closes must come after submission opens" in page(response)
    make_competition(last_year.competition.region, phase="setup", name=NEW["name"], year=2026)
    before = competitions()
    response = client.post(last_year.url, data=NEW)
    assert response.status_code == 422
    assert "already has a competition called" in field_error(page(response), "name")
    assert competitions() == before and audit_rows("competition.cloned") == []


def test_the_clone_page_says_what_the_schedule_will_do_by_itself_and_the_audit_keeps_it(client, app):
    """Found in review: the schedule's phase changes, its reminders and the OPDs' feedback were
    copied without the page's "what is copied" list naming them, or the audit row keeping them: a
    competition started from last year's would open submissions by itself unannounced."""
    last_year = LastYear()
    source = db.session.get(Competition, last_year.competition.id)
    source.scheduled_changes = [ScheduledPhaseChange(trigger="open_submissions"),
                                ScheduledPhaseChange(trigger="close_submissions")]
    source.reminder_days = 3
    source.opd_feedback = True
    db.session.commit()
    sign_in(client, last_year.organiser)
    copied = page(client.get(last_year.url)).split('id="copied-schedule"', 1)[1].split("</ul>", 1)[0]
    assert 'data-scheduled-step="open_submissions" data-by-schedule="yes"' in copied
    assert 'data-scheduled-step="start_judging" data-by-schedule="no"' in copied
    assert "Submissions open by themselves at the submission opening." in copied
    assert "Judging closes when an organiser closes it." in copied
    assert "reminded 3 day(s) before each deadline" in copied
    assert "Feedback to OPDs" in page(client.get(last_year.url))
    client.post(last_year.url, data=NEW)
    created = db.session.scalar(select(Competition).where(Competition.name == NEW["name"]))
    assert (created.scheduled_triggers, created.reminder_days, created.opd_feedback) == (
        ["open_submissions", "close_submissions"], 3, True)
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "competition.cloned"))
    assert (row.details["scheduled_changes"], row.details["reminder_days"], row.details["opd_feedback"]) == (
        ["open_submissions", "close_submissions"], 3, True)
