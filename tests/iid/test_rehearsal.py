"""The IID rehearsal through the pages: claimed, verified and the regional rows, hand-computed.

The region: the Bappeda sets every regional row at level 2 (21 weight points x 2 = 42). Two
submitted innovations put into use in 2025:

- Si-Sehat (Dinas Kesehatan) claims 16 regulasi (weight 3) at 3 and 35 video (weight 4) at 2 with
  evidence, and 17 sdm (weight 2) at 1 without evidence: 9 + 8 + 0 = 17 points claimed. The
  verifier confirms regulasi at 3 and sdm at 1 (still without evidence: 0) and lowers video to 1:
  9 + 4 + 0 = 13 points verified.
- Rapor Digital (Dinas Pendidikan) claims 33 kemanfaatan (weight 3) at 3 with evidence, claimed by the
  organiser: 9 points claimed, none verified.

2 innovations in 2 basic urusan: the gate is not met, no count score.
- 2026 (divide by 12): claimed (42 + 26/12) / 2.5 = 17.666.. -> 17.67; verified (42 + 13/12) / 2.5 =
  17.2333.. -> 17.23. Kurang Inovatif both.
- 2023 (divide by 10): claimed (42 + 2.6) / 2.5 = 17.84; verified (42 + 1.3) / 2.5 = 17.32.
"""

from __future__ import annotations

import csv
import html as markup
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.iid.queries import iid_model
from competition.models import AuditEvent, Evidence, IndicatorLevel, RegionLevel
from tests.factories import make_competition, make_entry, make_organisation, make_user, words
from tests.web.pages import page, sign_in

IN_USE = date(2025, 3, 1)
TRIAL = date(2024, 9, 1)


class Region:
    def __init__(self):
        self.competition = make_competition(name="Lomba Inovasi 2026", year=2026)
        region = self.competition.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        self.dindik = make_organisation(region, "Dinas Pendidikan")
        inspektorat = make_organisation(region, "Inspektorat")
        self.organiser = make_user(self.competition, "organiser", name="Bappeda")
        self.operator = make_user(self.competition, "submitter", organisation=self.dinkes,
                                  name="Operator Dinkes")
        self.dindik_operator = make_user(self.competition, "submitter", organisation=self.dindik)
        self.verifier = make_user(self.competition, "verifier", organisation=inspektorat, name="Verifikator")
        self.dinkes_verifier = make_user(self.competition, "verifier", organisation=self.dinkes)
        self.judge = make_user(self.competition, "judge")
        self.sehat = make_entry(self.competition, self.dinkes, status="submitted", title="Si-Sehat",
                                urusan="Kesehatan", implemented_on=IN_USE, trial_started_on=TRIAL)
        self.rapor = make_entry(self.competition, self.dindik, status="submitted", title="Rapor Digital",
                                urusan="Pendidikan", implemented_on=IN_USE, trial_started_on=TRIAL)
        self.draft = make_entry(self.competition, self.dinkes, title="Masih draf", implemented_on=IN_USE,
                                trial_started_on=TRIAL)
        self.sehat_evidence = self.sehat.evidence[0].id
        self.rapor_evidence = self.rapor.evidence[0].id


@pytest.fixture
def region(app):
    return Region()


def claim_form(model_name="iid_2026", **levels):
    """Every indicator at 0 without evidence, but ``levels`` (key=(level, evidence id or ""))."""
    form = {"do": "claim", "model": model_name}
    assert set(levels) <= {indicator.key for indicator in iid_model(model_name).sid}
    for indicator in iid_model(model_name).sid:
        level, evidence = levels.get(indicator.key, (0, ""))
        form[f"level-{indicator.key}"] = str(level)
        form[f"evidence-{indicator.key}"] = str(evidence)
    return form


def set_everything_up(client, region):
    sign_in(client, region.organiser)
    spd = {f"level-{row.key}": "2" for row in iid_model("iid_2026").spd}
    assert client.post(f"/competitions/{region.competition.id}/iid/region",
                       data={"model": "iid_2026", **spd}).status_code == 302
    assert client.post(f"/innovations/{region.rapor.id}/iid",
                       data=claim_form(kemanfaatan=(3, region.rapor_evidence))).status_code == 302
    client.post("/logout")
    sign_in(client, region.operator)
    assert client.post(f"/innovations/{region.sehat.id}/iid", data=claim_form(
        regulasi=(3, region.sehat_evidence), video=(2, region.sehat_evidence),
        sdm=(1, ""))).status_code == 302
    client.post("/logout")
    sign_in(client, region.verifier)
    verified = client.post(f"/innovations/{region.sehat.id}/iid", data={
        "do": "verify", "model": "iid_2026", "verified-regulasi": "3", "note-regulasi": "",
        "verified-video": "1", "note-video": "Video 1 menit tanpa narasi",
        "verified-sdm": "1", "note-sdm": ""})
    assert verified.status_code == 302
    client.post("/logout")


def figures(html: str) -> list[tuple[str, str]]:
    iids = re.findall(r"data-iid>([^<]+)<", html)
    predikat = re.findall(r"data-predikat>([^<]+)<", html)
    return list(zip(iids, predikat, strict=True))


@pytest.mark.parametrize(("model", "claimed", "verified"), [
    ("iid_2026", "17.67", "17.23"), ("iid_2023", "17.84", "17.32")])
def test_claimed_and_verified_index_by_hand_under_both_presets(client, region, model, claimed, verified):
    set_everything_up(client, region)
    sign_in(client, region.organiser)
    html = page(client.get(f"/competitions/{region.competition.id}/iid", query_string={"model": model}))
    assert figures(html) == [(claimed, "Kurang Inovatif"), (verified, "Kurang Inovatif")]
    assert "Si-Sehat" in html and "Rapor Digital" in html
    assert "Masih draf" not in html  # another OPD's draft is not the organiser's to see


def test_a_level_confirmed_without_evidence_scores_nothing(client, region):
    set_everything_up(client, region)
    row = db.session.scalar(select(IndicatorLevel).where(IndicatorLevel.entry_id == region.sehat.id,
                                                         IndicatorLevel.indicator == "sdm"))
    assert (row.claimed_level, row.verified_level, row.evidence_id) == (1, 1, None)
    sign_in(client, region.operator)
    html = page(client.get(f"/innovations/{region.sehat.id}/iid"))
    assert "Points claimed: 17 of 111; verified: 13." in html
    assert "Without evidence this level scores 0." in html


def stored_levels(entry):
    return {row.indicator: (row.claimed_level, row.evidence_id, row.verified_level, row.verified_note)
            for row in db.session.scalars(select(IndicatorLevel).where(IndicatorLevel.entry_id == entry.id))}


def test_a_verifier_cannot_raise_a_level_above_the_claim_and_nothing_is_stored(client, region):
    set_everything_up(client, region)
    before = stored_levels(region.sehat)
    sign_in(client, region.verifier)
    refused = client.post(f"/innovations/{region.sehat.id}/iid", data={
        "do": "verify", "verified-regulasi": "3", "verified-video": "3", "verified-sdm": "1"})
    assert refused.status_code == 422
    assert "Choose a level from 0 to the claimed 2." in page(refused)
    assert stored_levels(region.sehat) == before


def test_lowering_a_level_needs_a_note(client, region):
    set_everything_up(client, region)
    before = stored_levels(region.sehat)
    sign_in(client, region.verifier)
    refused = client.post(f"/innovations/{region.sehat.id}/iid", data={
        "do": "verify", "verified-regulasi": "2", "note-regulasi": "  ", "verified-video": "1",
        "note-video": "Video 1 menit tanpa narasi", "verified-sdm": "1"})
    assert refused.status_code == 422
    assert "Say why the level is lowered." in page(refused)
    assert stored_levels(region.sehat) == before


def test_changing_a_claim_asks_the_verifier_to_look_again_and_is_audited(client, region):
    set_everything_up(client, region)
    sign_in(client, region.operator)
    assert client.post(f"/innovations/{region.sehat.id}/iid", data=claim_form(
        regulasi=(3, region.sehat_evidence), video=(3, region.sehat_evidence),
        sdm=(1, ""))).status_code == 302
    levels = stored_levels(region.sehat)
    assert levels["video"] == (3, region.sehat_evidence, None, "")            # verification taken back
    assert levels["regulasi"] == (3, region.sehat_evidence, 3, "")            # unchanged claim keeps it
    kinds = dict(db.session.execute(select(AuditEvent.kind, func.count()).where(
        AuditEvent.kind.like("iid.%")).group_by(AuditEvent.kind)).all())
    assert kinds == {"iid.region_set": 1, "iid.claimed": 3, "iid.verified": 1}
    last = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "iid.claimed")
                              .order_by(AuditEvent.id.desc())).first()
    assert last.details["levels"] == {"video": {"level": 3, "evidence_id": region.sehat_evidence}}


def test_evidence_of_another_innovation_is_refused(client, region):
    sign_in(client, region.operator)
    refused = client.post(f"/innovations/{region.sehat.id}/iid",
                          data=claim_form(regulasi=(3, region.rapor_evidence)))
    assert refused.status_code == 422
    assert "Choose one of this innovation's evidence." in markup.unescape(page(refused))
    assert stored_levels(region.sehat) == {}


def test_removing_the_evidence_leaves_the_level_scoring_nothing(client, region):
    set_everything_up(client, region)
    db.session.delete(db.session.get(Evidence, region.sehat_evidence))
    db.session.commit()
    db.session.expire_all()
    assert {key: level[1] for key, level in stored_levels(region.sehat).items()} == {
        "regulasi": None, "video": None, "sdm": None}
    sign_in(client, region.organiser)
    html = page(client.get(f"/competitions/{region.competition.id}/iid"))
    # Only Rapor Digital's 9 claimed points and no verified ones are left: (42 + 9/12) / 2.5 = 17.10.
    assert figures(html) == [("17.10", "Kurang Inovatif"), ("16.80", "Kurang Inovatif")]


@pytest.mark.parametrize(("person", "path", "status"), [
    ("dindik_operator", "/innovations/{sehat}/iid", 404),      # another OPD's innovation
    ("judge", "/competitions/{competition}/iid", 403),
    ("judge", "/innovations/{sehat}/iid", 404),
    ("verifier", "/competitions/{competition}/iid", 403),
    ("operator", "/competitions/{competition}/iid/region", 403),
    ("operator", "/competitions/{competition}/iid/export.csv", 200),
])
def test_who_may_open_what(client, region, person, path, status):
    sign_in(client, getattr(region, person))
    url = path.format(sehat=region.sehat.id, competition=region.competition.id)
    assert client.get(url).status_code == status


def test_a_verifier_of_the_innovations_own_opd_may_not_verify_it(client, region):
    set_everything_up(client, region)
    sign_in(client, region.dinkes_verifier)
    assert client.post(f"/innovations/{region.sehat.id}/iid", data={
        "do": "verify", "verified-regulasi": "0", "note-regulasi": "x"}).status_code == 403
    assert stored_levels(region.sehat)["regulasi"][2] == 3


def test_an_operator_may_not_verify_nor_claim_for_another_opd(client, region):
    sign_in(client, region.operator)
    assert client.post(f"/innovations/{region.sehat.id}/iid", data={"do": "verify"}).status_code == 403
    assert client.post(f"/innovations/{region.rapor.id}/iid", data=claim_form()).status_code == 404


def test_an_opd_sees_its_own_innovations_with_the_regions_index(client, region):
    set_everything_up(client, region)
    sign_in(client, region.operator)
    html = page(client.get(f"/competitions/{region.competition.id}/iid"))
    assert figures(html) == [("17.67", "Kurang Inovatif"), ("17.23", "Kurang Inovatif")]
    assert "Si-Sehat" in html and "Masih draf" in html and "Rapor Digital" not in html
    assert "Not counted: not submitted yet" in html


def test_the_page_names_the_missing_urusan_and_the_innovations_short_of_the_divisor(client, region):
    set_everything_up(client, region)
    sign_in(client, region.organiser)
    html = page(client.get(f"/competitions/{region.competition.id}/iid"))
    gate = re.search(r'id="missing-urusan">([^<]+)<', html).group(1)
    assert gate == ("pekerjaan umum, perumahan rakyat, ketenteraman, ketertiban umum dan pelindungan "
                    "masyarakat, sosial")
    assert "10 more innovations are needed before the scores are no longer divided by 12" in html
    # The greatest single gain on the verified index: video (weight 4) of either innovation from
    # 0 or 1 to 3: Rapor Digital's 0 -> 3 is 4 x 3 / 12 / 2.5 = 0.40 IID points.
    first = re.search(r'id="upgrades".*?<tbody>\s*<tr>(.*?)</tr>', html, re.S).group(1)
    assert "Rapor Digital" in first and "35. " in first and "+0.40" in first


def test_export_lists_every_indicator_of_every_innovation_in_the_forms_order(client, region):
    set_everything_up(client, region)
    sign_in(client, region.organiser)
    response = client.get(f"/competitions/{region.competition.id}/iid/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["No. inovasi", "Inovasi"]
    assert len(rows) == 1 + 2 * 20
    sehat = [row for row in rows[1:] if row[1] == "Si-Sehat"]
    assert [row[5] for row in sehat] == [str(n) for n in range(16, 36)]
    assert sehat[-1][8:] == ["2", sehat[-1][9], "SK Inovasi", "1", "Video 1 menit tanpa narasi", "4"]
    xlsx = client.get(f"/competitions/{region.competition.id}/iid/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_a_wrong_regional_level_names_the_row_and_stores_nothing(client, region):
    sign_in(client, region.organiser)
    spd = {f"level-{row.key}": "2" for row in iid_model("iid_2026").spd} | {"level-spd_1a": "7"}
    refused = client.post(f"/competitions/{region.competition.id}/iid/region", data=spd)
    assert refused.status_code == 422
    assert 'id="error-spd_1a"' in page(refused)
    assert db.session.scalar(select(func.count()).select_from(RegionLevel)) == 0


def test_an_unknown_model_is_not_found(client, region):
    sign_in(client, region.organiser)
    assert client.get(f"/competitions/{region.competition.id}/iid", query_string={"model": "iid_1999"}
                      ).status_code == 404


def test_an_innovation_put_into_use_this_year_does_not_count(client, region):
    sign_in(client, region.organiser)
    region.rapor.implemented_on = date(2026, 2, 1)
    db.session.commit()
    html = page(client.get(f"/competitions/{region.competition.id}/iid"))
    assert "put into use in 2026, not in 2024-2025" in html



def test_a_short_rancang_bangun_does_not_count(client, region):
    sign_in(client, region.organiser)
    region.rapor.rancang_bangun = words(120)
    db.session.commit()
    assert "rancang bangun of 120 words, 300 needed" in page(client.get(
        f"/competitions/{region.competition.id}/iid"))
