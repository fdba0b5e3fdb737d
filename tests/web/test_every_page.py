"""Every page, for every role of the demo, in both languages: it opens (or is refused, never an
error), it declares its language, it speaks that language only, every form control on it has a
label, and it holds nothing the Content-Security-Policy refuses (inline script or style).

The language check compares each page with the catalogues: in Bahasa Indonesia no English
interface sentence may show, and in English no Indonesian one.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select

from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.jobs.models import Job
from competition.models import (
    Assignment,
    Competition,
    Criterion,
    CriterionLevel,
    Entry,
    Evidence,
    Round,
    User,
)
from competition.people.operations import password_reset_token
from tests.web.pages import inline_code

CATALOGUES = Path(__file__).parents[2] / "competition" / "translations"
# Endpoints that answer with files rather than pages, or are the app's assets.
NOT_PAGES = {"static", "bootstrap.static", "innovations.evidence_file", "innovations.evidence_go",
             "innovations.receipt",
             "people.import_template",
             "ceremony.run_sheet_file", "ceremony.certificates_file", "ceremony.certificate_preview",
             "dashboard.download", "iid.export",
             "jobs.progress", "jobs.download",
             "health.healthz", "health.readyz",
             "results.agreement_pdf", "api_dashboard.agreement",   # a PDF; JSON for scripts
             # JSON for scripts (tests/api/): the API's documentation page is a page.
             "api-docs.openapi_json", "api_competitions.competitions", "api_competitions.competition",
             "api_innovations.innovations", "api_innovations.innovation", "api_innovations.history",
             "api_evidence.evidence_list", "api_evidence.evidence", "api_evidence.evidence_file",
             "api_people.me", "api_people.users", "api_people.user", "api_people.organisations",
             "api_people.competition_organisations", "api_notifications.notifications",
             "api_tokens.tokens",
             "api_setup.categories", "api_setup.category",
             "api_results.preview", "api_results.versions", "api_results.version", "api_published.published",
             "api_ceremony.run_sheet", "api_ceremony.certificate_settings", "api_jobs.job",
             "api_jobs.job_file", "api_audit.trail",
             "api_verification.queue", "api_dashboard.figures", "api_dashboard.figure",
             "api_competitions.workflows", "api_iid.rehearsal_", "api_iid.innovation", "api_iid.region",
             "api_judging.panels", "api_judging.assignments", "api_judging.conflicts",
             "api_scoring.my_sheets", "api_scoring.sheet",
             "api_rounds.rounds", "api_rounds.round_", "api_rounds.criterion", "api_rounds.templates",
             "api_awards.awards", "api_awards.award", "api_awards.band_presets", "api_awards.rules"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def interface_sentences() -> tuple[set[str], set[str]]:
    """(English msgids, their Indonesian translations) long enough to be unmistakable: whole
    phrases without placeholders, that differ between the languages."""
    with (CATALOGUES / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="id")
    english, indonesian = set(), set()
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or PLACEHOLDER.search(message.id):
            continue
        translation = message.string
        if not isinstance(translation, str) or not translation or translation == message.id:
            continue
        if len(message.id) >= 16 and " " in message.id:
            english.add(message.id)
        if len(translation) >= 16 and " " in translation:
            indonesian.add(translation)
    return english - indonesian, indonesian - english


class UnlabelledControls(HTMLParser):
    """Form controls a screen reader could not name: no <label for>, no wrapping <label>, no
    aria-label(ledby); and images without alt text."""

    def __init__(self, page: str):
        super().__init__()
        self.labelled_ids: set[str] = set()
        self.controls: list[tuple[str, str | None, bool]] = []  # (description, id, named)
        self.in_label = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if values.get("for"):
                self.labelled_ids.add(values["for"] or "")
        elif tag == "img" and not values.get("alt") and values.get("role") != "presentation":
            self.controls.append((f"<img src={values.get('src')}>", None, False))
        elif tag in ("input", "select", "textarea") and values.get("type") not in (
                "hidden", "submit", "button", "reset", "image"):
            named = bool(self.in_label or values.get("aria-label") or values.get("aria-labelledby")
                         or values.get("title"))
            self.controls.append((f"<{tag} name={values.get('name')}>", values.get("id"), named))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.in_label:
            self.in_label -= 1

    def problems(self) -> list[str]:
        return [description for description, id_, named in self.controls
                if not named and (id_ is None or id_ not in self.labelled_ids)]


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_catalogue_entry_is_translated_with_the_same_placeholders():
    with (CATALOGUES / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="id")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(string))) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def test_every_text_in_the_code_is_in_the_catalogue():
    """``make translations-update`` has been run since the last new text."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).parents[2]
    method_map = [("competition/**.py", "python"), ("workflows/**.py", "python"),
                  ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "t": None,
                "lazy_gettext": None}
    found = set()
    for _, _, message, _, _ in extract_from_dir(root, method_map, keywords=keywords,
                                                options_map={"templates/**.html": {}}):
        found.add(message if isinstance(message, str) else message[0])
    with (CATALOGUES / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle, locale="id") if m.id}
    assert "Skip to content" in found and "Our innovations" in found  # templates are read too
    assert sorted(found - catalogue) == []


def urls_for(app: Flask) -> dict[str, list[str]]:
    """Every GET page of the app with the demo's ids filled in, by endpoint."""
    this_year, last_year = db.session.scalars(select(Competition).order_by(Competition.year.desc())).all()[:2]
    entry = db.session.scalar(select(Entry).where(Entry.competition_id == this_year.id,
                                                  Entry.status == "submitted").order_by(Entry.id))
    awarded = db.session.scalar(select(Entry).where(Entry.competition_id == last_year.id,
                                                    Entry.status == "awarded").order_by(Entry.id))
    operator = db.session.scalar(select(User).where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    own = db.session.scalars(select(Entry).where(Entry.organisation_id == operator.organisation_id)
                             .order_by(Entry.id)).all()
    draft = next(e for e in own if e.status == "draft")
    submitted = next(e for e in own if e.status not in ("draft", "withdrawn"))
    judge = db.session.scalar(select(User).where(User.email == f"judge@{EMAIL_DOMAIN}"))
    judged = db.session.scalar(select(Assignment).join(Round).where(
        Round.competition_id == last_year.id, Assignment.judge_id == judge.id).order_by(Assignment.id))
    link = db.session.scalar(select(Evidence).where(Evidence.entry_id == judged.entry_id,
                                                    Evidence.kind == "link").order_by(Evidence.id))
    assert entry and awarded and judged and link
    organiser = db.session.scalar(select(User).where(User.email == f"organiser@{EMAIL_DOMAIN}"))
    jobs = [Job(kind="documents", competition=last_year, requested_by=organiser, status="done", params={},
                progress_done=5, progress_total=5, summary="5 piagam"),
            Job(kind="people_import", competition=this_year, requested_by=organiser, status="running",
                params={}, progress_done=40, progress_total=120),
            Job(kind="score_import", competition=last_year, requested_by=organiser, status="failed",
                params={}, error="nilai.csv row 2: value: 120 is above 100")]
    db.session.add_all(jobs)
    db.session.commit()
    values = {
        "jobs.show": [{"job_id": job.id} for job in jobs],
        "public.competition": [{"competition_id": c.id} for c in (this_year, last_year)],
        "innovations.show": [{"entry_id": e.id} for e in (entry, awarded, draft, submitted)],
        "innovations.edit": [{"entry_id": draft.id}],
        "iid.innovation": [*({"entry_id": e.id} for e in (entry, awarded, draft, submitted)),
                           {"entry_id": submitted.id, "model": "iid_2023"}],
        "innovations.new": [{"competition_id": this_year.id}],
        "verification.review": [{"entry_id": e.id} for e in (entry, awarded)],
        "people.show": [{"user_id": operator.id}],
        "auth.reset_password": [{"token": password_reset_token(operator)}],
        "auth.welcome": [{"token": password_reset_token(operator, purpose="invitation")}],
        "innovations.evidence_open": [{"evidence_id": link.id}],
        "scoring.entry": [{"assignment_id": judged.id}],
        "scoring.confirm": [{"assignment_id": judged.id}],
        "panels.assignments": [{"competition_id": last_year.id, "round_id": judged.round_id}],
        "panels.reopen": [{"competition_id": last_year.id, "assignment_id": judged.id}],
        "setup.round_": [{"competition_id": last_year.id, "round_id": judged.round_id}],
        "setup.edit_round": [{"competition_id": last_year.id, "round_id": judged.round_id}],
        "setup.edit_criterion": [{"competition_id": last_year.id, "round_id": judged.round_id,
                                  "criterion_id": judged.round.criteria[0].id}],
        "setup.clone_competition_": [{"source_id": c.id} for c in (this_year, last_year)],
        "setup.phase": [{"competition_id": this_year.id, "trigger": "close_submissions"}],
        "results.version": [{"competition_id": last_year.id, "version": 1}],
        "results.version_agreement": [{"competition_id": last_year.id, "version": 1}],
        "results.publish": [{"competition_id": last_year.id, "version": 1}],
    }
    urls: dict[str, list[str]] = {}
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        arguments = values.get(rule.endpoint, [{}])
        if rule.arguments == {"competition_id"} and rule.endpoint not in values:
            arguments = [{"competition_id": c.id} for c in (this_year, last_year)]
        elif rule.arguments and rule.endpoint not in values:
            pytest.fail(f"give {rule.endpoint} ({rule.rule}) demo values to open it with")
        urls[rule.endpoint] = [adapter.build(rule.endpoint, a) for a in arguments]
    return urls


# The pages each role must open (so the sweep cannot pass by being refused everywhere).
MUST_OPEN = {
    None: {"public.index", "public.competition", "public.results", "auth.login", "auth.forgot_password"},
    "submitter": {"innovations.mine", "innovations.show", "innovations.new", "innovations.edit",
                  "notifications.index", "auth.password", "iid.index", "iid.innovation"},
    "verifier": {"verification.queue", "verification.review", "iid.innovation"},
    "organiser": {"people.index", "people.show", "people.new", "people.import_file", "setup.overview",
                  "setup.round_", "setup.edit_criterion", "setup.clone_competition_", "panels.index",
                  "panels.assignments", "dashboard.index", "results.preview",
                  "results.version", "results.version_agreement", "ceremony.index", "ceremony.reveal",
                  "ceremony.settings", "audit.index",
                  "messages.index",
                  "jobs.show",
                  "iid.index", "iid.region", "iid.innovation"},
    "judge": {"public.index", "notifications.index", "scoring.index", "scoring.entry",
              "innovations.evidence_open"},
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_for_every_role_in_both_languages(demo_app, language):
    english, indonesian = interface_sentences()
    foreign = english if language == "id" else indonesian
    # The competition's own texts (the rubric's guidance, say) are in the organiser's language,
    # whichever language the interface speaks; a sentence they contain is not a leak.
    content = " ".join(db.session.scalars(select(Criterion.guidance)).all()
                       + db.session.scalars(select(CriterionLevel.label)).all())
    foreign = {sentence for sentence in foreign if sentence not in content}
    assert len(foreign) > 100, "the catalogue check needs the catalogues"
    urls = urls_for(demo_app)
    problems = []
    for role in (None, "submitter", "verifier", "judge", "organiser"):
        client = demo_app.test_client()
        client.post("/language", data={"language": language, "next": "/"})
        if role is not None:
            signed_in = client.post("/login", data={"email": f"{role}@{EMAIL_DOMAIN}",
                                                    "password": DEMO_PASSWORD})
            assert signed_in.status_code == 302, role
        opened = set()
        for endpoint, addresses in urls.items():
            for url in addresses:
                response = client.get(url)
                if response.status_code in (301, 302, 400, 403, 404):
                    continue
                if response.status_code != 200:
                    problems.append(f"{role} {url}: {response.status_code}")
                    continue
                opened.add(endpoint)
                page = response.get_data(as_text=True)
                if f'<html lang="{language}">' not in page:
                    problems.append(f"{role} {url}: not marked as {language}")
                unlabelled = UnlabelledControls(page).problems()
                if unlabelled:
                    problems.append(f"{role} {url}: without a label: {unlabelled[:3]}")
                inline = inline_code(page)  # the Content-Security-Policy would refuse it
                if inline:
                    problems.append(f"{role} {url}: inline {inline[:3]}")
                text = visible_text(page)
                leaks = sorted(s for s in foreign if s in text)
                if leaks:
                    problems.append(f"{role} {url} in {language} shows {leaks[:3]}")
        missing = MUST_OPEN[role] - opened
        if missing:
            problems.append(f"{role} could not open {sorted(missing)}")
    assert not problems, "\n".join(problems)


def test_a_signed_in_page_switches_language_and_stays_on_it(demo_app):
    client = demo_app.test_client()
    client.post("/login", data={"email": f"submitter@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD})
    assert ">Inovasi kami<" in client.get("/innovations").get_data(as_text=True)
    response = client.post("/language", data={"language": "en", "next": "/innovations"})
    assert response.headers["Location"].endswith("/innovations")
    assert ">Our innovations<" in client.get("/innovations").get_data(as_text=True)



def test_the_label_check_finds_unnamed_controls():
    page = ('<label for="a">A</label><input id="a" name="a"><label>B <input name="b"></label>'
            '<input name="c" aria-label="C"><input type="hidden" name="csrf"><select name="d"></select>'
            '<img src="/x.png"><img src="/y.png" alt="Y">')
    assert UnlabelledControls(page).problems() == ["<select name=d>", "<img src=/x.png>"]
