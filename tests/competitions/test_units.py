"""Units under an OPD (bidang, UPT, puskesmas): per competition, either entrants of their own or
rolled into their OPD. The rule as a pure function on hand-drawn trees, read for a competition,
changed by its organiser (in the browser and from the command line), and refused when it may not."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import IntegrityError

from competition.competitions.operations import create_competition, set_units_compete
from competition.competitions.units import entrant_of, entrants
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import UNITS_COMPETE_RULES, Competition
from tests.factories import force_status, make_competition, make_organisation, make_region, make_user
from tests.web.pages import page, sign_in

# Kota Kediri, drawn by hand:
#
#   1 Dinas Kesehatan            4 Dinas Kominfo        6 Bappeda
#   └─ 2 Puskesmas Ngletih       └─ 5 Bidang Statistik
#      └─ 3 Pustu Ngletih (two levels below its OPD)
KOTA = {1: None, 2: 1, 3: 2, 4: None, 5: 4, 6: None}


# -- the rule, pure ---------------------------------------------------------------------------------

def test_own_every_organisation_enters_for_itself():
    assert entrant_of(KOTA, "own") == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}


def test_parent_every_unit_enters_for_its_top_level_opd_however_deep():
    assert entrant_of(KOTA, "parent") == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 6}


def test_a_cycle_enters_for_its_smallest_member_and_the_units_below_it_follow():
    # 7 → 8 → 9 → 7 has no top; 10 hangs below 9; 11 is its own parent.
    parents = {7: 8, 8: 9, 9: 7, 10: 9, 11: 11, 12: None}
    assert entrant_of(parents, "parent") == {7: 7, 8: 7, 9: 7, 10: 7, 11: 11, 12: 12}
    assert entrant_of({1: 2, 2: 1}, "parent") == {1: 1, 2: 1}


def test_a_parent_not_in_the_mapping_leaves_the_last_known_organisation_on_top():
    # 20's parent 99 is not known here (another region, say): 20 is the top of what is known.
    assert entrant_of({20: 99, 21: 20}, "parent") == {20: 20, 21: 20}


def test_every_entrant_is_an_organisation_of_the_mapping_whatever_the_order():
    parents = {3: 2, 2: 1, 1: None, 5: 3, 4: 5}
    for rule in UNITS_COMPETE_RULES:
        found = entrant_of(parents, rule)
        assert set(found) == set(parents) and set(found.values()) <= set(parents)
    assert entrant_of(parents, "parent") == dict.fromkeys(parents, 1)
    assert entrant_of({}, "parent") == {} and entrant_of({}, "own") == {}


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="bidang"):
        entrant_of(KOTA, "bidang")


# -- the rule for a competition -----------------------------------------------------------------------

class Kota:
    def __init__(self) -> None:
        self.region = make_region("Kota Kediri")
        self.competition = make_competition(self.region, phase="setup")
        self.dinkes = make_organisation(self.region, "Dinas Kesehatan")
        self.ngletih = make_organisation(self.region, "Puskesmas Ngletih", parent=self.dinkes)
        self.pustu = make_organisation(self.region, "Pustu Ngletih", parent=self.ngletih)
        self.kominfo = make_organisation(self.region, "Dinas Kominfo")
        self.elsewhere = make_organisation(make_region("Kabupaten Kediri"), "Dinas Kesehatan")
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.verifier = make_user(self.competition, "verifier", name="Verifikator")
        self.other_organiser = make_user(make_competition(phase="setup"), "organiser", name="Panitia lain")


@pytest.fixture
def kota(app) -> Kota:
    return Kota()


def test_a_competition_lets_units_compete_on_their_own_by_default(kota):
    assert kota.competition.units_compete == "own"
    made = create_competition(name="Lomba 2027", year=2027, region=kota.region,
                              submission_opens_at=kota.competition.submission_opens_at,
                              submission_closes_at=kota.competition.submission_closes_at,
                              verification_closes_at=kota.competition.verification_closes_at,
                              judging_closes_at=kota.competition.judging_closes_at)
    assert made.units_compete == "own"


def test_entrants_reads_the_region_s_organisations_in_one_query(kota):
    assert kota.competition.units_compete == "own"   # loaded before counting
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        own = entrants(kota.competition)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    ids = (kota.dinkes.id, kota.ngletih.id, kota.pustu.id, kota.kominfo.id)
    assert own == {i: i for i in ids}   # not the other region's Dinas Kesehatan
    kota.competition.units_compete = "parent"
    db.session.commit()
    assert entrants(kota.competition) == {kota.dinkes.id: kota.dinkes.id, kota.ngletih.id: kota.dinkes.id,
                                          kota.pustu.id: kota.dinkes.id, kota.kominfo.id: kota.kominfo.id}


def test_the_database_knows_only_the_two_rules(kota):
    with pytest.raises(IntegrityError, match="units_compete_known"), db.engine.begin() as connection:
        connection.execute(update(Competition).where(Competition.id == kota.competition.id)
                           .values(units_compete="bidang"))
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT units_compete FROM competition WHERE id = :id"),
                                 {"id": kota.competition.id}) == "own"


# -- changing it --------------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", ["setup", "open", "verification", "judging"])
def test_the_organiser_changes_the_rule_until_the_results(kota, phase):
    force_status(kota.competition, phase)
    set_units_compete(kota.competition, kota.organiser, "parent")
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "parent"
    set_units_compete(kota.competition, kota.organiser, "own")
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"


@pytest.mark.parametrize("who", ["verifier", "other_organiser"])
def test_only_the_competitions_organisers_change_it(kota, who):
    with pytest.raises(NotPermitted, match="not an organiser"):
        set_units_compete(kota.competition, getattr(kota, who), "parent")
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"


@pytest.mark.parametrize("value", ["bidang", "", "OWN", " parent"])
def test_an_unknown_rule_is_refused_naming_the_field(kota, value):
    with pytest.raises(InvalidInput) as refused:
        set_units_compete(kota.competition, kota.organiser, value)
    assert len(refused.value.problems) == 1 and refused.value.problems[0].startswith("units_compete: ")
    assert "'own'" in refused.value.problems[0] and "'parent'" in refused.value.problems[0]
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"


@pytest.mark.parametrize(("phase", "reason"), [
    ("results", "the results are worked out with it"),
    ("closed", "The competition is closed; its set-up no longer changes."),
])
def test_once_the_results_are_worked_out_the_rule_stays(kota, phase, reason):
    force_status(kota.competition, phase)
    with pytest.raises(InvalidInput) as refused:
        set_units_compete(kota.competition, kota.organiser, "parent")
    assert reason in str(refused.value)
    set_units_compete(kota.competition, kota.organiser, "own")   # no change: nothing to refuse
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"


def test_a_new_competition_can_roll_units_into_their_opd(kota):
    made = create_competition(name="Lomba 2028", year=2028, region=kota.region, units_compete="parent",
                              submission_opens_at=kota.competition.submission_opens_at,
                              submission_closes_at=kota.competition.submission_closes_at,
                              verification_closes_at=kota.competition.verification_closes_at,
                              judging_closes_at=kota.competition.judging_closes_at)
    assert made.units_compete == "parent"
    with pytest.raises(InvalidInput, match="units_compete: "):
        create_competition(name="Lomba 2029", year=2029, region=kota.region, units_compete="upt",
                           submission_opens_at=kota.competition.submission_opens_at,
                           submission_closes_at=kota.competition.submission_closes_at,
                           verification_closes_at=kota.competition.verification_closes_at,
                           judging_closes_at=kota.competition.judging_closes_at)


# -- from the command line ------------------------------------------------------------------------

def test_the_command_changes_the_rule_for_an_organiser_only(kota, runner):
    competition_id = str(kota.competition.id)
    result = runner.invoke(args=["competition", "units", competition_id, "parent", "--as",
                                 kota.organiser.email])
    assert result.exit_code == 0, result.output
    assert "Units under an OPD count for their OPD." in result.output
    refused = runner.invoke(args=["competition", "units", competition_id, "own", "--as", kota.verifier.email])
    assert refused.exit_code == 1 and "is not an organiser of" in refused.output
    unknown = runner.invoke(args=["competition", "units", competition_id, "bidang", "--as",
                                  kota.organiser.email])
    assert unknown.exit_code == 2 and "'bidang' is not one of 'own', 'parent'" in unknown.output
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "parent"


def test_a_competition_created_from_the_command_line_can_roll_units_into_their_opd(kota, runner):
    result = runner.invoke(args=[
        "competition", "create", "--region", "Kota Kediri", "--name", "Lomba Inovasi Daerah 2027",
        "--year", "2027", "--opens", "2027-03-01", "--closes", "2027-04-15",
        "--verification-closes", "2027-05-15", "--judging-closes", "2027-06-30",
        "--organiser", kota.organiser.email, "--units", "parent"])
    assert result.exit_code == 0, result.output
    created = db.session.scalar(select(Competition).where(Competition.name == "Lomba Inovasi Daerah 2027"))
    assert created.units_compete == "parent"


# -- in the browser -----------------------------------------------------------------------------------

def test_the_set_up_page_shows_and_changes_the_rule_without_javascript(kota, client):
    sign_in(client, kota.organiser)
    url = f"/manage/{kota.competition.id}/setup"
    overview = page(client.get(url))
    assert 'data-units-compete="own"' in overview
    assert "Units under an OPD compete as entrants of their own." in overview
    assert f'action="{url}/units"' in overview and 'type="radio"' in overview
    response = client.post(f"{url}/units", data={"units_compete": "parent"}, follow_redirects=True)
    assert "Units under an OPD count for their OPD." in page(response)
    assert 'data-units-compete="parent"' in page(response)
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "parent"


def test_the_set_up_page_says_the_rule_in_bahasa_indonesia(kota, client):
    sign_in(client, kota.organiser, language="id")
    url = f"/manage/{kota.competition.id}/setup"
    assert "Unit di bawah OPD ikut sebagai peserta sendiri." in page(client.get(url))
    client.post(f"{url}/units", data={"units_compete": "parent"})
    assert "Unit di bawah OPD dihitung untuk OPD induknya." in page(client.get(url))


def test_the_set_up_page_refuses_an_unknown_rule_and_others_are_forbidden(kota, client, app):
    url = f"/manage/{kota.competition.id}/setup/units"
    for who in (kota.other_organiser, kota.verifier):
        other = app.test_client()
        sign_in(other, who)
        assert other.post(url, data={"units_compete": "parent"}).status_code == 403
    sign_in(client, kota.organiser)
    response = client.post(url, data={"units_compete": "bidang"}, follow_redirects=True)
    assert "units_compete: &#39;bidang&#39; is not a rule" in page(response)
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"


def test_in_the_results_phase_the_rule_is_shown_not_asked(kota, client):
    force_status(kota.competition, "results")
    sign_in(client, kota.organiser)
    url = f"/manage/{kota.competition.id}/setup"
    overview = page(client.get(url))
    assert "Units under an OPD compete as entrants of their own." in overview
    assert f'action="{url}/units"' not in overview
    response = client.post(f"{url}/units", data={"units_compete": "parent"}, follow_redirects=True)
    assert "the results are worked out with it" in page(response)
    db.session.expire_all()
    assert db.session.get(Competition, kota.competition.id).units_compete == "own"
