"""The organiser's results pages and the public results page through the HTTP client: the draft
with every judge's sheet and the ties marked, the organiser's decision on a tie, sealing,
publishing, the history of versions, and what the public may see."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, update

from competition.competitions.operations import change_competition_phase
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, assign_judge, create_panel
from competition.judging.rounds import close_round, open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import Assignment, AuditEvent, Entry, ResultSet, Score, TieDecision
from competition.models.types import utcnow
from competition.results.operations import seal_results
from competition.results.queries import results_preview
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in

SUBMITTED = datetime(2026, 5, 4, 2, 30, tzinfo=UTC)


class Contest:
    """A competition judged by two judges on two criteria, Kebaharuan (weight 3) and Kemanfaatan
    (weight 1), both 0–100: a judge's total is (3 × Kebaharuan + Kemanfaatan) / 4. Each OPD has
    one innovation, all submitted at the same moment; the one award is OPD Terinovatif (index:
    score / 3 + 1 for one innovation), five positions.

    ``VALUES`` (the default) is three innovations level at 75:

    - Si-Sehat (Dinas Kesehatan): both judges 80 and 60 -> 75 and 75; 0.80 on Kebaharuan;
    - Sekolah Pintar (Dinas Pendidikan): both judges 70 and 90 -> 75 and 75; 0.70 on Kebaharuan;
    - Lapor Cepat (Dinas Kominfo): judge 1 65 and 90 -> 71.25, judge 2 75 and 90 -> 78.75; mean
      75; (0.65 + 0.75) / 2 = 0.70 on Kebaharuan.

    No value is a top mark and the submissions are simultaneous, so the heaviest criterion puts
    Si-Sehat first and nothing separates Sekolah Pintar from Lapor Cepat. OPD Terinovatif: each
    OPD 75 / 3 + 1 = 26.00, level in the same way.
    """

    VALUES = {
        ("Si-Sehat", "Dinas Kesehatan"): ([80, 60], [80, 60]),
        ("Sekolah Pintar", "Dinas Pendidikan"): ([70, 90], [70, 90]),
        ("Lapor Cepat", "Dinas Kominfo"): ([65, 90], [75, 90]),
    }

    def __init__(self, values=None, *, normalise: bool = False, name: str = "Lomba Inovasi Kota 2026"):
        values = values or self.VALUES
        self.competition = make_competition(phase="judging", name=name)
        region = self.competition.region
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        self.judges = [make_user(self.competition, "judge", name=f"Juri {i}") for i in (1, 2)]
        self.verifier = make_user(self.competition, "verifier", name="Verifikator")
        self.organisations = {}
        self.entries = {}
        for title, opd in values:
            organisation = self.organisations[opd] = make_organisation(region, opd)
            self.entries[title] = make_entry(self.competition, organisation, status="verified", title=title,
                                             submitted_at=SUBMITTED)
        first_opd = next(iter(self.organisations.values()))
        self.operator = make_user(self.competition, "submitter", organisation=first_opd, name="Operator")
        self.award = self.competition.awards[0]
        self.round = add_round(self.competition, self.organiser, name="Presentasi", judges_per_entry=2,
                               normalise=normalise)
        self.kebaharuan = add_criterion(self.round, self.organiser, name="Kebaharuan", weight=3)
        self.kemanfaatan = add_criterion(self.round, self.organiser, name="Kemanfaatan", weight=1)
        create_panel(self.round, self.organiser, name="Tim penilai", judges=self.judges)
        for entry in self.entries.values():
            for judge in self.judges:
                assign_judge(self.round, entry, judge, self.organiser)
        open_round(self.round, self.organiser)
        criteria = [self.kebaharuan.id, self.kemanfaatan.id]
        titles = {title: given for (title, _), given in values.items()}
        for assignment in list(self.round.assignments):
            given = titles[assignment.entry.title][self.judges.index(assignment.judge)]
            save_scores(assignment, assignment.judge, dict(zip(criteria, given, strict=True)))
            confirm_scores(assignment, assignment.judge)

    def close_judging(self):
        close_round(self.round, self.organiser)
        change_competition_phase(self.competition, "close_judging", self.organiser)

    def opd(self, title):
        return self.entries[title].organisation


@pytest.fixture
def contest(app):
    return Contest()


def section(html: str, element_id: str) -> str:
    """The HTML from the element with ``element_id`` to the next element of the same kind at
    the same level (good enough for the page's sections and list items)."""
    start = html.index(f'id="{element_id}"')
    tag_start = html.rindex("<", 0, start)
    tag = re.match(r"<(\w+)", html[tag_start:]).group(1)
    depth, position = 0, tag_start
    for match in re.finditer(rf"<(/?){tag}\b", html[tag_start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = tag_start + match.end()
            break
    return html[tag_start:position]


def decide(client, contest, order, reason="Keputusan rapat pleno dewan juri, 12 Desember"):
    """Post the organiser's order for the tie at place 2 of OPD Terinovatif (titles, best first)."""
    data = {"place": 2, "reason": reason}
    for place, title in enumerate(order, start=1):
        data[f"order-{contest.opd(title).id}"] = place
    return client.post(f"/manage/{contest.competition.id}/results/awards/{contest.award.id}/tie", data=data)


# -- the draft ---------------------------------------------------------------------------------------

def test_the_preview_service_reads_every_sheet_with_names(contest):
    preview = results_preview(contest.competition)
    si_sehat, pintar, lapor = (contest.entries[t].id for t in ("Si-Sehat", "Sekolah Pintar", "Lapor Cepat"))
    assert [(e.entry_id, e.score, e.place, e.shared, e.separated_by) for e in preview.results.entries] == [
        (si_sehat, 75.0, 1, False, "heaviest_criterion"), (pintar, 75.0, 2, True, None),
        (lapor, 75.0, 2, True, None)]
    [round_] = preview.rounds
    assert [(c.name, c.weight, c.counts) for c in round_.criteria] == [("Kebaharuan", 3, True),
                                                                      ("Kemanfaatan", 1, True)]
    lines = preview.sheets[(round_.id, lapor)]
    assert [(line.judge, line.values, line.total, line.normalised) for line in lines] == [
        ("Juri 1", {contest.kebaharuan.id: 65.0, contest.kemanfaatan.id: 90.0}, 71.25, None),
        ("Juri 2", {contest.kebaharuan.id: 75.0, contest.kemanfaatan.id: 90.0}, 78.75, None)]
    assert preview.members[(contest.award.id, contest.opd("Lapor Cepat").id)] == (lapor,)
    assert preview.subject_name(contest.award, contest.opd("Lapor Cepat").id) == "Dinas Kominfo"
    [award] = preview.results.awards
    assert [(r.subject_id, round(r.score, 2), r.place, r.shared) for r in award.rows] == [
        (contest.opd("Si-Sehat").id, 26.0, 1, False), (contest.opd("Sekolah Pintar").id, 26.0, 2, True),
        (contest.opd("Lapor Cepat").id, 26.0, 2, True)]


def test_the_draft_shows_each_judges_sheet_and_marks_the_ties(client, contest):
    sign_in(client, contest.organiser)
    html = page(client.get(f"/manage/{contest.competition.id}/results"))
    award = section(html, f"award-{contest.award.id}")
    kesehatan = section(award, f"award-{contest.award.id}-subject-{contest.opd('Si-Sehat').id}")
    assert "Juara I" in kesehatan and ">26.00<" in kesehatan
    assert 'data-separated-by="heaviest_criterion"' in kesehatan
    assert "Tie separated by higher score on the heaviest criterion" in kesehatan
    for title in ("Sekolah Pintar", "Lapor Cepat"):
        row = section(award, f"award-{contest.award.id}-subject-{contest.opd(title).id}")
        assert "Juara II" in row and "Tied: no rule separates them" in row
    # Lapor Cepat's breakdown: judge by judge, value by criterion, the totals and the score.
    lapor = section(award, f"award-{contest.award.id}-subject-{contest.opd('Lapor Cepat').id}")
    judge_1 = section(lapor.replace(f'data-judge="{contest.judges[0].id}"', 'id="judge-1"'), "judge-1")
    assert re.findall(r'data-criterion="\d+">([^<]*)<', judge_1) == ["65", "90"]
    assert ">71.25<" in judge_1 and "Juri 1" in judge_1
    assert ">78.75<" in lapor and re.search(r'data-round-score="\d+">75.00<', lapor)
    # The innovations' own ranking shows the same, and the tie form names the two level OPDs.
    innovations = section(html, "innovations")
    assert (innovations.index("Si-Sehat") < innovations.index("Sekolah Pintar")
            < innovations.index("Lapor Cepat"))
    tie = section(award, f"tie-{contest.award.id}-2")
    assert f'name="order-{contest.opd("Sekolah Pintar").id}"' in tie
    assert f'name="order-{contest.opd("Lapor Cepat").id}"' in tie
    assert f'name="order-{contest.opd("Si-Sehat").id}"' not in tie
    assert 'name="reason"' in tie and "Normalised" not in html


def test_a_normalising_round_offers_both_totals(client, app):
    contest = Contest(normalise=True)
    sign_in(client, contest.organiser)
    html = page(client.get(f"/manage/{contest.competition.id}/results"))
    # Every total is 75 but Lapor Cepat's 71.25 (judge 1) and 78.75 (judge 2): the pooled mean is
    # 75, the pooled spread √(2 × 3.75² / 6) = √4.6875; each judge's own mean is 73.75 or 76.25
    # with spread √3.125, so a total moves to 75 + (total − judge's mean) × √1.5:
    # judge 1: Si-Sehat 75 + 1.25 × 1.2247 = 76.53, Lapor Cepat 75 − 2.5 × 1.2247 = 71.94;
    # judge 2: 73.47 and 78.06. The round score stays 75 for everyone.
    assert 'id="totals-normalised"' in html and 'id="totals-raw"' in html
    si_sehat = section(html, f"entry-{contest.entries['Si-Sehat'].id}")
    lapor = section(html, f"entry-{contest.entries['Lapor Cepat'].id}")
    assert re.findall(r'data-total="normalised">([^<]*)<', si_sehat) == ["76.53", "73.47"]
    assert re.findall(r'data-total="raw">([^<]*)<', lapor) == ["71.25", "78.75"]
    assert re.findall(r'data-total="normalised">([^<]*)<', lapor) == ["71.94", "78.06"]
    assert math.isclose(75 + 1.25 * math.sqrt(1.5), 76.5309, abs_tol=1e-4)


def test_the_draft_waits_for_judging(client, app):
    competition = make_competition(phase="open")
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    html = page(client.get(f"/manage/{competition.id}/results"))
    assert "The draft results appear here once judging starts." in html
    assert "No version has been sealed yet." in html


# -- the organiser's decision on a tie ---------------------------------------------------------------

def test_bad_decisions_are_refused_and_change_nothing(client, contest):
    sign_in(client, contest.organiser)
    response = decide(client, contest, ["Lapor Cepat", "Lapor Cepat"], reason=" ")
    assert response.status_code == 422
    html = page(response)
    assert "Give each tied subject a different place, from 1 to 2." in html
    assert "Write down why they are placed in this order" in html
    assert db.session.scalars(select(TieDecision)).all() == []
    # Subjects that are not level (place 1) are refused too.
    response = client.post(f"/manage/{contest.competition.id}/results/awards/{contest.award.id}/tie",
                           data={"place": 1, "reason": "x", f"order-{contest.opd('Si-Sehat').id}": 1},
                           follow_redirects=True)
    assert "These subjects are no longer level" in page(response)
    assert db.session.scalars(select(TieDecision)).all() == []


def test_a_recorded_decision_resolves_the_tie(client, contest):
    sign_in(client, contest.organiser)
    response = decide(client, contest, ["Lapor Cepat", "Sekolah Pintar"])
    assert response.status_code == 302
    decisions = {d.subject_id: (d.rank, d.reason, d.decided_by_id)
                 for d in db.session.scalars(select(TieDecision))}
    reason = "Keputusan rapat pleno dewan juri, 12 Desember"
    assert decisions == {contest.opd("Lapor Cepat").id: (1, reason, contest.organiser.id),
                         contest.opd("Sekolah Pintar").id: (2, reason, contest.organiser.id)}
    html = page(client.get(response.headers["Location"]))
    assert "The decision is recorded" in html
    award = section(html, f"award-{contest.award.id}")
    lapor = section(award, f"award-{contest.award.id}-subject-{contest.opd('Lapor Cepat').id}")
    pintar = section(award, f"award-{contest.award.id}-subject-{contest.opd('Sekolah Pintar').id}")
    assert "Juara II" in lapor and "Juara III" in pintar
    for row in (lapor, pintar):
        assert 'data-separated-by="organiser_decision"' in row and reason in row
        assert "Tied: no rule separates them" not in row
    decided = section(award, f"tie-{contest.award.id}-2")   # shown as decided, still changeable
    assert "Ordered by the organiser from place 2" in decided and "Change the decision" in decided
    ranking = award.split('<ul class="list-unstyled mb-0">')[1]
    places = [ranking.index(name) for name in ("Dinas Kesehatan", "Dinas Kominfo", "Dinas Pendidikan")]
    assert places == sorted(places)


def test_a_recorded_decision_can_be_changed_until_the_results_are_sealed(client, contest):
    # Found in use: once recorded, the decision's form disappeared and it could not be changed.
    sign_in(client, contest.organiser)
    decide(client, contest, ["Lapor Cepat", "Sekolah Pintar"])
    changed = decide(client, contest, ["Sekolah Pintar", "Lapor Cepat"],
                     reason="Rapat pleno kedua, 14 Desember")
    assert changed.status_code == 302
    ranks = {d.subject_id: (d.rank, d.reason) for d in db.session.scalars(select(TieDecision))}
    assert ranks == {contest.opd("Sekolah Pintar").id: (1, "Rapat pleno kedua, 14 Desember"),
                     contest.opd("Lapor Cepat").id: (2, "Rapat pleno kedua, 14 Desember")}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.kind == "tie.decided")) == 2
    contest.close_judging()
    client.post(f"/manage/{contest.competition.id}/results/seal")
    shown = page(client.get(f"/manage/{contest.competition.id}/results"))
    award = section(shown, f"award-{contest.award.id}")
    assert "Sealed with this decision: it can no longer be changed." in award
    refused = decide(client, contest, ["Lapor Cepat", "Sekolah Pintar"])
    assert "it can no longer be changed" in page(client.get(refused.headers["Location"]))
    db.session.expire_all()
    assert {d.subject_id: d.rank for d in db.session.scalars(select(TieDecision))}[
        contest.opd("Sekolah Pintar").id] == 1


# -- sealing, publishing, versions --------------------------------------------------------------------

def test_sealing_is_confirmed_and_shows_the_version_and_its_hash(client, contest):
    contest.close_judging()
    sign_in(client, contest.organiser)
    confirm = page(client.get(f"/manage/{contest.competition.id}/results/seal"))
    assert "Seal results as version 1" in confirm
    assert re.findall(r'data-position="(\d)"', confirm) == ["1", "2", "2"]
    assert "Some winners share a position" in confirm
    assert db.session.scalars(select(ResultSet)).all() == []  # the confirmation changes nothing
    response = client.post(f"/manage/{contest.competition.id}/results/seal")
    assert response.headers["Location"].endswith(f"/manage/{contest.competition.id}/results/versions/1")
    result_set = db.session.scalar(select(ResultSet))
    html = page(client.get(response.headers["Location"]))
    assert f"Version 1 is sealed. Its SHA-256 hash is {result_set.sha256}." in html
    assert f'<code class="text-break" id="sha256">{result_set.sha256}</code>' in html
    assert "Verifies" in html and "Panitia Bappeda" in html
    assert (result_set.version, result_set.status, result_set.sealed_by_id) == (
        1, "sealed", contest.organiser.id)


def test_sealing_refusals_are_flashed(client, contest):
    sign_in(client, contest.organiser)
    confirm = page(client.get(f"/manage/{contest.competition.id}/results/seal"))
    assert "the competition is in phase" in confirm and "disabled" in confirm
    response = client.post(f"/manage/{contest.competition.id}/results/seal", follow_redirects=True)
    assert "is in phase &#39;Judging&#39;; results are sealed once judging is closed" in page(response)
    assert db.session.scalars(select(ResultSet)).all() == []


def test_publishing_is_confirmed_and_awards_the_winners(client, contest):
    contest.close_judging()
    result_set = seal_results(contest.competition, contest.organiser)
    sign_in(client, contest.organiser)
    confirm = page(client.get(f"/manage/{contest.competition.id}/results/versions/1/publish"))
    assert "Publish version 1?" in confirm and "3 winning innovations become" in confirm
    assert result_set.sha256 in confirm and result_set.status == "sealed"
    response = client.post(f"/manage/{contest.competition.id}/results/versions/1/publish",
                           follow_redirects=True)
    assert "Version 1 is published; 3 innovations are now awarded." in page(response)
    db.session.expire_all()
    assert db.session.get(ResultSet, result_set.id).status == "published"
    assert sorted(e.status for e in db.session.scalars(select(Entry))) == ["awarded"] * 3
    again = client.post(f"/manage/{contest.competition.id}/results/versions/1/publish", follow_redirects=True)
    assert "version 1 is already published" in page(again)


def test_the_history_lists_every_version_and_its_stored_check(client, contest):
    """Each version is checked when sealed and when asked; pages show the newest check rather
    than recomputing every version on every load. A row changed behind the application's back
    shows once someone checks again."""
    contest.close_judging()
    first = seal_results(contest.competition, contest.organiser)
    sign_in(client, contest.organiser)
    decide(client, contest, ["Lapor Cepat", "Sekolah Pintar"])
    client.post(f"/manage/{contest.competition.id}/results/seal")
    client.post(f"/manage/{contest.competition.id}/results/versions/2/publish")
    second = db.session.scalar(select(ResultSet).where(ResultSet.version == 2))
    db.session.execute(update(ResultSet).where(ResultSet.id == first.id).values(
        results=dict(first.results, entries=[dict(first.results["entries"][0], score=99.0),
                                             *first.results["entries"][1:]])))
    db.session.commit()
    html = page(client.get(f"/manage/{contest.competition.id}/results"))
    assert "Verifies" in section(section(html, "history"), "version-1")   # as checked when sealed
    response = client.post(f"/manage/{contest.competition.id}/results/versions/1/verify")
    assert response.status_code == 302
    html = page(client.get(f"/manage/{contest.competition.id}/results"))
    assert "Version 1 does not verify." in html
    history = section(html, "history")
    one, two = section(history, "version-1"), section(history, "version-2")
    assert first.sha256 in one and "not published" in one and "Does not verify" in one
    assert second.sha256 in two and "Verifies" in two and two.count("Panitia Bappeda") == 2
    assert history.index("version-2") < history.index("version-1")
    assert "Latest version: 2" in html
    old = page(client.get(f"/manage/{contest.competition.id}/results/versions/1"))
    assert "A newer version has been sealed since" in old and "Does not verify" in old
    assert "Checked " in old
    assert client.get(f"/manage/{contest.competition.id}/results/versions/3").status_code == 404


# -- who may see what ---------------------------------------------------------------------------------

def organiser_urls(competition_id: int) -> list[str]:
    return [f"/manage/{competition_id}/results", f"/manage/{competition_id}/results/seal",
            f"/manage/{competition_id}/results/versions/1",
            f"/manage/{competition_id}/results/versions/1/publish"]


def test_only_the_competitions_organisers_reach_the_results_pages(client, contest):
    contest.close_judging()
    seal_results(contest.competition, contest.organiser)
    competition_id = contest.competition.id
    posts = [f"/manage/{competition_id}/results/seal", f"/manage/{competition_id}/results/versions/1/publish",
             f"/manage/{competition_id}/results/awards/{contest.award.id}/tie"]
    for url in organiser_urls(competition_id) + posts:
        response = client.get(url) if url not in posts else client.post(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    elsewhere = make_competition(name="Lomba Kabupaten Tetangga")
    stranger = make_user(elsewhere, "organiser", name="Panitia Tetangga")
    for user in (contest.judges[0], contest.verifier, contest.operator, stranger):
        client.post("/logout")
        sign_in(client, user)
        for url in organiser_urls(competition_id):
            assert client.get(url).status_code == 403, (user.name, url)
        for url in posts:
            assert client.post(url).status_code == 403, (user.name, url)
    assert db.session.scalar(select(ResultSet).where(ResultSet.version == 2)) is None
    assert db.session.scalar(select(ResultSet)).status == "sealed"
    client.post("/logout")
    sign_in(client, contest.organiser)
    assert client.get("/manage/999999/results").status_code == 404
    other_award = elsewhere.awards[0]
    assert client.post(f"/manage/{competition_id}/results/awards/{other_award.id}/tie",
                       data={"place": 2, "reason": "x"}).status_code == 404


# -- the public page ----------------------------------------------------------------------------------

def test_the_public_sees_only_published_winners(client, contest):
    contest.close_judging()
    competition_id = contest.competition.id
    seal_results(contest.competition, contest.organiser)
    # Sealed but not announced: nothing of it shows, to anyone signed in or not.
    html = page(client.get(f"/competitions/{competition_id}/results"))
    assert 'id="not-announced"' in html
    for secret in ("Dinas Kesehatan", "Si-Sehat", "26,00", "Juara"):
        assert secret not in html
    public = page(client.get(f"/competitions/{competition_id}"))
    assert f"/competitions/{competition_id}/results" not in public

    sign_in(client, contest.organiser)
    client.post(f"/manage/{competition_id}/results/versions/1/publish")
    decide(client, contest, ["Lapor Cepat", "Sekolah Pintar"])
    client.post(f"/manage/{competition_id}/results/seal")  # version 2, sealed, not published
    client.post("/logout")
    client.post("/language", data={"language": "id", "next": "/"})

    html = page(client.get(f"/competitions/{competition_id}/results"))
    published = db.session.scalar(select(ResultSet).where(ResultSet.version == 1))
    assert 'id="announced"' in html and published.sha256 in html
    rows = re.findall(r'data-position="(\d)">\s*<span[^>]*>(Juara [IV]+)</span>'
                      r".*?<strong data-winner>([^<]+)<.*?data-counted=\"\d+\">([^<]+)<"
                      r".*?data-score>([^<]+)<",
                      html, flags=re.S)
    # Each OPD with the innovation that counted and its own score, then the OPD's score.
    assert rows == [("1", "Juara I", "Dinas Kesehatan", "Si-Sehat (75,00)", "26,00"),
                    ("2", "Juara II", "Dinas Pendidikan", "Sekolah Pintar (75,00)", "26,00"),
                    ("2", "Juara II", "Dinas Kominfo", "Lapor Cepat (75,00)", "26,00")]
    assert "Juara III" not in html  # version 2's order is sealed, not announced
    assert "Sangat Inovatif" in html and html.count("<li>") >= 3  # every innovation's predikat
    assert f"/competitions/{competition_id}/results" in page(client.get(f"/competitions/{competition_id}"))
    assert client.get("/competitions/999999/results").status_code == 404


# -- no N+1 -----------------------------------------------------------------------------------------

def judged(contest: Contest, count: int, start: int) -> None:
    """``count`` more verified innovations, each from its own OPD, with both judges' confirmed
    scores (rows written directly: a starting point, not the behaviour under test)."""
    now = utcnow()
    for number in range(start, start + count):
        organisation = make_organisation(contest.competition.region, f"OPD {number}")
        entry = Entry(competition=contest.competition, organisation=organisation, title=f"Inovasi {number}",
                      status="verified", submitted_at=SUBMITTED)
        db.session.add(entry)
        for judge_number, judge in enumerate(contest.judges):
            assignment = Assignment(round=contest.round, entry=entry, judge=judge, source="manual",
                                    status="confirmed", confirmed_at=now)
            db.session.add(assignment)
            values = ((contest.kebaharuan, 40 + number % 50), (contest.kemanfaatan, 50 + judge_number))
            for criterion, value in values:
                db.session.add(Score(assignment=assignment, criterion=criterion, value=value))
    db.session.commit()


def test_the_draft_takes_the_same_queries_for_ten_or_sixty_innovations(client, contest):
    sign_in(client, contest.organiser)

    def count_queries() -> int:
        db.session.expire_all()  # the requests share the test's session: start each from nothing
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/manage/{contest.competition.id}/results").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    judged(contest, 7, 1)
    few = count_queries()
    judged(contest, 50, 8)
    assert len(results_preview(contest.competition).results.entries) == 60
    assert count_queries() == few


def test_a_version_shows_each_award_a_page_at_a_time(client, contest, monkeypatch):
    """A national ranking has forty thousand rows; the version page reads one page of each
    award from the rows kept when sealing, and turns one award's pages with ?award=&page=."""
    import competition.results.views as results_views

    monkeypatch.setattr(results_views, "PAGE_SIZE", 2)
    contest.close_judging()
    seal_results(contest.competition, contest.organiser)
    sign_in(client, contest.organiser)
    address = f"/manage/{contest.competition.id}/results/versions/1"
    first = section(page(client.get(address)), f"award-{contest.award.id}")
    assert "Page 1 of 2" in first and f"award={contest.award.id}&amp;page=2" in first
    award = f"award-{contest.award.id}"
    second = section(page(client.get(f"{address}?award={contest.award.id}&page=2")), award)
    assert "Page 2 of 2" in second and "Previous" in second
    names = {title: contest.opd(title).name for title in contest.entries}
    shown_first = {n for n in names.values() if n in first}
    shown_second = {n for n in names.values() if n in second}
    assert len(shown_first) == 2 and len(shown_second) == 1 and not shown_first & shown_second
    assert "Page 2 of 2" in section(page(client.get(f"{address}?award={contest.award.id}&page=99")),
                                    f"award-{contest.award.id}")


def test_the_draft_shows_a_page_of_innovations_and_of_each_award(client, contest, monkeypatch):
    """At national scale the draft would list forty thousand innovations with every judge's sheet:
    it shows a page of each list, with the sheets of what is on it."""
    import competition.results.queries as queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    sign_in(client, contest.organiser)
    address = f"/manage/{contest.competition.id}/results"
    first = page(client.get(address))
    assert len(re.findall(r'data-entry-row="\d+"', first)) == 2
    assert "Page 1 of 2" in section(first, "innovations")
    second = page(client.get(f"{address}?innovations=2"))
    assert len(re.findall(r'data-entry-row="\d+"', second)) == 1 and "Page 2 of 2" in second
    rows = re.findall(r'data-award-row="\d+"', page(client.get(f"{address}?award={contest.award.id}&page=2")))
    assert len(rows) == 1
