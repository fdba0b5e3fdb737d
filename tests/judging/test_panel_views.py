"""The organiser's panel and assignment pages through the HTTP client: who may open them, panels,
automatic assignment and its figures (hand-checked), assigning and removing by hand, reopening
scores with a reason, opening and closing a round."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from competition.documents.formatting import format_datetime
from competition.extensions import db
from competition.judging.operations import (
    add_round,
    apply_rubric_template,
    assign_judge,
    create_panel,
    declare_conflict,
)
from competition.judging.rounds import open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import Assignment, Panel, Round, ScoringEvent
from tests.factories import make_competition, make_entry, make_organisation, make_user
from tests.web.pages import page, sign_in


class Judging:
    """A competition in its judging phase with one round (IGA rubric, 2 judges per innovation):
    four verified innovations (Dinas Kesehatan, Kominfo twice, DPMPTSP) and three judges, Juri C
    working in Dinas Kesehatan; the organiser of another competition and people in other roles."""

    def __init__(self, categories: tuple[str, ...] = ()):
        self.competition = make_competition(phase="judging", categories=categories,
                                            name="Lomba Inovasi Kota 2026")
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.kominfo = make_organisation(region, "Dinas Komunikasi dan Informatika")
        self.dpmptsp = make_organisation(region, "DPMPTSP")
        self.organiser = make_user(self.competition, "organiser", name="Panitia Bappeda")
        self.judge_a = make_user(self.competition, "judge", name="Juri A")
        self.judge_b = make_user(self.competition, "judge", name="Juri B")
        self.judge_c = make_user(self.competition, "judge", organisation=self.dinkes, name="Juri C")
        self.judges = [self.judge_a, self.judge_b, self.judge_c]
        self.verifier = make_user(self.competition, "verifier", name="Verifikator")
        self.operator = make_user(self.competition, "submitter", organisation=self.kominfo, name="Operator")
        elsewhere = make_competition(name="Lomba Kabupaten Tetangga")
        self.other_organiser = make_user(elsewhere, "organiser", name="Panitia Tetangga")
        owners = [self.dinkes, self.kominfo, self.kominfo, self.dpmptsp]
        self.entries = [make_entry(self.competition, org, status="verified", title=f"Inovasi {i}")
                        for i, org in enumerate(owners, start=1)]
        self.round = add_round(self.competition, self.organiser, name="Presentasi", judges_per_entry=2)
        apply_rubric_template(self.round, self.organiser)

    def panel(self) -> Panel:
        return create_panel(self.round, self.organiser, name="Tim penilai", judges=self.judges)

    @property
    def base(self) -> str:
        return f"/manage/{self.competition.id}/panels"


@pytest.fixture
def judging(app):
    return Judging()


def loads(text: str) -> dict[str, int]:
    return {name: int(n) for name, n in re.findall(r'data-judge="([^"]+)" data-load="(\d+)"', text)}


def pairs() -> set[tuple[str, str]]:
    """(innovation, judge) of every sheet in use (not taken off its judge)."""
    return {(a.entry.title, a.judge.name) for a in db.session.scalars(
        select(Assignment).where(Assignment.status != "removed"))}


def confirmed_assignment(judging: Judging, entry_index: int = 1, judge=None) -> Assignment:
    """A judge (Juri A by default) assigned, scoring every criterion and confirming, in an open round."""
    judge = judge or judging.judge_a
    assignment = assign_judge(judging.round, judging.entries[entry_index], judge, judging.organiser)
    if judging.round.status == "setup":
        open_round(judging.round, judging.organiser)
    save_scores(assignment, judge, {c.id: 80 for c in judging.round.criteria})
    confirm_scores(assignment, judge)
    return assignment


# -- who may open the pages -----------------------------------------------------------------------

def urls(judging: Judging, assignment: Assignment) -> list[str]:
    return [judging.base, f"{judging.base}?round={judging.round.id}",
            f"{judging.base}/rounds/{judging.round.id}/assignments",
            f"{judging.base}/assignments/{assignment.id}/reopen"]


def test_every_page_opens_for_the_organiser_in_both_languages(client, judging):
    judging.panel()
    assignment = confirmed_assignment(judging)
    for language in ("id", "en"):
        sign_in(client, judging.organiser, language)
        for url in urls(judging, assignment):
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{language}">' in page(response)
        client.post("/logout")


@pytest.mark.parametrize("who", ["judge_a", "verifier", "operator", "other_organiser"])
def test_other_roles_and_other_organisers_are_refused(client, judging, who):
    judging.panel()
    assignment = assign_judge(judging.round, judging.entries[1], judging.judge_a, judging.organiser)
    sign_in(client, getattr(judging, who))
    for url in urls(judging, assignment):
        assert client.get(url).status_code == 403, url
    round_url = f"{judging.base}/rounds/{judging.round.id}"
    posts = [(f"{round_url}/panels", {"name": "Tim X", "judges": [judging.judge_a.id]}),
             (f"{round_url}/assign", {}), (f"{round_url}/open", {}), (f"{round_url}/close", {}),
             (f"{round_url}/assignments", {"entry": judging.entries[0].id, "judge": judging.judge_b.id}),
             (f"{judging.base}/assignments/{assignment.id}/remove", {}),
             (f"{judging.base}/assignments/{assignment.id}/reopen", {"reason": "x"})]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert len(pairs()) == 1 and judging.round.status == "setup"
    assert db.session.scalar(select(func.count()).select_from(Panel)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, judging):
    response = client.get(judging.base)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/open")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert judging.round.status == "setup"


def test_missing_or_foreign_ids_are_not_found(client, judging):
    other = make_competition(phase="judging")
    other_organiser_round = add_round(other, make_user(other, "organiser"), name="Lain")
    sign_in(client, judging.organiser)
    assert client.get("/manage/99999/panels").status_code == 404
    assert client.get(f"{judging.base}/rounds/{other_organiser_round.id}/assignments").status_code == 404
    assert client.get(f"{judging.base}/rounds/99999/assignments").status_code == 404
    assert client.get(f"{judging.base}/assignments/99999/reopen").status_code == 404
    assert client.post(f"{judging.base}/rounds/{other_organiser_round.id}/open").status_code == 404


def test_a_competition_without_rounds_says_so(client, app):
    competition = make_competition(phase="setup")
    organiser = make_user(competition, "organiser")
    sign_in(client, organiser)
    text = page(client.get(f"/manage/{competition.id}/panels"))
    assert "This competition has no judging round yet." in text


# -- panels ---------------------------------------------------------------------------------------

def test_the_page_offers_the_competitions_judges_as_labelled_checkboxes(client, judging):
    sign_in(client, judging.organiser)
    text = page(client.get(judging.base))
    for judge in judging.judges:
        box = re.search(rf'<input[^>]*id="(judges-\d+)"[^>]*value="{judge.id}"', text)
        assert box, judge.name
        assert re.search(rf'<label[^>]*for="{box.group(1)}"[^>]*>{judge.name}', text)
    assert "Juri C · Dinas Kesehatan" in text
    assert judging.verifier.name not in text and judging.operator.name not in text


def test_creating_a_panel(client, app):
    judging = Judging(categories=("Pelayanan publik", "Tata kelola"))
    category = judging.competition.categories[0]
    sign_in(client, judging.organiser)
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/panels", data={
        "name": "Tim pelayanan", "judges": [judging.judge_a.id, judging.judge_b.id],
        "category": category.id}, follow_redirects=True)
    assert "Panel &#39;Tim pelayanan&#39; was created with 2 judges." in page(response)
    panel = db.session.scalar(select(Panel))
    assert (panel.name, panel.category, panel.round) == ("Tim pelayanan", category, judging.round)
    assert sorted(m.judge.name for m in panel.members) == ["Juri A", "Juri B"]
    assert "Juri A" in page(response) and "Pelayanan publik" in page(response)


def test_a_bad_panel_is_refused_with_the_reason_and_nothing_is_kept(client, judging):
    judging.panel()
    sign_in(client, judging.organiser)
    url = f"{judging.base}/rounds/{judging.round.id}/panels"
    response = client.post(url, data={"name": "", "judges": []})
    assert response.status_code == 422
    assert "Give the panel a name." in page(response) and "Choose at least one judge." in page(response)
    response = client.post(url, data={"name": "Tim penilai", "judges": [judging.judge_a.id]})
    assert response.status_code == 422
    assert ("Name: round &#39;Presentasi&#39; already has a panel called &#39;Tim penilai&#39;"
            in page(response))
    response = client.post(url, data={"name": "Tim lain", "judges": [judging.verifier.id]})
    assert response.status_code == 422  # not one of the choices: only judges are offered
    assert db.session.scalar(select(func.count()).select_from(Panel)) == 1


def test_a_service_refusal_speaks_the_reader_s_language(client, judging):
    """The services phrase their refusals through the catalogue: the same refusal reads in Bahasa
    Indonesia on an Indonesian page and in English on an English one."""
    sign_in(client, judging.organiser, language="id")
    assign_url = f"{judging.base}/rounds/{judging.round.id}/assign"
    text = page(client.post(assign_url, data={}, follow_redirects=True))
    assert "tahap &#39;Presentasi&#39; belum punya panel juri" in text
    assert "has no panel of judges" not in text
    judging.panel()
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/panels",
                           data={"name": "Tim penilai", "judges": [judging.judge_a.id]})
    assert response.status_code == 422
    assert ("Nama: tahap &#39;Presentasi&#39; sudah punya panel bernama &#39;Tim penilai&#39;"
            in page(response))
    client.post("/language", data={"language": "en", "next": "/"})
    db.session.delete(db.session.scalar(select(Panel)))
    db.session.commit()
    text = page(client.post(assign_url, data={}, follow_redirects=True))
    assert "round &#39;Presentasi&#39; has no panel of judges yet" in text
    assert "belum punya panel juri" not in text


# -- automatic assignment and its figures ---------------------------------------------------------

def test_automatic_assignment_and_its_figures_by_hand(client, judging):
    """Two judges per innovation. Juri C works in Dinas Kesehatan, so may not judge Inovasi 1:
    one conflict avoided. Passes (fewest eligible first, then the least loaded, lowest id):
    pass 1: Inovasi 1 → A; 2 → B; 3 → C; 4 → A. Pass 2: 1 → B; 2 → C (A has 2); 3 → A
    (A 2, B 2: A has the lower id); 4 → B (B 2, C 2). Loads: A 3, B 3, C 2; 8 assignments."""
    judging.panel()
    sign_in(client, judging.organiser)
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/assign", data={})
    assert response.status_code == 302 and response.headers["Location"].endswith("#report")
    text = page(client.get(response.headers["Location"]))
    assert "8 assignments added." in text
    assert pairs() == {("Inovasi 1", "Juri A"), ("Inovasi 1", "Juri B"), ("Inovasi 2", "Juri B"),
                       ("Inovasi 2", "Juri C"), ("Inovasi 3", "Juri C"), ("Inovasi 3", "Juri A"),
                       ("Inovasi 4", "Juri A"), ("Inovasi 4", "Juri B")}
    assert loads(text) == {"Juri A": 3, "Juri B": 3, "Juri C": 2}
    assert 'data-complete="4" data-entries="4"' in text
    assert 'id="conflicts-avoided" data-count="1"' in text
    [conflict] = re.findall(r'data-judge="([^"]+)" data-entry="([^"]+)" data-kind="(\w+)"', text)
    assert conflict == ("Juri C", "Inovasi 1", "organisation")
    assert "works in Dinas Kesehatan, the innovation's OPD" in text
    # Coming back later shows the same figures, worked out from the assignments.
    assert loads(page(client.get(judging.base))) == {"Juri A": 3, "Juri B": 3, "Juri C": 2}


def test_a_cap_leaves_innovations_short_and_says_why(client, judging):
    """Cap 2: pass 1 as without a cap (1 → A, 2 → B, 3 → C, 4 → A); pass 2: 1 → B (A is at
    the cap); 2 → C; 3 and 4 find every other judge at the cap. Loads 2, 2, 2; two short by one."""
    judging.panel()
    declare_conflict(judging.entries[3], judging.judge_b, "Pernah menjadi konsultan inovasi ini")
    sign_in(client, judging.organiser)
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/assign",
                           data={"judges_per_entry": "2", "cap": "2"}, follow_redirects=True)
    text = page(response)
    assert "6 assignments added." in text
    assert loads(text) == {"Juri A": 2, "Juri B": 2, "Juri C": 2}
    assert 'data-complete="2" data-entries="4"' in text
    short = dict(re.findall(r'data-entry="([^"]+)" data-missing="(\d+)"', text))
    assert short == {"Inovasi 3": "1", "Inovasi 4": "1"}
    assert "already have 2 innovations, the cap" in text
    assert re.search(r'<input[^>]*name="cap"[^>]*value="2"', text)  # the numbers it was run with
    # Inovasi 4: Juri B declared a conflict; Inovasi 1: Juri C's OPD.
    assert 'id="conflicts-avoided" data-count="2"' in text
    assert "declared: Pernah menjadi konsultan inovasi ini" in text


def test_too_few_judges_on_the_panels_is_the_reason_given(client, judging):
    create_panel(judging.round, judging.organiser, name="Tim kecil",
                 judges=[judging.judge_a, judging.judge_c])
    sign_in(client, judging.organiser)
    text = page(client.post(f"{judging.base}/rounds/{judging.round.id}/assign", data={},
                            follow_redirects=True))
    assert re.findall(r'data-entry="([^"]+)" data-missing="(\d+)"', text) == [("Inovasi 1", "1")]
    assert "only 1 judge on its panels may judge it" in text


def test_automatic_assignment_refusals(client, judging):
    sign_in(client, judging.organiser)
    url = f"{judging.base}/rounds/{judging.round.id}/assign"
    text = page(client.post(url, data={}, follow_redirects=True))
    assert "round &#39;Presentasi&#39; has no panel of judges yet" in text
    judging.panel()
    response = client.post(url, data={"judges_per_entry": "0"})
    assert response.status_code == 422 and "Between 1 and 99." in page(response)
    assert pairs() == set()


# -- the assignments table ------------------------------------------------------------------------

def states(text: str) -> dict[str, str]:
    """The desktop table's cells of one row: judge -> state."""
    return dict(re.findall(r'<td data-judge="([^"]+)" data-state="(\w*)">', text))


def row(text: str, entry) -> str:
    return text.split(f'<tr id="entry-{entry.id}">', 1)[1].split("</tr>", 1)[0]


def test_the_table_shows_each_judges_scoring_state(client, judging):
    judging.panel()
    confirmed_assignment(judging, 1, judging.judge_a)
    draft = assign_judge(judging.round, judging.entries[1], judging.judge_b, judging.organiser)
    save_scores(draft, judging.judge_b, {judging.round.criteria[0].id: 70})
    assign_judge(judging.round, judging.entries[0], judging.judge_a, judging.organiser)
    sign_in(client, judging.organiser)
    text = page(client.get(f"{judging.base}/rounds/{judging.round.id}/assignments"))
    assert states(row(text, judging.entries[1])) == {
        "Juri A": "confirmed", "Juri B": "draft", "Juri C": ""}
    assert states(row(text, judging.entries[0])) == {
        "Juri A": "not_started", "Juri B": "", "Juri C": "conflict"}
    assert "Draft · 1/5" in row(text, judging.entries[1])
    assert "1 of 3 assignments confirmed" in text
    # Juri C may not be added to Inovasi 1: no button for that pair.
    assert "Assign Juri C to Inovasi 1" not in text and "Assign Juri B to Inovasi 1" in text


def test_the_table_filters_by_panel_and_category(client, app):
    judging = Judging(categories=("Pelayanan publik", "Tata kelola"))
    service, governance = judging.competition.categories
    for entry, category in zip(judging.entries, (service, service, governance, governance), strict=True):
        entry.category = category
    db.session.commit()
    first = create_panel(judging.round, judging.organiser, name="Tim 1", judges=[judging.judge_a],
                         category=service)
    create_panel(judging.round, judging.organiser, name="Tim 2", judges=[judging.judge_b],
                 category=governance)
    sign_in(client, judging.organiser)
    url = f"{judging.base}/rounds/{judging.round.id}/assignments"
    text = page(client.get(url, query_string={"panel": first.id}))
    assert [e.id for e in judging.entries[:2]] == [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', text)]
    assert set(states(text)) == {"Juri A"}
    text = page(client.get(url, query_string={"category": governance.id}))
    assert [e.id for e in judging.entries[2:]] == [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', text)]
    assert set(states(text)) == {"Juri B"}


def test_adding_a_judge_by_hand_and_refusing_a_conflicted_one(client, judging):
    judging.panel()
    sign_in(client, judging.organiser)
    url = f"{judging.base}/rounds/{judging.round.id}/assignments"
    response = client.post(url, data={"entry": judging.entries[0].id, "judge": judging.judge_c.id})
    assert response.headers["Location"].endswith(f"#entry-{judging.entries[0].id}")
    text = page(client.get(response.headers["Location"]))
    assert "Juri C has a conflict of interest with &#39;Inovasi 1&#39;" in text
    assert pairs() == set()
    text = page(client.post(url, data={"entry": judging.entries[0].id, "judge": judging.judge_b.id},
                            follow_redirects=True))
    assert "Juri B now judges &#39;Inovasi 1&#39;." in text
    assert pairs() == {("Inovasi 1", "Juri B")}
    text = page(client.post(url, data={"entry": judging.entries[0].id, "judge": judging.judge_b.id},
                            follow_redirects=True))
    assert "Juri B is already assigned to &#39;Inovasi 1&#39; in this round" in text
    assert client.post(url, data={"entry": 99999, "judge": judging.judge_b.id}).status_code == 404


def test_removing_an_assignment_but_not_confirmed_scores(client, judging):
    judging.panel()
    draft = assign_judge(judging.round, judging.entries[2], judging.judge_b, judging.organiser)
    confirmed = confirmed_assignment(judging, 1, judging.judge_a)
    save_scores(draft, judging.judge_b, {judging.round.criteria[0].id: 60})
    sign_in(client, judging.organiser)
    text = page(client.post(f"{judging.base}/assignments/{draft.id}/remove", data={"panel": "",
                                                                                  "category": ""},
                            follow_redirects=True))
    assert "Juri B no longer judges &#39;Inovasi 3&#39;." in text
    assert pairs() == {("Inovasi 2", "Juri A")}
    text = page(client.post(f"{judging.base}/assignments/{confirmed.id}/remove", follow_redirects=True))
    assert "Juri A has confirmed the scores for &#39;Inovasi 2&#39;; reopen them first" in text
    assert pairs() == {("Inovasi 2", "Juri A")}
    # The table offers no removal of confirmed scores, only reopening.
    assert f"/assignments/{confirmed.id}/remove" not in text and f"/assignments/{confirmed.id}/reopen" in text


# -- reopening ------------------------------------------------------------------------------------

def test_reopening_needs_a_reason_and_is_in_the_history(client, judging):
    judging.panel()
    assignment = confirmed_assignment(judging, 1, judging.judge_a)
    sign_in(client, judging.organiser)
    url = f"{judging.base}/assignments/{assignment.id}/reopen"
    response = client.post(url, data={"reason": "   "})
    assert response.status_code == 422
    assert "Say why the scores are reopened: the reason is kept in the audit trail." in page(response)
    db.session.refresh(assignment)
    assert assignment.confirmed_at is not None
    response = client.post(url, data={"reason": "Nilai kemanfaatan salah ketik"})
    assert response.status_code == 302
    text = page(client.get(response.headers["Location"]))
    assert "The scores of Juri A for &#39;Inovasi 2&#39; are open again." in text
    db.session.refresh(assignment)
    assert assignment.confirmed_at is None
    reopened = db.session.scalar(select(ScoringEvent).where(ScoringEvent.action == "reopen"))
    assert (reopened.reason, reopened.actor) == ("Nilai kemanfaatan salah ketik", judging.organiser)
    history = text.split('id="history"', 1)[1]
    assert re.findall(r'<tr data-action="(\w+)">', history) == ["reopen", "confirm"]
    assert "Nilai kemanfaatan salah ketik" in history and "Panitia Bappeda" in history
    # Nothing left to reopen.
    assert "there is nothing to reopen" in page(client.get(url))


# -- opening and closing a round ------------------------------------------------------------------

def test_opening_and_closing_a_round(client, judging):
    judging.panel()
    assign_judge(judging.round, judging.entries[1], judging.judge_a, judging.organiser)
    assign_judge(judging.round, judging.entries[1], judging.judge_b, judging.organiser)
    sign_in(client, judging.organiser)
    round_url = f"{judging.base}/rounds/{judging.round.id}"
    text = page(client.post(f"{round_url}/open", follow_redirects=True))
    assert "Round &#39;Presentasi&#39; is open: judges can score now." in text
    assert 'data-status="open"' in text
    # Two assignments unconfirmed: closing asks first and changes nothing.
    response = client.post(f"{round_url}/close")
    assert response.status_code == 200
    assert 'id="unconfirmed" data-count="2"' in page(response)
    db.session.refresh(judging.round)
    assert judging.round.status == "open"
    text = page(client.post(f"{round_url}/close", data={"force": "1"}, follow_redirects=True))
    assert ("Round &#39;Presentasi&#39; is closed. It is the last round: each innovation&#39;s judging "
            "ended when its scores were confirmed; 4 not judged.") in text
    db.session.refresh(judging.round)
    assert judging.round.status == "closed"
    # The round keeps who opened and closed it.
    assert judging.round.opened_by == judging.organiser and judging.round.closed_by == judging.organiser
    assert judging.round.opened_at <= judging.round.closed_at
    closed_at = format_datetime(judging.round.closed_at, locale="en")
    assert f"closed {closed_at} by {judging.organiser.name}" in text
    text = page(client.post(f"{round_url}/open", follow_redirects=True))
    assert "round &#39;Presentasi&#39; is already closed" in text


def test_closing_with_every_score_confirmed_needs_no_confirmation(client, judging):
    judging.panel()
    confirmed_assignment(judging, 1, judging.judge_a)
    sign_in(client, judging.organiser)
    response = client.post(f"{judging.base}/rounds/{judging.round.id}/close")
    assert response.status_code == 302
    db.session.refresh(judging.round)
    assert judging.round.status == "closed"


def test_opening_is_refused_with_every_reason(client, app):
    competition = make_competition(phase="verification")
    organiser = make_user(competition, "organiser")
    round_ = add_round(competition, organiser, name="Presentasi")
    sign_in(client, organiser)
    text = page(client.post(f"/manage/{competition.id}/panels/rounds/{round_.id}/open",
                            follow_redirects=True))
    assert f"{competition.name} is in phase" in text and "not judging" in text
    assert "round &#39;Presentasi&#39; has no rubric" in text
    assert "round &#39;Presentasi&#39; has no panel of judges" in text
    assert db.session.get(Round, round_.id).status == "setup"


# -- no N+1 ---------------------------------------------------------------------------------------

def test_the_assignments_page_takes_the_same_queries_for_5_or_40_innovations(client, judging):
    judging.panel()
    sign_in(client, judging.organiser)
    owners = [judging.dinkes, judging.kominfo, judging.dpmptsp]
    url = f"{judging.base}/rounds/{judging.round.id}/assignments"

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    def grow_to(count: int) -> None:
        for i in range(len(judging.entries), count):
            entry = make_entry(judging.competition, owners[i % 3], status="verified",
                               title=f"Inovasi {i + 1}")
            judging.entries.append(entry)
            assignment = assign_judge(judging.round, entry, judging.judge_a, judging.organiser)
            if i % 2 == 0:
                db.session.add(ScoringEvent(assignment=assignment, action="confirm",
                                            actor_id=judging.judge_a.id))
                db.session.commit()
        if count > 5:
            declare_conflict(judging.entries[-1], judging.judge_b, "Kerabat pengusul")

    declare_conflict(judging.entries[2], judging.judge_b, "Kerabat pengusul")
    grow_to(5)
    few = count_queries()
    grow_to(40)
    assert count_queries() == few
