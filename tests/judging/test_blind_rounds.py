"""A blind round is blind: nothing a judge of the round can open — a page, a download, a link's
address, a file name, a JSON answer or a header — names the OPD of an innovation they judge
(its name or short name, or the one above it), its operators, or the OPD's own web address.

Every GET address of the application is opened as the judge, with every id of the scenario
filled in, and the judge's own actions (saving a draft, confirming, declaring a conflict) are
taken; whatever answers is searched."""

from __future__ import annotations

import hashlib
import html
import itertools
import re

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Evidence, Job
from tests.judging.test_scoring_views import PDF, Jury
from tests.web.pages import sign_in

OPD_ADDRESS = "https://dinkes.kedirikota.go.id/inovasi/si-sehat-sk.pdf"
# Answers a judge of a blind round must be able to open (so the sweep cannot pass by being refused).
MUST_OPEN = {"public.index", "public.competition", "notifications.index", "scoring.index", "scoring.entry",
             "scoring.confirm", "innovations.evidence_file", "innovations.evidence_open"}
# The one place the OPD's address may be: the redirect the judge asks for by leaving for the link.
LEAVING = "innovations.evidence_go"


class BlindJury(Jury):
    """:class:`Jury` with a blind round, short names for the OPDs, a link to a page on the
    health office's own site, a file named after the OPD and an innovation whose title names
    its OPD."""

    def __init__(self) -> None:
        super().__init__(blind=True)
        self.dinkes.short_name = "Dinkes"
        self.kominfo.short_name = "Diskominfo"
        self.puskesmas.short_name = "PKM Ngletih"
        self.lapor.title = "Lapor Mas Wali Diskominfo"
        self.link = Evidence(entry=self.sehat, kind="link", url=OPD_ADDRESS, title="Video Si-Sehat",
                             indicator="Video")
        db.session.add(self.link)
        # Attached while it was a draft (evidence is frozen once submitted).
        sha256 = hashlib.sha256(PDF).hexdigest()
        self.photo = Evidence(entry=self.antrean, kind="file", title="Foto Puskesmas Ngletih.pdf",
                              original_name="Foto Puskesmas Ngletih.pdf", sha256=sha256, size_bytes=len(PDF),
                              media_type="application/pdf", uploaded_by=self.operator)
        db.session.add(self.photo)
        # A file name longer than a title may be (cut to 200 characters), and names glued to
        # other words by an underscore or digits.
        long_name = "Laporan_Dinkes_" + "x" * 230 + ".pdf"
        self.report = Evidence(entry=self.antrean, kind="file", title=long_name[:200],
                               original_name=long_name,
                               sha256=sha256, size_bytes=len(PDF), media_type="application/pdf",
                               indicator="Profil Dinkes_Kota", uploaded_by=self.operator)
        self.video = Evidence(entry=self.antrean, kind="link", url="https://example.org/v/1",
                              title="Video Dinkes2026", indicator="Video")
        db.session.add_all([self.report, self.video])
        db.session.commit()

    def secrets(self) -> list[str]:
        organisations = (self.dinkes, self.kominfo, self.puskesmas)
        return [*(o.name for o in organisations), *(o.short_name or "" for o in organisations),
                self.operator.name, self.operator.email, "dinkes.kedirikota.go.id", OPD_ADDRESS]


@pytest.fixture
def blind(app):
    return BlindJury()


def leaks(response, secrets: list[str], *, headers_but: str = "") -> list[str]:
    """The secrets found in ``response``'s body or headers (but the header named ``headers_but``)."""
    body = response.get_data().decode("utf-8", "replace").lower()
    headers = " ".join(f"{name}: {value}" for name, value in response.headers.items()
                       if name.lower() != headers_but.lower()).lower()
    return [secret for secret in secrets if secret.lower() in body or secret.lower() in headers]


def organisers_job(blind: BlindJury) -> Job:
    """A job the organiser asked for, whose result names the OPDs: the judge never sees it."""
    job = Job(kind="documents", competition_id=blind.competition.id, requested_by_id=blind.organiser.id,
              status="done", params={}, progress_done=1, progress_total=1,
              summary=f"Susunan acara: {blind.dinkes.name}, {blind.kominfo.name}")
    db.session.add(job)
    db.session.commit()
    return job


def addresses(app: Flask, blind: BlindJury) -> list[tuple[str, str]]:
    """(endpoint, address) for every GET route, with every id of the scenario."""
    assignments = [blind.first, blind.second, blind.third, blind.others]
    entries = [blind.sehat, blind.lapor, blind.antrean]
    evidence = [item for entry in entries for item in entry.evidence]
    values: dict[str, list[object]] = {
        "competition_id": [blind.competition.id], "round_id": [blind.round.id],
        "assignment_id": [a.id for a in assignments], "entry_id": [e.id for e in entries],
        "evidence_id": [e.id for e in evidence], "user_id": [blind.judge.id, blind.operator.id],
        "award_id": [a.id for a in blind.competition.awards], "version": [1], "trigger": ["close_judging"],
        "token": ["not-a-token"], "file_format": ["csv"], "kind": ["csv"],
        "figure": ["entries", "judges", "disagreements"],
        "job_id": [organisers_job(blind).id],
        "category_id": [c.id for c in blind.competition.categories],
        "criterion_id": [c.id for c in blind.round.criteria], "source_id": [blind.competition.id],
    }
    found = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in ("static", "bootstrap.static"):
            continue
        names = sorted(rule.arguments)
        missing = [name for name in names if name not in values]
        assert not missing, f"give {rule.endpoint} values for {missing}"
        for combination in itertools.product(*(values[name] for name in names)):
            arguments = dict(zip(names, combination, strict=True))
            found.append((rule.endpoint, adapter.build(rule.endpoint, arguments)))
    return found


def test_nothing_a_judge_of_a_blind_round_opens_names_the_opd(client, app, blind):
    secrets = blind.secrets()
    sign_in(client, blind.judge)
    problems, opened = [], set()

    def check(what: str, response, *, headers_but: str = "") -> None:
        found = leaks(response, secrets, headers_but=headers_but)
        if found:
            problems.append(f"{what} ({response.status_code}) shows {found}")

    # What the judge does: a draft through the page's script and the plain form, a confirmation,
    # a conflict of interest with the innovation whose title names its OPD.
    check("draft (JSON)", client.post(f"/scoring/{blind.first.id}/draft", data=blind.values(),
                                      headers={"Accept": "application/json"}))
    check("draft (form)", client.post(f"/scoring/{blind.third.id}/draft", data=blind.values(),
                                      follow_redirects=True))
    check("confirm", client.post(f"/scoring/{blind.first.id}/confirm", follow_redirects=True))
    check("conflict", client.post(f"/scoring/{blind.second.id}/conflict",
                                  data={"reason": "Saya pernah menjadi narasumber inovasi ini"},
                                  follow_redirects=True))
    for endpoint, address in addresses(app, blind):
        with client.get(address) as response:
            if response.status_code == 200:
                opened.add(endpoint)
            check(address, response, headers_but="Location" if endpoint == LEAVING else "")
    assert problems == [], "\n".join(problems)
    assert MUST_OPEN - opened == set()


def test_the_judge_leaves_for_a_link_through_the_application_without_a_referrer(client, blind):
    sign_in(client, blind.judge)
    scoring = client.get(f"/scoring/{blind.first.id}").get_data(as_text=True)
    link = f"/innovations/evidence/{blind.link.id}/open"
    assert f'href="{link}"' in scoring and "dinkes.kedirikota" not in scoring
    with client.get(link) as leaving:
        page = leaving.get_data(as_text=True)
        assert leaving.status_code == 200 and leaving.headers["Referrer-Policy"] == "no-referrer"
        assert "You are leaving Anugerah for an address outside it" in page
        assert "dinkes.kedirikota" not in page
    with client.get(onward(client, blind.link.id)) as away:
        assert away.status_code == 302 and away.headers["Location"] == OPD_ADDRESS
        assert away.headers["Referrer-Policy"] == "no-referrer"


def onward(client, evidence_id: int) -> str:
    """The leaving page's "continue" link, which carries a token of the signed-in session."""
    page = client.get(f"/innovations/evidence/{evidence_id}/open").get_data(as_text=True)
    found = re.search(rf'href="(/innovations/evidence/{evidence_id}/go\?t=[^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


def test_a_link_to_go_sent_by_someone_else_stops_at_the_leaving_page(client, blind):
    """Without the token of the signed-in session, the address that leaves Anugerah at once
    would let an OPD send an organiser or a verifier straight to a site of its choosing."""
    sign_in(client, blind.other_judge)
    for address in (f"/innovations/evidence/{blind.link.id}/go",
                    f"/innovations/evidence/{blind.link.id}/go?t=forged"):
        with client.get(address) as response:
            assert response.status_code == 302
            assert response.headers["Location"].endswith(f"/innovations/evidence/{blind.link.id}/open")


def test_outside_a_blind_round_the_leaving_page_shows_the_address(client, app):
    jury = Jury()
    link = jury.sehat.evidence[0]
    assert link.kind == "link"
    sign_in(client, jury.judge)
    with client.get(f"/innovations/evidence/{link.id}/open") as leaving:
        assert leaving.status_code == 200 and link.url in leaving.get_data(as_text=True)


@pytest.mark.parametrize("who", ["idle_judge", "other_judge"])
def test_only_a_judge_who_may_see_the_evidence_is_let_through(client, blind, who):
    """The idle judge has no assignment; the other judge has one for Si-Sehat only."""
    sign_in(client, getattr(blind, who))
    expected = 200 if who == "other_judge" else 404
    assert client.get(f"/innovations/evidence/{blind.link.id}/open").status_code == expected
    assert client.get(f"/innovations/evidence/{blind.link.id}/go").status_code == (
        302 if who == "other_judge" else 404)
    if who == "other_judge":
        assert client.get(onward(client, blind.link.id)).headers["Location"] == OPD_ADDRESS
    file_evidence = blind.antrean.evidence[-1]
    assert client.get(f"/innovations/evidence/{file_evidence.id}/open").status_code == 404  # not a link


def test_visitors_are_asked_to_sign_in_before_leaving_for_a_link(client, blind):
    for leaving in ("open", "go"):
        address = f"/innovations/evidence/{blind.link.id}/{leaving}"
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response.headers["Location"], address


def test_a_stored_address_with_a_line_break_cannot_bend_the_redirect(client, blind):
    blind.link.url = "https://dinkes.kedirikota.go.id/sk.pdf\r\nSet-Cookie: session=x"
    db.session.commit()
    sign_in(client, blind.other_judge)
    with client.get(onward(client, blind.link.id)) as away:
        assert away.status_code == 302
        assert away.headers["Location"] == "https://dinkes.kedirikota.go.id/sk.pdf%0D%0ASet-Cookie:%20session=x"
        assert not any("session=x" in cookie for cookie in away.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(("blind_round", "who", "hidden"), [
    (True, "judge", True), (True, "other_judge", True),
    (True, "idle_judge", False),   # judges nothing of it (and sees none of its evidence)
    (True, "organiser", False), (True, "verifier", False), (True, "operator", False),
    (False, "judge", False),
])
def test_who_has_the_opd_hidden(app, blind_round, who, hidden):
    from competition.policy import hides_organisation

    jury = Jury(blind=blind_round)
    assert hides_organisation(getattr(jury, who), jury.sehat) is hidden
