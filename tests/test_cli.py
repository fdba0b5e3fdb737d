"""The flask commands, as an operator runs them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from competition.extensions import db
from competition.models import Competition, Entry, Membership, Organisation, User
from tests.factories import make_competition, make_entry, make_organisation, make_region, make_user


def test_workflow_show_prints_states_transitions_and_diagram(runner):
    result = runner.invoke(args=["workflow", "show", "innovation"])
    assert result.exit_code == 0, result.output
    assert "Innovation lifecycle / Siklus inovasi (innovation.toml)" in result.output
    assert "returned       editable   Dikembalikan / Returned" in result.output
    assert "return_for_revision  submitted -> returned" in result.output
    assert "roles: verifier; phases: open, verification; guards: actor_not_in_entry_organisation; " \
           "comment required" in result.output
    assert "stateDiagram-v2" in result.output


def test_workflow_show_unknown_name(runner):
    result = runner.invoke(args=["workflow", "show", "inovasi"])
    assert result.exit_code == 1
    assert ("Error: no workflow called 'inovasi'; known: competition, innovation, result_set, round, "
            "scoring_sheet") in result.output


def test_workflow_list(runner):
    result = runner.invoke(args=["workflow", "list"])
    assert "innovation     Innovation lifecycle (8 states, 9 transitions)" in result.output
    assert "competition    Competition phases (6 states, 5 transitions)" in result.output
    assert "round          Judging round (3 states, 3 transitions)" in result.output
    assert "scoring_sheet  Judge's scoring sheet (3 states, 4 transitions)" in result.output
    assert "result_set     Results version (2 states, 1 transitions)" in result.output


def test_import_organisations_creates_the_region(runner, tmp_path):
    path = tmp_path / "opd.csv"
    path.write_text("name,short_name,parent\nDinas Kesehatan,Dinkes,\nPuskesmas Balowerti,,Dinas Kesehatan\n",
                    encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(path), "--region", "Kota Kediri",
                                 "--region-kind", "kota"])
    assert result.exit_code == 0, result.output
    assert "2 organisations imported into Kota Kediri, 0 already there." in result.output


def test_import_organisations_reports_bad_rows_and_imports_nothing(runner, tmp_path):
    make_region("Kota Kediri")
    path = tmp_path / "opd.csv"
    path.write_text("name,parent\nDinas Sosial,\n,\nUPT Parkir,Dinas Perhubungan\n", encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(path), "--region", "Kota Kediri"])
    assert result.exit_code == 1
    assert "opd.csv row 4: parent 'Dinas Perhubungan' is neither in the file nor in Kota Kediri" \
        in result.output
    assert db.session.scalars(select(Organisation)).all() == []


def test_import_organisations_unknown_region(runner, tmp_path):
    path = tmp_path / "opd.csv"
    path.write_text("name\nDinas Sosial\n", encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(path), "--region", "Kota Blitar"])
    assert result.exit_code == 1
    assert "there is no region called 'Kota Blitar'; give its kind" in result.output


def test_create_user_with_roles(runner):
    competition = make_competition()
    organisation = make_organisation(competition.region, "Bappeda")
    result = runner.invoke(args=[
        "create-user", "--email", "Rina@Kedirikota.go.id", "--name", "Rina Wulandari",
        "--password", "kata-sandi-rahasia", "--organisation", "Bappeda",
        "--competition", str(competition.id), "--role", "organiser", "--role", "verifier"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "rina@kedirikota.go.id"))
    assert user.organisation_id == organisation.id
    assert user.check_password("kata-sandi-rahasia")
    assert sorted(m.role for m in db.session.scalars(select(Membership))) == ["organiser", "verifier"]


def test_create_user_bad_input_changes_nothing(runner):
    result = runner.invoke(args=["create-user", "--email", "bukan-email", "--name", "X",
                                 "--password", "pendek"])
    assert result.exit_code == 1
    assert "email: 'bukan-email' is not an e-mail address" in result.output
    assert "password: use at least 10 characters" in result.output
    assert db.session.scalars(select(User)).all() == []


def test_create_user_role_without_competition(runner):
    result = runner.invoke(args=["create-user", "--email", "a@b.go.id", "--name", "A",
                                 "--password", "12345678", "--role", "judge"])
    assert result.exit_code == 1
    assert "--role needs --competition" in result.output


def test_status_lists_competitions_and_their_entries(runner):
    competition = make_competition(name="Lomba Inovasi 2026")
    organisation = make_organisation(competition.region)
    make_entry(competition, organisation, status="submitted")
    make_entry(competition, organisation, status="submitted")
    make_entry(competition, organisation)
    result = runner.invoke(args=["status"])
    assert result.exit_code == 0, result.output
    assert f"[{competition.id}] Lomba Inovasi 2026 ({competition.year}) phase=open" in result.output
    assert "    draft      1\n    submitted  2\n" in result.output


def test_a_fresh_region_starts_its_first_competition_from_the_command_line(runner, tmp_path):
    """Without the demo: the OPDs, the organiser, then the competition; the rest is in the browser."""
    path = tmp_path / "opd.csv"
    path.write_text("name,short_name,parent\nBadan Perencanaan Pembangunan Daerah,Bappeda,\n",
                    encoding="utf-8")
    assert runner.invoke(args=["import-organisations", str(path), "--region", "Kabupaten Blitar",
                               "--region-kind", "kabupaten"]).exit_code == 0
    result = runner.invoke(args=["create-user", "--email", "bappeda@blitarkab.go.id", "--name", "Panitia",
                                 "--password", "kata-sandi-rahasia", "--organisation",
                                 "Badan Perencanaan Pembangunan Daerah"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=[
        "competition", "create", "--region", "Kabupaten Blitar", "--name", "Lomba Inovasi Daerah 2027",
        "--year", "2027", "--opens", "2027-03-01T08:00", "--closes", "2027-04-15",
        "--verification-closes", "2027-05-15", "--judging-closes", "2027-06-30",
        "--category", "Tata Kelola Pemerintahan", "--category", "Pelayanan Publik",
        "--organiser", "bappeda@blitarkab.go.id"])
    assert result.exit_code == 0, result.output
    competition = db.session.scalar(select(Competition))
    assert "Lomba Inovasi Daerah 2027 (2027) created in Kabupaten Blitar" in result.output
    assert competition.phase == "setup" and sorted(c.name for c in competition.categories) == [
        "Pelayanan Publik", "Tata Kelola Pemerintahan"]
    # Dates are read in WIB (UTC+7); a day alone closes at 23:59.
    assert competition.submission_opens_at == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    assert competition.submission_closes_at == datetime(2027, 4, 15, 16, 59, tzinfo=UTC)
    organisers = [(m.user.email, m.role) for m in competition.memberships]
    assert organisers == [("bappeda@blitarkab.go.id", "organiser")]


def test_competition_create_refuses_bad_dates_and_creates_nothing(runner):
    make_region("Kabupaten Blitar", kind="kabupaten")
    runner.invoke(args=["create-user", "--email", "p@blitarkab.go.id", "--name", "P",
                        "--password", "kata-sandi-rahasia"])
    base = ["competition", "create", "--region", "Kabupaten Blitar", "--name", "Lomba", "--year", "2027",
            "--organiser", "p@blitarkab.go.id", "--verification-closes", "2027-05-15",
            "--judging-closes", "2027-06-30"]
    result = runner.invoke(args=[*base, "--opens", "1 Maret 2027", "--closes", "2027-04-15"])
    assert result.exit_code != 0 and "'1 Maret 2027' is not a date" in result.output
    result = runner.invoke(args=[*base, "--opens", "2027-05-01", "--closes", "2027-04-15"])
    assert result.exit_code != 0 and "submission_closes_at: must be after submission opens" in result.output
    assert db.session.scalar(select(Competition)) is None


def test_entry_fire_changes_every_innovation_or_none(runner, app):
    competition = make_competition(phase="verification")
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    verifier = make_user(competition, "verifier", organisation=make_organisation(competition.region))
    ready, also_ready = (make_entry(competition, dinkes, status="submitted") for _ in range(2))
    draft = make_entry(competition, dinkes)
    ids = [str(e.id) for e in (ready, draft, also_ready)]

    result = runner.invoke(args=["entry", "fire", *ids, "--trigger", "verify", "--as", verifier.email])
    assert result.exit_code == 1
    assert f"innovation {ready.id}: submitted -> verified" in result.output
    assert "1 of 3 innovation(s) refused; nothing was changed" in result.output
    db.session.expire_all()
    assert [db.session.get(Entry, e.id).status for e in (ready, draft, also_ready)] == [
        "submitted", "draft", "submitted"]

    result = runner.invoke(args=["entry", "fire", ids[0], ids[2], "--trigger", "verify", "--as",
                                 verifier.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [db.session.get(Entry, e.id).status for e in (ready, also_ready)] == ["verified", "verified"]


def test_reopen_round_undoes_the_closing_and_names_what_it_undid(runner):
    from competition.judging.operations import assign_automatically
    from competition.judging.rounds import close_round, open_round
    from tests.judging.test_operations import Judging

    judging = Judging()
    round_ = judging.round(judges_per_entry=1)
    assign_automatically(round_, judging.organiser)
    open_round(round_, judging.organiser)
    close_round(round_, judging.organiser, force=True)
    organiser = ["--as", judging.organiser.email]

    refused = runner.invoke(args=["judging", "reopen-round", str(round_.id), "--reason", " ", *organiser])
    assert refused.exit_code == 1 and "a comment giving the reason is required" in refused.output
    result = runner.invoke(args=["judging", "reopen-round", str(round_.id), "--reason",
                                 "Enam inovasi belum dinilai", *organiser])
    assert result.exit_code == 0, result.output
    assert f"Round {round_.id} is open again: 6 outcome(s) undone, 6 innovation(s) back to verified." \
        in result.output
    db.session.expire_all()
    assert db.session.get(type(round_), round_.id).status == "open"
    assert {e.status for e in db.session.scalars(select(type(judging.entries[0])))} == {"verified"}
    again = runner.invoke(args=["judging", "reopen-round", str(round_.id), "--reason", "lagi", *organiser])
    assert again.exit_code == 1 and "not possible from status 'open' (only from closed)" in again.output
