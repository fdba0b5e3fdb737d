"""``flask iid ...``: the rehearsal on the command line, as the same region as the page tests."""

from __future__ import annotations

import csv
import json

import pytest

from tests.iid.test_rehearsal import Region


@pytest.fixture
def region(app):
    return Region()


def run(runner, *arguments):
    return runner.invoke(args=["iid", *[str(a) for a in arguments]])


def set_up(runner, region):
    levels = [a for row in ("spd_1a", "spd_1b") for a in ("--level", f"{row}=2")]
    organiser = region.organiser.email
    assert run(runner, "region", region.competition.id, "--as", organiser, *levels).exit_code == 0
    claimed = run(runner, "claim", region.sehat.id, "--as", region.operator.email, "--level", "regulasi=3",
                  "--evidence", f"regulasi={region.sehat_evidence}", "--level", "video=2",
                  "--evidence", f"video={region.sehat_evidence}", "--json")
    assert claimed.exit_code == 0, claimed.output
    assert json.loads(claimed.output)["changed"] == ["regulasi", "video"]
    verified = run(runner, "verify", region.sehat.id, "--as", region.verifier.email, "--level", "regulasi=3",
                   "--level", "video=1", "--note", "video=Tanpa narasi")
    assert verified.exit_code == 0, verified.output


def test_show_as_json_gives_the_hand_computed_figures(runner, region):
    # SPD: 2 rows of weight 1 at level 2 = 4. Claimed 9 + 8 = 17 points, verified 9 + 4 = 13.
    # 2026: claimed (4 + 17/12) / 2.5 = 2.1666.. -> 2.17; verified (4 + 13/12) / 2.5 = 2.0333.. -> 2.03.
    set_up(runner, region)
    shown = run(runner, "show", region.competition.id, "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert (data["claimed"]["iid"], data["verified"]["iid"]) == ("2.17", "2.03")
    assert data["verified"]["predikat"] == "Kurang Inovatif"
    assert data["verified"]["short_of_divisor"] == 10
    sehat = next(i for i in data["innovations"] if i["id"] == region.sehat.id)
    assert (sehat["claimed_points"], sehat["verified_points"]) == (17, 13)
    assert {i["title"] for i in data["innovations"]} == {"Si-Sehat", "Rapor Digital"}
    older = json.loads(run(runner, "show", region.competition.id, "--model", "iid_2023", "--json").output)
    # 2023 divides by 10: claimed (4 + 1.7) / 2.5 = 2.28; verified (4 + 1.3) / 2.5 = 2.12.
    assert (older["claimed"]["iid"], older["verified"]["iid"]) == ("2.28", "2.12")


def test_show_as_an_opd_lists_its_own_innovations(runner, region):
    set_up(runner, region)
    data = json.loads(run(runner, "show", region.competition.id, "--as", region.dindik_operator.email,
                          "--json").output)
    assert [i["title"] for i in data["innovations"]] == ["Rapor Digital"]
    assert data["whole_region"] is False


def test_a_verifier_of_the_innovations_own_opd_is_refused(runner, region):
    set_up(runner, region)
    refused = run(runner, "verify", region.sehat.id, "--as", region.dinkes_verifier.email,
                  "--level", "regulasi=0", "--note", "regulasi=x")
    assert refused.exit_code == 1
    assert "may not verify" in refused.output


def test_a_bad_level_is_named(runner, region):
    refused = run(runner, "claim", region.sehat.id, "--as", region.operator.email, "--level", "regulasi=5")
    assert refused.exit_code != 0
    assert "regulasi: the level must be a whole number from 0 to 3" in refused.output
    unknown = run(runner, "claim", region.sehat.id, "--as", region.operator.email, "--level", "bogus=1")
    assert unknown.exit_code == 1
    assert "bogus: not an indicator of Indeks Inovasi Daerah 2026" in unknown.output


def test_export_writes_the_national_forms_order(runner, region, tmp_path):
    set_up(runner, region)
    target = tmp_path / "iid.csv"
    assert run(runner, "export", region.competition.id, "-o", target).exit_code == 0
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 + 2 * 20 and rows[1][5] == "16"
