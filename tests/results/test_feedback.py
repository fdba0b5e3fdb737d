"""Feedback to OPDs: once the results are published, and only when the organisers turned it on, an
OPD's operators read the judges' comments on their own innovations on the innovation's page, each
judge named only "Juri 1", "Juri 2"… numbered for that innovation alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from competition.competitions.operations import change_competition_phase
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, assign_judge, create_panel
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import AuditEvent, Competition
from competition.policy import can_read_feedback
from competition.results.feedback import judge_numbers
from competition.results.operations import publish_results, seal_results
from tests.api.test_api import bearer
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.results.test_views import section
from tests.web.pages import page, sign_in

SUBMITTED = datetime(2026, 5, 4, 2, 30, tzinfo=UTC)
# Each judge's comments carry a code of their own ("[A]"), so a test can tell whose they are
# without the page saying so.
JUDGES = {"A": "Prof. Bambang Sutrisno", "B": "Dr. Ratna Wulandari", "C": "Ir. Hendro Kusumo"}
TITLES = {"Si-Sehat": "Dinas Kesehatan", "Posyandu Digital": "Dinas Kesehatan",
          "Sekolah Pintar": "Dinas Pendidikan"}


class Judged:
    """Three innovations of two OPDs, each scored by the three judges on Kebaharuan and
    Kemanfaatan, with comments "[A] Kebaharuan Si-Sehat: …"; judge C writes nothing on Kemanfaatan
    and nothing at all on Sekolah Pintar. Judging is closed; nothing is sealed yet."""

    def __init__(self, *, feedback: bool = True) -> None:
        self.competition = make_competition(phase="judging", name="Lomba Inovasi Kota 2026")
        self.competition.opd_feedback = feedback
        region = self.competition.region
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        self.judges = {code: make_user(self.competition, "judge", name=name) for code, name in JUDGES.items()}
        self.organisations = {name: make_organisation(region, name)
                              for name in sorted(set(TITLES.values()))}
        self.entries = {title: make_entry(self.competition, self.organisations[opd], status="verified",
                                          title=title, submitted_at=SUBMITTED)
                        for title, opd in TITLES.items()}
        self.dinkes = make_user(self.competition, "submitter",
                                organisation=self.organisations["Dinas Kesehatan"], name="Operator Dinkes")
        self.dikbud = make_user(self.competition, "submitter",
                                organisation=self.organisations["Dinas Pendidikan"], name="Operator Dikbud")
        self.round = add_round(self.competition, self.organiser, name="Presentasi", judges_per_entry=3)
        kebaharuan = add_criterion(self.round, self.organiser, name="Kebaharuan", weight=3)
        kemanfaatan = add_criterion(self.round, self.organiser, name="Kemanfaatan", weight=1)
        create_panel(self.round, self.organiser, name="Tim penilai", judges=list(self.judges.values()))
        for entry in self.entries.values():
            for judge in self.judges.values():
                assign_judge(self.round, entry, judge, self.organiser)
        open_round(self.round, self.organiser)
        codes = {judge.id: code for code, judge in self.judges.items()}
        for assignment in list(self.round.assignments):
            code, title = codes[assignment.judge_id], assignment.entry.title
            silent = code == "C" and title == "Sekolah Pintar"
            values = {kebaharuan.id: (80, "" if silent else f"[{code}] Kebaharuan {title}: ide baru."),
                      kemanfaatan.id: (70, "" if silent or code == "C" else f"[{code}] Kemanfaatan {title}.")}
            save_scores(assignment, assignment.judge, values)
            confirm_scores(assignment, assignment.judge)
        close_round(self.round, self.organiser)
        change_competition_phase(self.competition, "close_judging", self.organiser)
        db.session.commit()

    def publish(self) -> None:
        publish_results(seal_results(self.competition, self.organiser), self.organiser)
        db.session.commit()

    def url(self, title: str) -> str:
        return f"/innovations/{self.entries[title].id}"


@pytest.fixture
def judged(app):
    return Judged()


def juri_blocks(html: str) -> dict[int, str]:
    """Each "Juri n" block of the feedback section, by n."""
    parts = re.split(r'data-juri="(\d+)"', section(html, "feedback"))
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}


def codes_in(block: str) -> set[str]:
    return set(re.findall(r"\[([ABC])\]", block))


def test_the_own_opd_reads_the_comments_anonymised_after_publication(client, judged):
    judged.publish()
    sign_in(client, judged.dinkes)
    html = page(client.get(judged.url("Si-Sehat")))
    assert "The judges' comments" in html
    blocks = juri_blocks(html)
    assert sorted(blocks) == [1, 2, 3]
    # Each number stands for one judge, and each judge has one number.
    assert sorted(codes_in(block).pop() for block in blocks.values()) == ["A", "B", "C"]
    assert all(len(codes_in(block)) == 1 for block in blocks.values())
    assert "[A] Kebaharuan Si-Sehat: ide baru." in html and "[B] Kemanfaatan Si-Sehat." in html
    assert ">Juri 1<" in html and ">Juri 3<" in html
    # Nothing names a judge: not their name, e-mail or id.
    feedback = re.sub(r'data-juri="\d+"', "", section(html, "feedback"))
    for judge in judged.judges.values():
        assert judge.name not in html and judge.email not in html
        assert f'"{judge.id}"' not in feedback
    assert "data-judge" not in feedback and "user" not in feedback
    # Only this innovation's comments.
    assert "Posyandu Digital:" not in html and "Sekolah Pintar:" not in html


def test_the_numbering_stays_the_same_and_counts_only_judges_who_wrote(client, app, judged):
    judged.publish()
    sign_in(client, judged.dinkes)
    first = juri_blocks(page(client.get(judged.url("Si-Sehat"))))
    again = juri_blocks(page(client.get(judged.url("Si-Sehat"))))
    assert {n: codes_in(b) for n, b in first.items()} == {n: codes_in(b) for n, b in again.items()}
    other = app.test_client()
    sign_in(other, judged.dikbud)
    silent = juri_blocks(page(other.get(judged.url("Sekolah Pintar"))))
    assert sorted(silent) == [1, 2] and set().union(*map(codes_in, silent.values())) == {"A", "B"}


def test_the_numbers_say_nothing_of_the_judge_and_differ_between_innovations():
    """Ordered by a keyed hash of innovation and judge: the same every time for one innovation,
    not the judges' order by id, and the same judge does not keep one number."""
    key = b"kunci-rahasia-uji"
    judges = [11, 12, 13]
    numbering = {entry_id: judge_numbers(entry_id, judges, key) for entry_id in range(1, 41)}
    assert numbering == {entry_id: judge_numbers(entry_id, list(reversed(judges)), key)
                         for entry_id in numbering}
    assert all(sorted(n.values()) == [1, 2, 3] for n in numbering.values())
    assert len({n[11] for n in numbering.values()}) == 3   # judge 11 is Juri 1, 2 and 3 somewhere
    assert len({tuple(sorted(n, key=n.__getitem__)) for n in numbering.values()}) == 6  # every order
    assert judge_numbers(1, judges, b"another key") != numbering[1] or judge_numbers(
        2, judges, b"another key") != numbering[2]


def test_nothing_is_shown_before_publication(client, judged):
    seal_results(judged.competition, judged.organiser)
    db.session.commit()
    sign_in(client, judged.dinkes)
    html = page(client.get(judged.url("Si-Sehat")))
    assert 'id="feedback"' not in html and "ide baru" not in html and "Juri 1" not in html
    assert not can_read_feedback(judged.dinkes, judged.entries["Si-Sehat"])


def test_nothing_is_shown_when_the_setting_is_off(client, app):
    judged = Judged(feedback=False)
    judged.publish()
    sign_in(client, judged.dinkes)
    html = page(client.get(judged.url("Si-Sehat")))
    assert 'id="result"' in html   # the scores per criterion are there, as before
    assert 'id="feedback"' not in html and "ide baru" not in html and "Juri 1" not in html


def test_other_opds_and_other_regions_never_read_it(app, judged):
    judged.publish()
    entry = judged.entries["Si-Sehat"]
    # Another OPD of the region: not its innovation.
    client = app.test_client()
    sign_in(client, judged.dikbud)
    assert client.get(judged.url("Si-Sehat")).status_code in (403, 404)
    own = page(client.get(judged.url("Sekolah Pintar")))
    assert "Si-Sehat" not in own and "Posyandu" not in own
    # An operator of an OPD of the same name in another region, in a competition of theirs.
    elsewhere = make_competition(name="Lomba Kota Lain")
    twin = make_organisation(elsewhere.region, "Dinas Kesehatan")
    stranger = make_user(elsewhere, "submitter", organisation=twin, name="Operator Kota Lain")
    client = app.test_client()
    sign_in(client, stranger)
    assert client.get(judged.url("Si-Sehat")).status_code in (403, 404)
    assert not can_read_feedback(stranger, entry)
    # Someone of the OPD who is no operator in this competition; a judge and a verifier.
    bystander = make_user(elsewhere, "submitter", organisation=entry.organisation)
    verifier = make_user(judged.competition, "verifier", organisation=entry.organisation)
    assert not can_read_feedback(bystander, entry) and not can_read_feedback(verifier, entry)
    assert not can_read_feedback(judged.judges["A"], entry)
    # A deactivated operator of the OPD.
    judged.dinkes.active = False
    assert not can_read_feedback(judged.dinkes, entry)


def test_an_opd_above_reads_its_units_feedback(client, app):
    judged = Judged()
    judged.publish()
    entry = judged.entries["Si-Sehat"]
    above = make_organisation(judged.competition.region, "Sekretariat Daerah")
    entry.organisation.parent = above
    head = make_user(judged.competition, "submitter", organisation=above, name="Operator Setda")
    db.session.commit()
    assert can_read_feedback(head, entry)
    sign_in(client, head)
    assert "[A] Kebaharuan Si-Sehat" in page(client.get(judged.url("Si-Sehat")))


# -- the setting --------------------------------------------------------------------------------------

def test_the_setting_is_off_by_default_and_changed_on_the_rules_page_with_an_audit_row(client, app):
    competition = make_competition()
    assert competition.opd_feedback is False
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    rules = page(client.get(f"/manage/{competition.id}/setup/rules"))
    assert 'name="opd_feedback"' in rules and "Feedback to OPDs" in rules
    response = client.post(f"/manage/{competition.id}/setup/rules/scoring",
                           data={"disagreement_threshold": "20", "one_award_per_organisation": "y",
                                 "opd_feedback": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).opd_feedback is True
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "rules.changed")).one()
    assert row.actor_id == organiser.id and row.details["opd_feedback"] is True
    trail = page(client.get(f"/manage/{competition.id}/audit"))
    assert "Feedback to OPDs" in trail
    client.post(f"/manage/{competition.id}/setup/rules/scoring",
                data={"disagreement_threshold": "20", "one_award_per_organisation": "y"})
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).opd_feedback is False


def test_only_the_organiser_changes_the_setting(client, app):
    competition = make_competition()
    operator = make_user(competition, "submitter", organisation=make_organisation(competition.region))
    sign_in(client, operator)
    response = client.post(f"/manage/{competition.id}/setup/rules/scoring",
                           data={"disagreement_threshold": "20", "opd_feedback": "y"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).opd_feedback is False


def test_the_api_reads_and_changes_the_setting(client, app):
    from tests.api.test_api import Api

    setup = Api()
    token = bearer(setup.token(setup.organiser, "read", "write"))
    url = f"/api/v1/competitions/{setup.competition.id}/rules"
    read = client.get(url, headers=token)
    assert read.get_json()["opd_feedback"] is False
    changed = client.patch(url, json={"opd_feedback": True},
                           headers={**token, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["opd_feedback"] is True
    db.session.expire_all()
    assert db.session.get(Competition, setup.competition.id).opd_feedback is True
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "rules.changed")).one()
    assert row.details == {"opd_feedback": True}
    refused = client.patch(url, json={"opd_feedback": "perhaps"},
                           headers={**token, "If-Match": changed.headers["ETag"]})
    assert refused.status_code == 422 and "opd_feedback" in refused.get_data(as_text=True)
