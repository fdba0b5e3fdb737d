"""docs/examples/api_client.py, run as a Bappeda's programmer would run it: a separate process with
the server's address and two real tokens in its environment, against a live server on a copy of
the demo (whose last year's competition has published results). Afterwards the database must hold
what the script said it made, and the winners it printed must be the published ones."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from competition.entries.evidence import evidence_path
from competition.extensions import db
from competition.models import Competition, Entry, Membership, User
from tests.api.test_kota_through_the_api import Kota, kota  # noqa: F401 (the live server, a fixture)
from tests.conftest import DemoTemplate, copy_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "docs" / "examples" / "api_client.py"
CURL_STEPS = ROOT / "docs" / "examples" / "curl.md"
ORGANISER = "organiser@demo.anugerah.id"
OPERATOR = "submitter@demo.anugerah.id"  # Diskominfo's operator


@pytest.fixture
def database(demo_template: DemoTemplate, tmp_path: Path) -> Iterator[str]:
    """A copy of the demo of this test's own, for the live server (``kota``) to serve."""
    url = copy_database(demo_template.url, "example", tmp_path)
    yield url
    drop_database(url)


def the_client() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_client", CLIENT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_client(server: Kota, organiser: str, operator: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANUGERAH_URL": server.api.url, "ANUGERAH_ORGANISER_TOKEN": organiser,
           "ANUGERAH_OPERATOR_TOKEN": operator}
    return subprocess.run([sys.executable, str(CLIENT)], env=env, capture_output=True, text=True,
                          timeout=50, check=False)


def printed_ids(output: str, what: str) -> list[int]:
    return [int(n) for n in re.findall(rf"^{what} (\d+)", output, re.MULTILINE)]


def test_the_example_client_runs_against_a_live_server(kota: Kota) -> None:  # noqa: F811
    result = run_client(kota, kota.token(ORGANISER, "read", "write"), kota.token(OPERATOR, "read", "write"))
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    [competition_id] = set(printed_ids(output, "competition"))
    imported = printed_ids(output, "innovation")
    [evidence_id] = printed_ids(output, "evidence")

    with kota.app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        operator = db.session.scalar(select(User).where(User.email == OPERATOR))
        assert organiser is not None and operator is not None
        # The new competition: this year's, in the organiser's region, open, with them organising it
        # and the operator a submitter of it.
        competition = db.session.get(Competition, competition_id)
        assert competition is not None
        assert (competition.phase, competition.region_id) == ("open", organiser.region_id)
        roles = {(m.user_id, m.role) for m in db.session.scalars(
            select(Membership).where(Membership.competition_id == competition_id))}
        assert roles == {(organiser.id, "organiser"), (operator.id, "submitter")}

        # The imported drafts: one for the operator's OPD and two others; one of theirs submitted.
        entries = {e.id: e for e in db.session.scalars(
            select(Entry).where(Entry.competition_id == competition_id))}
        assert sorted(entries) == sorted(set(imported)) and len(entries) == 3
        submitted = [e for e in entries.values() if e.status == "submitted"]
        assert [e.status for e in entries.values()].count("draft") == 2
        [entry] = submitted
        assert entry.organisation_id == operator.organisation_id and entry.submitted_at is not None
        assert f"innovation {entry.id} submitted" in output
        assert all(e.missing_for_submission() == ["no evidence (data dukung) attached"]
                   for e in entries.values() if e.status == "draft")

        # The evidence: the script's PDF, stored and attached to the submitted innovation.
        [evidence] = entry.evidence
        pdf = the_client().a_pdf("SK Kepala Dinas")
        assert (evidence.id, evidence.kind, evidence.media_type) == (evidence_id, "file", "application/pdf")
        assert evidence.uploaded_by_id == operator.id
        assert evidence.sha256 == hashlib.sha256(pdf).hexdigest()
        assert evidence.sha256 is not None and evidence_path(evidence.sha256).read_bytes() == pdf

        published_ids = [c.id for c in db.session.scalars(select(Competition).order_by(Competition.id))
                         if c.phase == "closed"]

    # The winners printed are those of the published results, read here with no token too.
    [published_id] = published_ids  # the demo's last year's competition
    winners = published_winners(kota, published_id)
    assert winners
    assert f"published results of competition {published_id}: " in output
    assert [line.strip() for line in output.splitlines() if line.startswith("  ")] == winners


def published_winners(kota: Kota, competition_id: int) -> list[str]:  # noqa: F811
    """Each winner as "award | position | subject | score", read with no token."""
    published = kota.api.get(f"/competitions/{competition_id}/results/published", None)
    return [f"{award['name']} | {w['position']} | {w['subject']} | {w['score']}"
            for award in published["awards"] for w in award["winners"]]


def test_the_example_client_prints_the_problem_and_fails_when_refused(kota: Kota) -> None:  # noqa: F811
    organiser = kota.token(ORGANISER, "read", "write")
    result = run_client(kota, organiser, kota.token(OPERATOR, "read"))  # may not write
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"POST \S+/api/v1/innovations/\d+/evidence: 403", result.stderr), result.stderr
    assert '"status": 403' in result.stderr and '"title"' in result.stderr
    with kota.app.app_context():
        [competition] = [c for c in db.session.scalars(select(Competition)) if c.phase == "open"
                         and c.name.startswith("Lomba Inovasi Daerah ") and "Kediri" not in c.name]
        assert all(not e.evidence and e.status == "draft" for e in competition.entries)

    result = run_client(kota, "anugerah_" + "x" * 43, organiser)
    assert result.returncode == 1 and ": 401" in result.stderr, result.stdout + result.stderr


def curl_steps(url: str, organiser: str, operator: str, published_id: int) -> str:
    """The shell lines of curl.md's steps, with this server, these tokens and this competition."""
    steps = CURL_STEPS.read_text(encoding="utf-8").split("## The steps", 1)[1]
    script = "set -euo pipefail\n" + "\n".join(re.findall(r"```sh\n(.*?)```", steps, re.DOTALL))
    for line, value in (("export ANUGERAH_URL=https://inovasi.kota.go.id", url),
                        ("export ORGANISER=anugerah_...", organiser),
                        ("export OPERATOR=anugerah_...", operator), ("PUBLISHED=1", str(published_id))):
        assert line in script, line
        script = script.replace(line, line.rsplit("=", 1)[0] + "=" + value)
    return script


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq") and shutil.which("bash")),
                    reason="the curl lines need curl, jq and bash")
def test_the_curl_lines_run_against_a_live_server(kota: Kota, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "SK Inovasi.pdf").write_bytes(the_client().a_pdf("SK Kepala Dinas"))
    with kota.app.app_context():
        [published_id] = [c.id for c in db.session.scalars(select(Competition)) if c.phase == "closed"]
    script = curl_steps(kota.api.url, kota.token(ORGANISER, "read", "write"),
                        kota.token(OPERATOR, "read", "write"), published_id)
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            timeout=50, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    with kota.app.app_context():
        operator = db.session.scalar(select(User).where(User.email == OPERATOR))
        assert operator is not None
        [competition] = [c for c in db.session.scalars(select(Competition)) if c.phase == "open"
                         and "Kediri" not in c.name]
        [entry] = competition.entries
        assert (entry.status, entry.organisation_id) == ("submitted", operator.organisation_id)
        assert [(e.kind, e.original_name) for e in entry.evidence] == [("file", "SK Inovasi.pdf")]
    assert result.stdout.splitlines()[-len(published_winners(kota, published_id)):] == \
        published_winners(kota, published_id)
