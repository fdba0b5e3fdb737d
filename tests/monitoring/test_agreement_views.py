"""Judge agreement through HTTP on the demo: last year's judged round "Presentasi dan wawancara"
(10 innovations × 3 judges, one panel) on the dashboard and in the sealed version, whose annex
verifies and stops verifying when a stored figure is changed."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select, update

from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.models import Competition, ResultSet, Round
from competition.monitoring.queries import judge_agreement
from competition.ranking.agreement import sealed_annex
from competition.results.operations import AGREEMENT, sealed_hash, verify_result_set
from tests.conftest import needs_pdf
from tests.web.pages import inline_code, page


def sign_in(client, role: str = "organiser", language: str = "en") -> None:
    assert client.post("/login", data={"email": f"{role}@{EMAIL_DOMAIN}",
                                       "password": DEMO_PASSWORD}).status_code == 302
    client.post("/language", data={"language": language, "next": "/"})


def last_year() -> Competition:
    return db.session.scalars(select(Competition).order_by(Competition.year)).first()


def sealed_version(competition: Competition) -> ResultSet:
    return db.session.scalar(select(ResultSet).where(ResultSet.competition_id == competition.id)
                             .order_by(ResultSet.version.desc()))


def test_the_demo_round_has_its_figures(demo_app):
    competition = last_year()
    annex = judge_agreement(competition)
    [figures] = annex["rounds"]
    round_ = db.session.get(Round, figures["round_id"])
    assert round_.name == "Presentasi dan wawancara"
    totals = figures["totals"]
    assert (totals["innovations"], totals["ratings"], totals["left_out"]) == (10, 30, 0)
    [block] = totals["blocks"]
    assert (len(block["judge_ids"]), block["innovations"]) == (3, 10)
    assert block["judge_ids"] == [j["judge_id"] for j in figures["judges"]]
    assert {member.judge_id for member in round_.panels[0].members} == set(block["judge_ids"])
    for estimate in (block["icc_single"], block["icc_average"]):
        assert estimate["reason"] is None
        assert float(estimate["low"]) <= float(estimate["value"]) <= float(estimate["high"])
    assert len(figures["criteria"]) == len(round_.criteria)
    assert len(figures["judges"]) == 3 and len(figures["innovations"]) == 10


def test_the_dashboard_shows_the_figures_in_both_languages(demo_app):
    competition = last_year()
    client = demo_app.test_client()
    sign_in(client)
    html = page(client.get(f"/manage/{competition.id}/dashboard"))
    section = html.split('id="figure-agreement"')[1].split('id="figure-scores"')[0]
    assert ">Judge agreement<" in html and "Presentasi dan wawancara" in section
    assert "ICC(2,k)" in section and "Krippendorff" in section and "95% CI" in section
    assert 'role="img"' in section and "<title" in section and "<desc" in section    # the leniency chart
    assert "Each judge against the others" in section and "Place when normalised" in section
    assert section.count("data-band=") >= 3
    assert not inline_code(section)
    client.post("/language", data={"language": "id", "next": "/"})
    html = page(client.get(f"/manage/{competition.id}/dashboard"))
    assert ">Kesepakatan juri<" in html
    section = html.split('id="figure-agreement"')[1]
    assert "Tiap juri dibandingkan dengan juri lain" in section


@pytest.mark.parametrize("role", ["judge", "verifier", "submitter"])
def test_only_organisers_see_it(demo_app, role):
    client = demo_app.test_client()
    sign_in(client, role)
    competition = last_year()
    assert client.get(f"/manage/{competition.id}/dashboard").status_code == 403
    version = sealed_version(competition).version
    assert client.get(f"/manage/{competition.id}/results/versions/{version}/agreement.pdf").status_code == 403


def test_the_sealed_version_keeps_the_annex_and_verifies(demo_app):
    competition = last_year()
    result_set = sealed_version(competition)
    annex = result_set.results[AGREEMENT]
    assert annex == sealed_annex(result_set.inputs)
    # The sealed inputs are what the live scores were: the same figures as the dashboard's.
    assert annex == judge_agreement(competition)
    assert verify_result_set(result_set) == []
    client = demo_app.test_client()
    sign_in(client)
    version_page = page(client.get(f"/manage/{competition.id}/results/versions/{result_set.version}"))
    assert f'href="/manage/{competition.id}/results/versions/{result_set.version}/agreement"' in version_page
    assert "ICC(2,1)" not in version_page           # the version's page does not read the annex
    html = page(client.get(f"/manage/{competition.id}/results/versions/{result_set.version}/agreement"))
    section = html.split('id="agreement"')[1]
    assert "Presentasi dan wawancara" in section and "ICC(2,1)" in section
    assert f"/results/versions/{result_set.version}/agreement.pdf" in html


def tampered(annex: dict) -> dict:
    changed = copy.deepcopy(annex)
    block = changed["rounds"][0]["totals"]["blocks"][0]
    block["icc_average"]["value"] = "0.999" if block["icc_average"]["value"] != "0.999" else "0.998"
    return changed


def test_a_changed_annex_figure_no_longer_verifies(demo_app):
    result_set = sealed_version(last_year())
    results = dict(result_set.results, **{AGREEMENT: tampered(result_set.results[AGREEMENT])})
    db.session.execute(update(ResultSet).where(ResultSet.id == result_set.id).values(results=results))
    db.session.commit()
    db.session.expire_all()
    problems = verify_result_set(db.session.get(ResultSet, result_set.id))
    assert any(p.startswith("the stored version") for p in problems)       # the hash
    assert any(p.startswith("the judge-agreement annex differs from the one recomputed from the stored "
                            "scores (first at rounds[0].totals.blocks[0].icc_average.value")
               for p in problems)


def test_a_changed_annex_is_found_even_with_the_hash_made_again(demo_app):
    """Someone rewrites a figure and the version's hash: the audit log and the recomputation both
    say so."""
    result_set = sealed_version(last_year())
    result_set.results = dict(result_set.results, **{AGREEMENT: tampered(result_set.results[AGREEMENT])})
    result_set.sha256 = sealed_hash(result_set)
    problems = verify_result_set(result_set)
    assert any("judge-agreement annex differs" in p for p in problems)
    db.session.rollback()


def test_a_version_sealed_before_the_annex_still_verifies(demo_app):
    competition = last_year()
    first = sealed_version(competition)
    results = {key: value for key, value in first.results.items() if key != AGREEMENT}
    older = ResultSet(competition=competition, competition_id=competition.id, version=first.version + 1,
                      status="sealed", inputs=first.inputs, results=results, sealed_by_id=first.sealed_by_id,
                      sealed_at=first.sealed_at, seal_format=first.seal_format)
    older.sha256 = sealed_hash(older)
    db.session.add(older)
    db.session.commit()
    assert verify_result_set(older) == []
    client = demo_app.test_client()
    sign_in(client)
    html = page(client.get(f"/manage/{competition.id}/results/versions/{older.version}/agreement"))
    assert "sealed before judge agreement was kept" in html
    assert client.get(f"/manage/{competition.id}/results/versions/{older.version}/agreement.pdf"
                      ).status_code == 404


@needs_pdf
def test_the_pdf_for_the_jury_chair(demo_app):
    from io import BytesIO

    from pypdf import PdfReader

    competition = last_year()
    result_set = sealed_version(competition)
    client = demo_app.test_client()
    sign_in(client, language="id")
    response = client.get(f"/manage/{competition.id}/results/versions/{result_set.version}/agreement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert "Kesepakatan juri" in text and "Presentasi dan wawancara" in text and "ICC(2,k)" in text
    assert result_set.sha256 in text.replace("\n", "")


def test_the_command_prints_the_live_figures_and_a_sealed_annex(demo_app):
    import json

    competition = last_year()
    runner = demo_app.test_cli_runner()
    live = runner.invoke(args=["results", "agreement", str(competition.id), "--json"])
    assert live.exit_code == 0, live.output
    data = json.loads(live.output)
    assert data["rounds"] == judge_agreement(competition)["rounds"] and data["version"] is None
    assert data["names"]["rounds"] == {str(data["rounds"][0]["round_id"]): "Presentasi dan wawancara"}
    sealed = runner.invoke(args=["results", "agreement", str(competition.id), "--version", "1"])
    assert sealed.exit_code == 0, sealed.output
    assert sealed.output.startswith("Presentasi dan wawancara\n  totals: ICC(2,1) ")
    assert "normalising per judge changes" in sealed.output
    missing = runner.invoke(args=["results", "agreement", str(competition.id), "--version", "9"])
    assert missing.exit_code != 0 and "has no sealed results version 9" in missing.output


def test_the_api_gives_the_figures_to_the_organiser_alone(demo_app):
    from competition.models import User
    from competition.people.tokens import create_token

    competition = last_year()
    client = demo_app.test_client()
    tokens = {}
    for role in ("organiser", "judge"):
        user = db.session.scalar(select(User).where(User.email == f"{role}@{EMAIL_DOMAIN}"))
        tokens[role] = create_token(user, name="skrip", scopes=("read",), days=30).secret
    db.session.commit()
    path = f"/api/v1/competitions/{competition.id}/dashboard/agreement"
    answer = client.get(path, headers={"Authorization": f"Bearer {tokens['organiser']}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["rounds"] == judge_agreement(competition)["rounds"]
    assert client.get(path, headers={"Authorization": f"Bearer {tokens['judge']}"}).status_code == 403
    assert client.get(path).status_code == 401
