"""The command line for rubrics, awards and the result rules: ``round show``, ``awards
list|add|edit|order|remove``, ``competition rules``, and ``results compute`` saying why an award
has no winner."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.judging.operations import add_criterion, add_round
from competition.models import AuditEvent, Award, Category, Competition
from competition.results.awards import add_award
from competition.results.models import DEFAULT_AWARD_NAME
from tests.factories import force_status, make_competition, make_user
from tests.results.test_operations import Scored


class Rubric:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026", categories=("Pelayanan Publik",))
        self.organiser = make_user(self.competition, "organiser", name="Panitia")
        self.judge = make_user(self.competition, "judge", name="Juri")
        self.round = add_round(self.competition, self.organiser, name="Presentasi")
        self.first = add_criterion(self.round, self.organiser, name="Kebaharuan", weight=60)
        self.levels = add_criterion(self.round, self.organiser, name="Tingkat regulasi", weight=40,
                                    scale="levels", levels=[(1, "Perkada"), (3, "Perda")])
        self.award = add_award(self.competition, self.organiser, name="Inovasi Terbaik", subject="innovation",
                               positions=3)
        db.session.commit()


@pytest.fixture
def rubric(app):
    return Rubric()


def run(runner, *args: object):
    return runner.invoke(args=[str(a) for a in args])


def awards_of(competition_id: int) -> list[tuple[int, str, int]]:
    db.session.expire_all()
    return [(a.position, a.name, a.positions) for a in db.session.scalars(
        select(Award).where(Award.competition_id == competition_id).order_by(Award.position))]


def test_round_show_names_each_criterion_as_import_scores_reads_it(runner, rubric):
    shown = run(runner, "round", "show", rubric.round.id)
    assert shown.exit_code == 0, shown.output
    assert f"1. [id {rubric.first.id}] Kebaharuan | weight 60 | 0 to 100, step 1" in shown.output
    assert (f"2. [id {rubric.levels.id}] Tingkat regulasi | weight 40 | levels 1=Perkada, 3=Perda"
            in shown.output)
    data = json.loads(run(runner, "round", "show", rubric.round.id, "--json").output)
    assert [(c["id"], c["name"], c["weight"], c["min_value"], c["max_value"]) for c in data["criteria"]] == [
        (rubric.first.id, "Kebaharuan", 60, 0, 100), (rubric.levels.id, "Tingkat regulasi", 40, 1, 3)]
    assert run(runner, "round", "show", 999_999).exit_code == 1


def test_awards_list_shows_the_award_every_competition_starts_with(runner, rubric):
    listed = run(runner, "awards", "list", rubric.competition.id)
    assert listed.exit_code == 0, listed.output
    first, second = listed.output.splitlines()[1:]
    assert first.startswith(f"  1. {DEFAULT_AWARD_NAME}")
    assert "added when the competition was created" in first
    assert second.startswith("  2. Inovasi Terbaik") and "added when" not in second
    data = json.loads(run(runner, "awards", "list", rubric.competition.id, "--json").output)
    assert [(a["position"], a["name"], a["default"]) for a in data] == [
        (1, DEFAULT_AWARD_NAME, True), (2, "Inovasi Terbaik", False)]


def test_the_organiser_adds_edits_orders_and_removes_awards(runner, rubric):
    cid, me = rubric.competition.id, rubric.organiser.email
    added = run(runner, "awards", "add", cid, "--name", "Pelayanan Terbaik", "--category", "Pelayanan Publik",
                "--positions", 2, "--as", me, "--json")
    assert added.exit_code == 0, added.output
    new = json.loads(added.output)
    assert (new["position"], new["category_id"]) == (3, rubric.competition.categories[0].id)
    edited = run(runner, "awards", "edit", new["id"], "--positions", 1, "--every-category", "--as", me)
    assert edited.exit_code == 0 and "Pelayanan Terbaik" in edited.output, edited.output
    assert db.session.get(Award, new["id"]).category_id is None
    default = rubric.competition.awards[0].id
    ordered = run(runner, "awards", "order", cid, "--order", f"{new['id']},{rubric.award.id},{default}",
                  "--as", me)
    assert ordered.exit_code == 0, ordered.output
    assert awards_of(cid) == [(1, "Pelayanan Terbaik", 1), (2, "Inovasi Terbaik", 3),
                              (3, DEFAULT_AWARD_NAME, 5)]
    removed = run(runner, "awards", "remove", default, "--as", me)
    assert removed.exit_code == 0 and DEFAULT_AWARD_NAME in removed.output
    assert awards_of(cid) == [(1, "Pelayanan Terbaik", 1), (2, "Inovasi Terbaik", 3)]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.kind.in_(("award.changed", "awards.reordered")))) == 2


def test_award_commands_refuse_anyone_but_the_organiser_and_bad_settings(runner, rubric):
    cid, judge, me = rubric.competition.id, rubric.judge.email, rubric.organiser.email
    for args in (("awards", "add", cid, "--name", "Baru", "--as", judge),
                 ("awards", "edit", rubric.award.id, "--positions", 1, "--as", judge),
                 ("awards", "order", cid, "--order", f"{rubric.award.id},{rubric.competition.awards[0].id}",
                  "--as", judge),
                 ("awards", "remove", rubric.award.id, "--as", judge),
                 ("awards", "edit", rubric.award.id, "--name", DEFAULT_AWARD_NAME, "--as", me),
                 ("awards", "order", cid, "--order", rubric.award.id, "--as", me)):
        refused = run(runner, *args)
        assert refused.exit_code == 1, (args, refused.output)
    assert awards_of(cid) == [(1, DEFAULT_AWARD_NAME, 5), (2, "Inovasi Terbaik", 3)]


def test_competition_rules_show_and_change(runner, rubric):
    cid, me = rubric.competition.id, rubric.organiser.email
    shown = run(runner, "competition", "rules", cid)
    assert shown.exit_code == 0, shown.output
    assert "One award per OPD: yes" in shown.output and "preset iid_2026" in shown.output
    assert f"1. {DEFAULT_AWARD_NAME}" in shown.output
    assert "added when the competition was created" in shown.output
    changed = run(runner, "competition", "rules", cid, "--no-one-award-per-opd", "--tie-break",
                  "top_marks,heaviest_criterion", "--bands", "Bagus=50;Cukup=0,01", "--units", "parent",
                  "--disagreement-threshold", 15, "--as", me, "--json")
    assert changed.exit_code == 0, changed.output
    data = json.loads(changed.output)
    assert (data["one_award_per_organisation"], data["tie_break_chain"], data["units_compete"],
            data["band_preset"]) == (False, ["top_marks", "heaviest_criterion"], "parent", None)
    assert data["bands"] == [{"label": "Bagus", "minimum": 50}, {"label": "Cukup", "minimum": 0.01}]
    assert [a["name"] for a in data["awards"]] == [DEFAULT_AWARD_NAME, "Inovasi Terbaik"]
    db.session.expire_all()
    competition = db.session.get(Competition, cid)
    assert (competition.one_award_per_organisation, competition.disagreement_threshold) == (False, 15)
    preset = run(runner, "competition", "rules", cid, "--band-preset", "iid_2023", "--as", me)
    assert "preset iid_2023" in preset.output


def test_competition_rules_change_only_for_the_organiser_while_open(runner, rubric):
    cid = rubric.competition.id
    for args in (("--no-one-award-per-opd",),                                     # nobody named
                 ("--no-one-award-per-opd", "--as", rubric.judge.email),          # not the organiser
                 ("--tie-break", "coin_toss", "--as", rubric.organiser.email),
                 ("--bands", "Nol=0", "--as", rubric.organiser.email),
                 ("--bands", "A=50", "--band-preset", "iid_2023", "--as", rubric.organiser.email)):
        refused = run(runner, "competition", "rules", cid, *args)
        assert refused.exit_code == 1, (args, refused.output)
    force_status(rubric.competition, "closed")
    closed = run(runner, "competition", "rules", cid, "--no-one-award-per-opd", "--as",
                 rubric.organiser.email)
    assert closed.exit_code == 1 and "closed" in closed.output
    db.session.expire_all()
    assert db.session.get(Competition, cid).one_award_per_organisation is True
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.kind == "rules.changed")) == 0


def test_results_compute_says_why_an_award_has_no_winner(runner, app):
    scored = Scored()
    scored.score()
    # Every OPD holds a position in the first award; with one award per OPD, none is left for this one.
    add_award(scored.competition, scored.organiser, name="OPD Terbaik Kedua", positions=3)
    empty = Category(name="Tata Kelola", competition=scored.competition)
    db.session.add(empty)
    add_award(scored.competition, scored.organiser, name="Tata Kelola Terbaik", category=empty,
              subject="innovation", positions=1)
    db.session.commit()
    computed = run(runner, "results", "compute", scored.competition.id)
    assert computed.exit_code == 0, computed.output
    after = computed.output.split("OPD Terbaik Kedua:\n", 1)[1]
    assert after.startswith("  No winner: one award per OPD is on, and each of the 4 candidate(s) belongs to "
                            "an OPD holding a position in an earlier award.")
    assert "Tata Kelola Terbaik:\n  No winner: no scored innovation counts for this award." in computed.output
