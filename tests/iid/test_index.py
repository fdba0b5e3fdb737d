"""The region's IID, hand-computed for small regions under both presets.

SPD rows at level 2 give 21 x 2 = 42 points. An innovation with every indicator at level L with
evidence scores 37 x L (111 at level 3, 74 at 2, 37 at 1). IID = (SPD + SID) / 250 x 100, that is
(SPD + SID) / 2.5.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from competition.iid.index import Claim, eligibility, region_index
from competition.iid.model import load_preset

from .regions import BASIC, empty, full, spd_all

IID_2026, IID_2023 = load_preset("iid_2026"), load_preset("iid_2023")


def three_innovations(model, **changed):
    # 111 + 74 + 37 = 222 points, in 3 of the 6 basic urusan: the sector gate is not met.
    return [full(model, "a", 3, "pendidikan", **changed), full(model, "b", 2, "kesehatan"),
            full(model, "c", 1, "sosial")]


def test_few_innovations_2026_divide_by_12_and_the_gate_is_not_met():
    index = region_index(IID_2026, spd_all(IID_2026, 2), three_innovations(IID_2026))
    # SID = 222 / max(12, 3) = 18.5, count score 0 (3 of 6 urusan);
    # IID = (42 + 18.5) / 2.5 = 24.20.
    assert [(s.key, s.points) for s in index.innovations] == [("a", 111), ("b", 74), ("c", 37)]
    assert (index.spd, index.divisor, index.sid_innovations) == (42, 12, Fraction("18.5"))
    assert (index.gate_met, index.count_score) == (False, 0)
    assert index.covered_urusan == ("pendidikan", "kesehatan", "sosial")
    assert index.missing_urusan == (BASIC[2], BASIC[3], BASIC[4])
    assert index.short_of_divisor == 9
    assert (index.iid, index.predikat) == (Decimal("24.20"), "Kurang Inovatif")


def test_few_innovations_2023_divide_by_10():
    index = region_index(IID_2023, spd_all(IID_2023, 2), three_innovations(IID_2023))
    # SID = 222 / max(10, 3) = 22.2; IID = (42 + 22.2) / 2.5 = 25.68.
    assert (index.divisor, index.short_of_divisor) == (10, 7)
    assert (index.iid, index.predikat) == (Decimal("25.68"), "Kurang Inovatif")


def test_an_indicator_without_evidence_scores_nothing():
    innovations = three_innovations(IID_2026)
    innovations[0] = full(IID_2026, "a", 3, "pendidikan")
    claims = dict(innovations[0].claims) | {"video": Claim(3, evidence=False)}
    innovations[0] = type(innovations[0])("a", ("pendidikan",), claims)
    index = region_index(IID_2026, spd_all(IID_2026, 2), innovations)
    # a: 111 - 4 x 3 (video, no evidence) = 99; SID = (99 + 74 + 37) / 12 = 17.5;
    # IID = (42 + 17.5) / 2.5 = 23.80.
    assert index.innovations[0].points == 99 and index.innovations[0].without_evidence == ("video",)
    assert index.iid == Decimal("23.80")


def fourteen(model, urusan=BASIC):
    return [full(model, f"i{n:02}", 3, urusan[n % len(urusan)]) for n in range(14)]


@pytest.mark.parametrize("model, predikat", [(IID_2026, "Inovatif"), (IID_2023, "Sangat Inovatif")])
def test_more_innovations_than_the_divisor_and_the_gate_met(model, predikat):
    index = region_index(model, spd_all(model, 2), fourteen(model))
    # SID = 14 x 111 / max(12 or 10, 14) = 111, count score 0.38 x 14 = 5.32;
    # IID = (42 + 111 + 5.32) / 2.5 = 63.328 -> 63.33: Inovatif in 2026 (above 40.00, not above
    # 65.00), Sangat Inovatif in 2023 (from 60.01).
    assert (index.divisor, index.short_of_divisor) == (14, 0)
    assert (index.gate_met, index.missing_urusan, index.count_score) == (True, (), Fraction("5.32"))
    assert index.exact == Fraction("63.328")
    assert (index.iid, index.predikat) == (Decimal("63.33"), predikat)


def test_five_of_six_urusan_meet_the_gate_four_do_not():
    five = region_index(IID_2026, spd_all(IID_2026, 2), fourteen(IID_2026, BASIC[:5]))
    assert (five.gate_met, five.missing_urusan, five.iid) == (True, ("sosial",), Decimal("63.33"))
    four = region_index(IID_2026, spd_all(IID_2026, 2), fourteen(IID_2026, BASIC[:4]))
    # Without the count score: IID = (42 + 111) / 2.5 = 61.20.
    assert (four.gate_met, four.missing_urusan, four.count_score) == (False, BASIC[4:], 0)
    assert (four.iid, four.predikat) == (Decimal("61.20"), "Inovatif")


def test_urusan_spelt_loosely_still_count():
    index = region_index(IID_2026, {}, [empty("x", "  Pekerjaan   Umum ")])
    assert index.covered_urusan == ("pekerjaan umum",)


def forty(model, full_ones, one_point_more=False):
    """40 innovations in every basic urusan: ``full_ones`` at 111, the rest empty (n counts them)."""
    innovations = [full(model, f"i{n:02}", 3, BASIC[n % 6]) for n in range(full_ones)]
    innovations += [empty(f"i{n:02}", BASIC[n % 6]) for n in range(full_ones, 40)]
    if one_point_more:  # bimtek (weight 1) at level 1 with evidence on an empty one: +1 point
        innovations[-1] = empty("i39", BASIC[39 % 6], bimtek=Claim(1))
    return innovations


def test_2026_band_boundary_65_00_is_inovatif_65_01_sangat_inovatif():
    # 37 x 111 + 105 (regulasi at level 1: 111 - 3 x 2) = 4212 points over 40 innovations;
    # SID = 4212 / 40 + 0.38 x 40 = 105.3 + 15.2 = 120.5; IID = (42 + 120.5) / 2.5 = 65.00.
    innovations = forty(IID_2026, 37)
    innovations[37] = full(IID_2026, "i37", 3, BASIC[37 % 6], regulasi=1)
    index = region_index(IID_2026, spd_all(IID_2026, 2), innovations)
    assert index.exact == 65 and (index.iid, index.predikat) == (Decimal("65.00"), "Inovatif")
    # One point more: SID = 4213 / 40 + 15.2 = 120.525; IID = 162.525 / 2.5 = 65.01.
    innovations[39] = empty("i39", BASIC[39 % 6], bimtek=Claim(1))
    index = region_index(IID_2026, spd_all(IID_2026, 2), innovations)
    assert index.exact == Fraction("65.01")
    assert (index.iid, index.predikat) == (Decimal("65.01"), "Sangat Inovatif")


def test_2023_band_boundary_60_00_is_inovatif_60_01_sangat_inovatif():
    # SPD 42 + 4 weight-1 rows one level higher = 46; 32 x 111 = 3552 points over 40 innovations;
    # SID = 3552 / 40 + 15.2 = 104; IID = (46 + 104) / 2.5 = 60.00.
    index = region_index(IID_2023, spd_all(IID_2023, 2, raised=4), forty(IID_2023, 32))
    assert (index.spd, index.iid, index.predikat) == (46, Decimal("60.00"), "Inovatif")
    # One point more: SID = 3553 / 40 + 15.2 = 104.025; IID = 150.025 / 2.5 = 60.01.
    index = region_index(IID_2023, spd_all(IID_2023, 2, raised=4), forty(IID_2023, 32, one_point_more=True))
    assert (index.iid, index.predikat) == (Decimal("60.01"), "Sangat Inovatif")


def test_the_iid_is_rounded_once_half_up():
    # SPD 1 (one weight-1 row at level 1); no innovations: IID = 1 / 2.5 = 0.40.
    row = next(r.key for r in IID_2026.spd if r.weight == 1)
    assert region_index(IID_2026, {row: 1}, []).iid == Decimal("0.40")
    # bimtek at level 1 on one innovation: SID = 1 / 12; IID = 1 / 12 / 2.5 = 1/30 = 0.0333... -> 0.03.
    index = region_index(IID_2026, {}, [empty("x", bimtek=Claim(1))])
    assert index.exact == Fraction(1, 30) and index.iid == Decimal("0.03")
    # 16 innovations (gate not met), one point: SID = 1 / 16; IID = 1 / 16 / 2.5 = 0.025 exactly,
    # shown 0.03 (half up, not half even).
    innovations = [empty("x", bimtek=Claim(1))] + [empty(f"y{n}") for n in range(15)]
    index = region_index(IID_2026, {}, innovations)
    assert index.exact == Fraction("0.025") and index.iid == Decimal("0.03")


def test_nothing_is_tidak_dapat_dinilai():
    index = region_index(IID_2026, {}, [])
    assert (index.iid, index.predikat, index.short_of_divisor) == (Decimal("0.00"), "Tidak Dapat Dinilai", 12)


def test_unknown_rows_and_indicators_are_refused():
    with pytest.raises(ValueError, match="spd.nope: not a row of iid_2026"):
        region_index(IID_2026, {"nope": 1}, [])
    with pytest.raises(ValueError, match="x.nope: not an indicator of iid_2026"):
        region_index(IID_2026, {}, [empty("x", nope=Claim(1))])
    with pytest.raises(ValueError, match="x: two innovations have this key"):
        region_index(IID_2026, {}, [empty("x"), empty("x")])
    with pytest.raises(ValueError, match="level 4 is outside 0-3"):
        Claim(4)


@pytest.mark.parametrize("put_into_use, words, problems", [
    (date(2024, 1, 1), 300, ()),
    (date(2025, 12, 31), 450, ()),
    (date(2023, 12, 31), 300, ("put_into_use: put into use in 2023, not within 2024-2025",)),
    (date(2026, 2, 1), 300, ("put_into_use: put into use in 2026, not within 2024-2025",)),
    (None, 299, ("put_into_use: the date it was put into use is missing",
                 "rancang_bangun: 299 words, at least 300 needed")),
])
def test_eligibility_in_use_in_the_two_preceding_years_with_300_words(put_into_use, words, problems):
    result = eligibility(IID_2026, put_into_use, " ".join(["kata"] * words), measured_in=2026)
    assert result.problems == problems and result.eligible is (not problems)


@pytest.mark.parametrize("written", ["Perumahan Rakyat dan Kawasan Permukiman", "PERKIM", "perumahan  rakyat",
                                     "Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat"])
def test_an_urusan_counts_under_its_full_name_or_abbreviation(written):
    from competition.iid.index import basic_urusan_of
    assert basic_urusan_of(IID_2026, written) in (BASIC[3], BASIC[4])


def test_an_urusan_that_only_starts_like_a_basic_one_does_not_count():
    from competition.iid.index import basic_urusan_of
    assert basic_urusan_of(IID_2026, "Pendidikan dan Pelatihan Aparatur") is None
    assert basic_urusan_of(IID_2026, "Statistik") is None


def test_aliases_must_name_a_basic_urusan():
    import tomllib

    from competition.iid.model import MODELS, ModelProblems, parse_model
    data = tomllib.loads((MODELS / "iid_2026.toml").read_text(encoding="utf-8"))
    data["count"]["aliases"] = {"pariwisata": ["wisata"]}
    with pytest.raises(ModelProblems, match="count.aliases"):
        parse_model(data)
