"""The IID model files: the presets as the issue quotes them, and the loader naming each problem."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from competition.iid.model import MODELS, ModelProblems, load_model, load_preset, parse_model

SID_WEIGHTS = {"regulasi": 3, "sdm": 2, "anggaran": 2, "alat_kerja": 2, "bimtek": 1, "rkpd": 2, "aktor": 1,
               "pelaksana": 1, "jejaring": 1, "sosialisasi": 1, "pedoman_teknis": 1,
               "kemudahan_informasi": 1, "kemudahan_proses": 2, "penyelesaian_pengaduan": 1,
               "layanan_terintegrasi": 2, "replikasi": 3, "kecepatan_penciptaan": 2, "kemanfaatan": 3,
               "monev": 2, "video": 4}


@pytest.mark.parametrize("name, divisor, bands", [
    ("iid_2026", 12, ["65.01", "40.01", "0.01"]),
    ("iid_2023", 10, ["60.01", "35.00", "0.01"]),
])
def test_presets_hold_the_quoted_figures(name, divisor, bands):
    model = load_preset(name)
    assert model.name == name and model.total == 250
    assert (len(model.spd), sum(r.weight for r in model.spd), model.spd_maximum) == (20, 21, 63)
    assert {i.key: i.weight for i in model.sid} == SID_WEIGHTS
    assert [int(i.number) for i in model.sid] == list(range(16, 36))
    assert (sum(SID_WEIGHTS.values()), model.sid_maximum) == (37, 111)
    assert all(len(i.levels) == 3 for i in model.sid)
    assert model.divisor_minimum == divisor
    assert (model.count_per_innovation, model.count_cap, model.urusan_needed) == (Fraction("0.38"), 200, 5)
    assert len(model.basic_urusan) == 6
    assert [b.minimum for b in model.bands] == [Decimal(b) for b in bands]
    assert [b.label for b in model.bands] == ["Sangat Inovatif", "Inovatif", "Kurang Inovatif"]
    assert (model.years_in_use, model.rancang_bangun_words) == (2, 300)


def preset_data() -> dict[str, Any]:
    return tomllib.loads((MODELS / "iid_2026.toml").read_text(encoding="utf-8"))


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ModelProblems) as raised:
        parse_model(data)
    return raised.value.problems


def test_a_changed_weight_must_match_the_declared_total():
    data = preset_data()
    data["sid"][0]["weight"] = 4  # regulasi 3 -> 4: 38, not 37; and the 250 no longer holds
    assert problems_of(data) == ["innovation.weight_total: declared 37, the rows' weights total 38",
                                 "innovation.maximum: declared 111, the rows give 3 x 38 = 114",
                                 "model.total: declared 250, the parts give 253 (SPD maximum + SID maximum + "
                                 "count score cap)"]


def test_a_corrected_weight_with_corrected_totals_loads(tmp_path: Path):
    text = (MODELS / "iid_2026.toml").read_text(encoding="utf-8")
    text = text.replace('key = "regulasi"\nname = "Regulasi inovasi daerah"\nweight = 3',
                        'key = "regulasi"\nname = "Regulasi inovasi daerah"\nweight = 4')
    text = text.replace("weight_total = 37\nmaximum = 111", "weight_total = 38\nmaximum = 114")
    text = text.replace("total = 250", "total = 253")
    (tmp_path / "corrected.toml").write_text(text, encoding="utf-8")
    model = load_model(tmp_path / "corrected.toml")
    assert model.indicator("regulasi").weight == 4 and model.sid_maximum == 114


def test_levels_are_one_to_three_with_descriptions():
    data = preset_data()
    data["sid"][1]["levels"] = ["a", "b"]
    data["sid"][2]["levels"] = ["a", "b", ""]
    assert problems_of(data) == ["sid[2].levels: must describe exactly levels 1-3",
                                 "sid[3].levels: must describe exactly levels 1-3"]


def test_bands_must_descend():
    data = preset_data()
    data["bands"][1]["minimum"] = "70.00"
    assert problems_of(data) == ["bands: 'Inovatif' (70.00) must come below 'Sangat Inovatif' (65.01): "
                                 "list bands highest first"]


def test_every_problem_is_named_at_once():
    data = preset_data()
    del data["eligibility"]
    data["spd"][0]["weight"] = 0
    data["sid"][1]["key"] = "regulasi"
    data["count"]["per_innovation"] = "lots"
    problems = problems_of(data)
    assert "eligibility: missing table [eligibility]" in problems
    assert "spd[1].weight: must be a whole number of at least 1" in problems
    assert "sid: key 'regulasi' is used twice" in problems
    assert 'count.per_innovation: must be a decimal number written as text, e.g. "0.38"' in problems


def test_unknown_preset_and_bad_toml_are_named(tmp_path: Path):
    with pytest.raises(ModelProblems, match="unknown IID model 'iid_1999'"):
        load_preset("iid_1999")
    (tmp_path / "bad.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(ModelProblems, match="bad.toml: not valid TOML"):
        load_model(tmp_path / "bad.toml")
