"""Every form of the app, sent junk: huge numbers, NaN and infinity, NUL characters, very long and
unusual texts, wrong types, empty and missing fields, fields the form does not have. No request
may end in a server error, and after every refusal the database must be as it was.

Each route that accepts POST, and each page that reads its query string, is signed in as a user
who may use it and sent generated requests (hypothesis, with a fixed seed so that a run is
repeatable): what a person would send, with up to three fields sent as junk or left out. A
refusal is a 4xx answer, a form shown again (200 to a POST), or a redirect whose only messages
are warnings; after one, no row may have been written and kept (every INSERT, UPDATE and DELETE
that changed a row is followed to the COMMIT, savepoints included) and every table must hold as
many rows as before.
"""

from __future__ import annotations

import io
import random
import string
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, union_all
from werkzeug.datastructures import MultiDict

from competition.competitions.operations import add_category
from competition.extensions import db
from competition.judging.operations import add_criterion, add_round, assign_judge, create_panel
from competition.judging.rounds import open_round
from competition.judging.scoring import confirm_scores, save_scores
from competition.models import Notification
from competition.models.types import utcnow
from competition.people.operations import password_reset_token
from competition.people.throttling import limiter_of
from competition.results.operations import add_award, seal_results
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user
from tests.results.test_views import Contest

EXAMPLES_PER_ROUTE = 40
# Routes whose refusal may legitimately record something: signing in and asking for a reset
# link answer alike whether or not the account exists, and may count attempts or send mail.
MAY_RECORD = {"auth.login", "auth.forgot_password"}
# A session's last request is noted on any request, a refused one too, once a minute has passed
# since the last note (competition/people/sessions.py): a run longer than a minute meets it.
NOTED_ON_ANY_REQUEST = "UPDATE user_session SET last_seen_at="
# Routes that answer a successful POST with a page (200) rather than a redirect.
# A judge's sheet with some values refused keeps the valid ones and answers 200 with the page.
SUCCESS_PAGES = {"people.import_file", "tokens.index", "scoring.save"}
# Pages that read their query string.
READS_QUERY = {"auth.login", "people.index", "verification.queue", "verification.bulk_confirm",
               "panels.index", "panels.assignments", "results.preview", "results.version", "messages.index"}

# -- what is sent -------------------------------------------------------------------------------------

NASTY = ["", " ", "\x00", "a\x00b", "\r\n", "line\nbreak", "x" * 300, "x" * 2_100, "y" * 25_000, "😀" * 40,
         "<script>alert(1)</script>", '=HYPERLINK("x","y")', "=1+2", "@x", "\t", "\u202e", "true", "None",
         "[]", "{}", "../../etc/passwd", "%00", "'; DROP TABLE entry; --", "2026-02-30", "0001-01-01T00:00",
         "9999-12-31T23:59", "0001-01-01", "abc"]
NUMERIC = ["nan", "NaN", "inf", "-inf", "Infinity", "1e28", "-1e28", "1e400", "1e-30", "0.000000000000001",
           "-1", "0", "-0", "+5", "9" * 30, str(2 ** 63), str(-(2 ** 63)), str(2 ** 63 - 1), str(2 ** 31),
           "2147483647", "1_0", "٣", "²", "0x10", "1,5", "1.5", "80,5", "1.000.000", "1e3", "", " 7 ",
           "3.14159"]


def made_up(rng: random.Random) -> str:
    """Junk of no list: random text (any character but a surrogate), a huge whole number, a float."""
    kind = rng.randrange(3)
    if kind == 0:
        return "".join(chr(rng.choice((rng.randint(32, 126), rng.randint(0xA0, 0xD7FF),
                                       rng.randint(0xE000, 0x10FFFF), rng.randint(0, 31))))
                       for _ in range(rng.randint(1, 40)))
    if kind == 1:
        return str(rng.randint(-(2 ** 70), 2 ** 70))
    return repr(rng.choice((float("nan"), float("inf"), -float("inf"), rng.uniform(-1e300, 1e300),
                            rng.random())))


@dataclass(frozen=True)
class Field:
    """A form field: the values a person would send (``plausible``, where "{n}" becomes a number,
    for names that must differ), or junk (``numeric``: mostly junk numbers); ``many`` for a list."""

    plausible: tuple[str, ...] = ("",)
    many: bool = False
    numeric: bool = False

    def value(self, rng: random.Random) -> Any:
        one = lambda: rng.choice(self.plausible).replace("{n}", str(rng.randint(1, 10 ** 6)))  # noqa: E731
        return [one() for _ in range(rng.randint(1, 3))] if self.many else one()

    def junk(self, rng: random.Random) -> Any:
        def one() -> str:
            if rng.random() < 0.25:
                return made_up(rng)
            return rng.choice(NUMERIC if self.numeric and rng.random() < 0.7 else NASTY + NUMERIC)
        if self.many:
            return [one() if rng.random() < 0.5 else self.value(rng)[0] for _ in range(rng.randint(0, 6))]
        return one()


class File:
    """An uploaded file: a name of some kind, and content that is sometimes what it claims."""

    NAMES = ("sk.pdf", "data.csv", "data.xlsx", "foto.png", "x", "../../x.pdf", "😀.docx", "x" * 300 + ".pdf",
             ".csv")
    BODIES = (b"%PDF-1.7\n%%EOF\n", b"email,name\nx\x00@y.id,Nama\n", b"email,name,organisation,role\n",
              b"email,name\nbaru@example.go.id," + b"n" * 200 + b"\n",
              b"name,short_name,parent\nDinas Baru,,\n",
              b"PK\x03\x04garbage", b"\xff\xfe\x00\x00", b"name\n" + b"Dinas\n" * 30)

    def value(self, rng: random.Random) -> tuple[io.BytesIO, str]:
        body = rng.choice(self.BODIES) if rng.random() < 0.7 else rng.randbytes(rng.randint(0, 200))
        return io.BytesIO(body), rng.choice(self.NAMES)

    junk = value


def text(*examples: str) -> Field:
    return Field(examples or ("Inovasi {n}",))


def choice(*values: str) -> Field:
    return Field(values)


def ids(*values: int | str, many: bool = False) -> Field:
    return Field(tuple(str(v) for v in values), many=many, numeric=True)


NUMBER = Field(("80", "80,5", "0", "100", "30", "1"), numeric=True)
WHOLE = Field(("1", "2", "3", "5", "10"), numeric=True)
DATE = Field(("2025-01-06", "2026-06-02", ""))
MOMENT = Field(("2026-12-01T10:00", "2027-01-15T12:00", "2027-02-01T09:00", "2027-03-01T09:00"))
TICK = Field(("y", "1", ""))

ENTRY_FIELDS = {
    "title": text("Inovasi {n}"), "inisiator": choice("kepala_daerah", "asn", "masyarakat"),
    "tahapan": choice("inisiatif", "penerapan"), "jenis": choice("digital", "non_digital"),
    "bentuk": choice("tata_kelola", "pelayanan_publik"), "urusan": text("Kesehatan"),
    "urusan_terkait": text("Pendidikan"), "trial_started_on": DATE, "implemented_on": DATE,
    "rancang_bangun": text("Masalah, langkah dan hasil."), "tujuan": text("Warga terlayani."),
    "manfaat": text("Lebih cepat."), "hasil": text("Turun 40%."),
    "anggaran_rupiah": Field(("12.500.000", "0", "150000000"), numeric=True)}
ROUND_FIELDS = {
    "name": text("Presentasi {n}"), "template": TICK, "aggregation": choice("mean", "median", "trimmed_mean"),
    "normalise": TICK, "blind": TICK,
    "advancement": choice("all", "top_n", "top_n_per_category", "min_score"),
    "advancement_count": WHOLE, "advancement_min_score": NUMBER, "weight": NUMBER, "judges_per_entry": WHOLE,
    "judge_cap": WHOLE}
CRITERION_FIELDS = {
    "name": text("Kriteria {n}"), "weight": NUMBER, "guidance": text("Seberapa baru."),
    "scale": choice("numeric", "levels"), "min_value": NUMBER, "max_value": NUMBER, "step": NUMBER,
    "levels": text("1=Perkada\n2=Perwali\n3=Perda", "3=Perda\n1=Perkada"), "independent": TICK}
AWARD_FIELDS = {
    "name": text("Penghargaan {n}"), "subject": choice("innovation", "organisation", "region"),
    "positions": WHOLE, "policy": choice("index", "sum", "mean"), "index_floor": WHOLE, "count_bonus": NUMBER,
    "count_bonus_cap": WHOLE, "citation": text("Selamat.")}
MESSAGE_FIELDS = {
    "audience": choice("opds", "opds_without_submission", "judges"),
    "template": choice("pengingat_batas_waktu", "undangan_penganugerahan", "pesan_bebas"),
    "subject": text("Rapat {kompetisi}", "Pengingat {nama} {n}", "{tanggal}", "{nama"),
    "body": text("Yth. {nama} ({opd}),\nbatas {batas_waktu}. {tautan} {n}", "{{x}} {tahun}", "{nama!r}")}
TIMELINE_FIELDS = {name: MOMENT for name in ("submission_opens_at", "submission_closes_at",
                                             "verification_closes_at", "judging_closes_at")}


# -- the world the requests are sent into ---------------------------------------------------------------

@dataclass
class Route:
    endpoint: str
    user: str | None            # the World attribute of the user signed in; None: nobody
    args: dict[str, Any]
    fields: dict[str, Any]
    method: str = "POST"


class World:
    """An open competition with a draft, a submitted innovation, a round being set up and spare
    things to remove; a competition being judged, with an open round where the judge has a draft
    sheet and a confirmed one; and a competition whose results are sealed."""

    def __init__(self) -> None:
        self.open = make_competition(name="Lomba Terbuka", categories=("Pelayanan Publik", "Tata Kelola"))
        region = self.open.region
        self.dinkes = make_organisation(region, "Dinas Kesehatan")
        bappeda = make_organisation(region, "Bappeda")
        self.organiser = make_user(self.open, "organiser", organisation=bappeda, name="Panitia")
        self.operator = make_user(self.open, "submitter", organisation=self.dinkes, name="Operator")
        self.verifier = make_user(self.open, "verifier", organisation=bappeda, name="Verifikator")
        self.guest = make_user(self.open, "judge", name="Tamu")
        self.forgetful = make_user(self.open, "judge", name="Lupa Sandi")
        self.draft = make_entry(self.open, self.dinkes, title="Posyandu Digital", created_by=self.operator)
        self.submitted = make_entry(self.open, self.dinkes, title="Antrean Daring", status="submitted")
        self.link = self.draft.evidence[0]
        self.notification = Notification(user=self.operator, entry=self.draft, message="Dikembalikan")
        db.session.add(self.notification)
        self.round = add_round(self.open, self.organiser, name="Dokumen")
        add_criterion(self.round, self.organiser, name="Kebaharuan", weight=60)
        self.spare_criterion = add_criterion(self.round, self.organiser, name="Cadangan", weight=10)
        self.spare_category = add_category(self.open, self.organiser, "Cadangan")
        self.spare_award = add_award(self.open, self.organiser, name="Cadangan")
        self.other = make_competition(name="Lomba Lain", categories=("Lain",))
        self._judging()
        self.sealed = Contest(name="Lomba Tahun Lalu")
        self.sealed.close_judging()
        seal_results(self.sealed.competition, self.sealed.organiser)
        self.sealed_organiser = self.sealed.organiser
        db.session.commit()

    def _judging(self) -> None:
        now = utcnow()
        self.judged = make_competition(name="Lomba Dinilai", submission_opens_at=now - timedelta(days=40),
                                       submission_closes_at=now - timedelta(days=20),
                                       verification_closes_at=now - timedelta(days=2), phase="judging")
        self.judging_organiser = make_user(self.judged, "organiser", name="Panitia Penilaian")
        self.judge = make_user(self.judged, "judge", name="Juri")
        organisation = make_organisation(self.judged.region, "Dinas Kominfo")
        entries = [make_entry(self.judged, organisation, title=f"Inovasi {i}", status="verified")
                   for i in (1, 2)]
        self.judging_round = add_round(self.judged, self.judging_organiser, name="Presentasi")
        self.novelty = add_criterion(self.judging_round, self.judging_organiser, name="Kebaharuan", weight=60)
        self.levels = add_criterion(self.judging_round, self.judging_organiser, name="Regulasi", weight=40,
                                    scale="levels", levels=[(1, "Perkada"), (3, "Perda")])
        create_panel(self.judging_round, self.judging_organiser, name="Tim A", judges=[self.judge])
        self.sheet, self.confirmed = (assign_judge(self.judging_round, e, self.judge, self.judging_organiser)
                                      for e in entries)
        open_round(self.judging_round, self.judging_organiser)
        save_scores(self.confirmed, self.judge, {self.novelty.id: 80, self.levels.id: 3})
        confirm_scores(self.confirmed, self.judge)

    def routes(self) -> list[Route]:
        """Every route, in an order that keeps those that end things (a phase change, closing a
        round, signing out) for last."""
        return [*self._entry_routes(), *self._people_routes(), *self._setup_routes(),
                *self._judging_routes(), *self._results_routes(), *self._last_routes()]

    def _entry_routes(self) -> list[Route]:
        draft, submitted = self.draft.id, self.submitted.id
        categories = ids("", *(c.id for c in self.open.categories), self.other.categories[0].id)
        checklist = {f"{kind}-{key}": TICK if kind == "check" else text("Lengkap.")
                     for kind in ("check", "note") for key in ("identity", "evidence", "budget")}
        return [
            Route("auth.login", None, {}, {"email": text("user{n}@example.go.id"), "password": text(PASSWORD),
                                           "next": text("/innovations", "https://evil.example/")}),
            Route("auth.login", None, {}, {"next": text("/", "//evil.example")}, method="GET"),
            Route("auth.forgot_password", None, {}, {"email": text(self.guest.email)}),
            Route("auth.reset_password", None, {"token": password_reset_token(self.forgetful)},
                  {"new": text("kata-sandi-baru"), "repeat": text("kata-sandi-baru")}),
            Route("auth.welcome", None, {"token": password_reset_token(self.forgetful, purpose="invitation")},
                  {"new": text("kata-sandi-baru"), "repeat": text("kata-sandi-baru")}),
            Route("auth.password", "guest", {}, {"current": text(PASSWORD), "new": text("kata-sandi-baru"),
                                                 "repeat": text("kata-sandi-baru")}),
            Route("auth.language", "operator", {},
                  {"language": choice("id", "en"), "next": text("/", "//x")}),
            Route("tokens.index", "operator", {},
                  {"name": text("Skrip {n}"), "scopes": Field(("read", "write", "judge"), many=True),
                   "days": WHOLE}),
            Route("tokens.revoke", "operator", {"token_id": 1}, {}),
            Route("innovations.new", "operator", {"competition_id": self.open.id},
                  {**ENTRY_FIELDS, "category_id": categories}),
            Route("innovations.edit", "operator", {"entry_id": draft},
                  {**ENTRY_FIELDS, "category_id": categories, "version": ids("", "1", "2")}),
            Route("innovations.add_evidence", "operator", {"entry_id": draft},
                  {"files": File(), "url": text("https://example.go.id/video/{n}"), "title": text("Video"),
                   "indicator": text("Regulasi")}),
            Route("innovations.act", "operator", {"entry_id": draft, "trigger": "submit"},
                  {"comment": text("Mohon diperiksa."), "version": ids("", "1")}),
            Route("notifications.mark_read", "operator", {}, {}),
            Route("notifications.open_notification", "operator",
                  {"notification_id": self.notification.id}, {}),
            Route("innovations.delete_evidence", "operator",
                  {"entry_id": draft, "evidence_id": self.link.id}, {}),
            Route("verification.queue", "verifier", {},
                  {"status": choice("submitted", "verified"), "organisation": ids(self.dinkes.id),
                   "category": categories}, method="GET"),
            Route("verification.bulk_confirm", "verifier", {}, {"entry": ids(submitted, many=True)},
                  method="GET"),
            Route("verification.decide", "verifier",
                  {"entry_id": submitted, "trigger": "return_for_revision"},
                  {"comment": text("", "Lengkapi SK."), "version": ids("", "1"), **checklist}),
            Route("verification.bulk_verify", "verifier", {},
                  {"entry": ids(submitted, many=True), f"version-{submitted}": ids("1", "2")}),
            Route("iid.innovation", "operator", {"entry_id": draft},
                  {"do": choice("claim", "claim", "verify"), "model": choice("iid_2026", "iid_2023"),
                   **{f"level-{key}": ids("0", "1", "3") for key in ("regulasi", "video", "sdm")},
                   **{f"evidence-{key}": ids("", self.link.id) for key in ("regulasi", "video")}}),
            Route("iid.innovation", "verifier", {"entry_id": submitted},
                  {"do": choice("verify"), "verified-regulasi": ids("0", "1"),
                   "note-regulasi": text("", "Kurang.")}),
            Route("iid.region", "organiser", {"competition_id": self.open.id},
                  {"model": choice("iid_2026"), **{f"level-spd_{row}": ids("0", "2", "3")
                                                   for row in ("1a", "1b", "2a", "6", "15")}}),
        ]

    def _people_routes(self) -> list[Route]:
        competition = ids(self.open.id, self.other.id)
        return [
            Route("people.index", "organiser", {}, {"q": text("dinkes"), "role": choice("judge", "submitter"),
                                                    "status": choice("active", "inactive")}, method="GET"),
            Route("people.new", "organiser", {},
                  {"name": text("Operator {n}"), "email": text("baru{n}@example.go.id"),
                   "organisation": ids(0, self.dinkes.id, self.judged.id), "competition": competition,
                   "roles": Field(("submitter", "judge", "verifier"), many=True),
                   "password": text("", "rahasia-456")}),
            Route("people.grant", "organiser", {"user_id": self.guest.id},
                  {"competition": competition, "role": choice("verifier", "judge")}),
            Route("people.invite", "organiser", {"user_id": self.guest.id}, {}),
            Route("people.import_file", "organiser", {},
                  {"kind": choice("users", "organisations"), "competition": competition, "file": File()}),
        ]

    def _setup_routes(self) -> list[Route]:
        competition = {"competition_id": self.open.id}
        round_ = {**competition, "round_id": self.round.id}
        categories = ids("0", *(c.id for c in self.open.categories), self.other.categories[0].id)
        return [
            Route("setup.new_competition", "organiser", {},
                  {"name": text("Lomba {n}"), "year": ids("2027", "2026"), "region": ids(self.open.region_id),
                   "categories": text("A\nB", ""), **TIMELINE_FIELDS}),
            Route("setup.clone_competition_", "sealed_organiser", {"source_id": self.sealed.competition.id},
                  {"name": text("Lomba {n}"), "year": ids("2027", "2026"), **TIMELINE_FIELDS}),
            Route("setup.timeline", "organiser", competition, TIMELINE_FIELDS),
            Route("setup.add_category_", "organiser", competition, {"name": text("Kategori {n}")}),
            Route("setup.rename_category_", "organiser",
                  {**competition, "category_id": self.spare_category.id},
                  {"name": text("Nama {n}")}),
            Route("setup.units_", "organiser", competition, {"units_compete": choice("own", "parent")}),
            Route("setup.new_round", "organiser", competition, ROUND_FIELDS),
            Route("setup.edit_round", "organiser", round_, ROUND_FIELDS),
            Route("setup.add_criterion_", "organiser", round_, CRITERION_FIELDS),
            Route("setup.edit_criterion", "organiser", {**round_, "criterion_id": self.spare_criterion.id},
                  CRITERION_FIELDS),
            Route("setup.move_criterion", "organiser", {**round_, "criterion_id": self.spare_criterion.id},
                  {"direction": choice("up", "down", "")}),
            Route("setup.apply_template", "organiser", round_, {"template": choice("iga_2023")}),
            Route("setup.awards", "organiser", competition, {**AWARD_FIELDS, "category": categories}),
            Route("setup.apply_band_preset", "organiser", competition,
                  {"preset": choice("iid_2026", "iid_2023")}),
            Route("setup.save_bands", "organiser", competition,
                  {"band_label": Field(("Sangat Inovatif", "Inovatif", ""), many=True),
                   "band_minimum": Field(("65", "40,5", ""), many=True, numeric=True)}),
            Route("setup.move_tie_break", "organiser", competition,
                  {"move": choice("top_marks:up", "earlier_submission:remove", "organiser_decision:add")}),
            Route("setup.save_scoring_rules", "organiser", competition,
                  {"disagreement_threshold": NUMBER, "one_award_per_organisation": TICK,
                   "opd_feedback": TICK}),
            Route("setup.remove_criterion_", "organiser",
                  {**round_, "criterion_id": self.spare_criterion.id}, {}),
            Route("setup.remove_category_", "organiser",
                  {**competition, "category_id": self.spare_category.id}, {}),
            Route("setup.remove_award_", "organiser", {**competition, "award_id": self.spare_award.id}, {}),
            Route("schedule.update", "organiser", competition,
                  {"open_submissions": TICK, "close_submissions": TICK, "start_judging": TICK,
                   "close_judging": TICK, "reminder_days": WHOLE}),
            Route("messages.index", "organiser", competition,
                  {"template": choice("pengingat_batas_waktu", "undangan_penganugerahan", "pesan_bebas")},
                  method="GET"),
            Route("messages.preview", "organiser", competition, MESSAGE_FIELDS),
            Route("messages.send", "organiser", competition,
                  {**MESSAGE_FIELDS, "batch": text("{n}", "0123456789abcdef0123456789abcdef")}),
        ]

    def _judging_routes(self) -> list[Route]:
        round_ = {"competition_id": self.judged.id, "round_id": self.judging_round.id}
        criteria = (self.novelty, self.levels)
        sheet = ({f"value-{c.id}": NUMBER for c in criteria}
                 | {f"comment-{c.id}": text("Baik.") for c in criteria})
        filters = {"panel": ids(1, 2), "category": ids(1, 2)}
        return [
            Route("scoring.save", "judge", {"assignment_id": self.sheet.id},
                  {**sheet, "then": choice("", "x")}),
            Route("scoring.conflict", "judge", {"assignment_id": self.sheet.id},
                  {"reason": text("", "Saudara.")}),
            Route("scoring.confirm_post", "judge", {"assignment_id": self.sheet.id}, {}),
            Route("panels.index", "judging_organiser", {"competition_id": self.judged.id},
                  {"round": ids(self.judging_round.id), "per_entry": WHOLE, "cap": WHOLE}, method="GET"),
            Route("panels.assignments", "judging_organiser", round_, filters, method="GET"),
            Route("panels.new_panel", "judging_organiser", round_,
                  {"name": text("Tim {n}"), "judges": ids(self.judge.id, many=True), "category": ids(0, 1)}),
            Route("panels.assign", "judging_organiser", round_, {"judges_per_entry": WHOLE, "cap": WHOLE}),
            Route("panels.add_assignment", "judging_organiser", round_,
                  {"entry": ids(self.sheet.entry_id), "judge": ids(self.judge.id, self.guest.id), **filters}),
            Route("panels.reopen", "judging_organiser",
                  {"competition_id": self.judged.id, "assignment_id": self.confirmed.id},
                  {"reason": text("", "Salah ketik.")}),
            Route("panels.remove", "judging_organiser",
                  {"competition_id": self.judged.id, "assignment_id": self.sheet.id}, filters),
        ]

    def _results_routes(self) -> list[Route]:
        competition = {"competition_id": self.sealed.competition.id}
        award = self.sealed.award.id
        tie = {f"order-{e.organisation_id}": ids("1", "2") for e in self.sealed.entries.values()}
        return [
            Route("results.preview", "sealed_organiser", competition,
                  {"innovations": WHOLE, "award": ids(award), "page": WHOLE}, method="GET"),
            Route("results.version", "sealed_organiser", {**competition, "version": 1},
                  {"award": ids(award), "page": WHOLE}, method="GET"),
            Route("results.decide_tie", "sealed_organiser", {**competition, "award_id": award},
                  {"place": WHOLE, "reason": text("Keputusan rapat pleno."), **tie}),
            Route("results.verify", "sealed_organiser", {**competition, "version": 1}, {}),
            Route("results.seal", "sealed_organiser", competition, {}),
            Route("results.publish", "sealed_organiser", {**competition, "version": 1}, {}),
            Route("ceremony.settings", "sealed_organiser", competition,
                  {"signatory_name": text("Vinanda Prameswati, S.H."),
                   "signatory_title": text("Wali Kota Kediri"),
                   "signatory_nip": text("19700101 199003 1 001"), "second_name": text("Bambang"),
                   "second_title": text("Kepala Bappeda"), "second_nip": text("197001011990031001"),
                   "place": text("Kediri"), "ceremony_date": text("2026-08-17"), "remove_logo": TICK}),
        ]

    def _last_routes(self) -> list[Route]:
        return [
            Route("panels.open_", "organiser",
                  {"competition_id": self.open.id, "round_id": self.round.id}, {}),
            Route("panels.close", "judging_organiser",
                  {"competition_id": self.judged.id, "round_id": self.judging_round.id}, {"force": TICK}),
            Route("setup.phase", "organiser",
                  {"competition_id": self.open.id, "trigger": "close_submissions"},
                  {"comment": text("Ditutup sesuai jadwal.")}),
            Route("people.revoke", "organiser",
                  {"user_id": self.guest.id, "membership_id": self.guest.memberships[0].id}, {}),
            Route("people.set_active", "organiser", {"user_id": self.guest.id}, {"active": choice("0", "1")}),
            Route("auth.logout", "operator", {}, {}),
            # Each accepted request draws a PDF (the job runs at once in tests): last, so that no
            # other person's session waits a minute behind it and is noted on a refused request.
            Route("ceremony.start_document", "sealed_organiser",
                  {"competition_id": self.sealed.competition.id, "award_id": self.sealed.award.id,
                   "document": "run_sheet"}, {}),
        ]


# -- watching the database --------------------------------------------------------------------------

@dataclass
class Writes:
    """Rows written and committed: each INSERT, UPDATE or DELETE that changed a row, unless a
    rollback (to a savepoint, or of everything) undid it before the COMMIT."""

    frames: list[list[str]] = field(default_factory=lambda: [[]])
    committed: list[str] = field(default_factory=list)

    def statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # A session's last request is noted on any request, a refused one too, at most once a
        # minute (competition.people.sessions): in a long run some refusal is bound to note it.
        if statement.lstrip().startswith("UPDATE user_session SET last_seen_at"):
            return
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") and cursor.rowcount != 0:
            self.frames[-1].append(statement.strip().split("\n")[0][:80])

    def savepoint(self, conn: Any, name: str) -> None:
        self.frames.append([])

    def release(self, conn: Any, name: str, context: Any) -> None:
        if len(self.frames) > 1:
            done = self.frames.pop()
            self.frames[-1].extend(done)

    def rollback_to(self, conn: Any, name: str, context: Any) -> None:
        if len(self.frames) > 1:
            self.frames.pop()

    def commit(self, conn: Any) -> None:
        self.committed.extend(w for frame in self.frames for w in frame)
        self.frames = [[]]

    def rollback(self, conn: Any) -> None:
        self.frames = [[]]

    HOOKS = {"after_cursor_execute": "statement", "savepoint": "savepoint", "release_savepoint": "release",
             "rollback_savepoint": "rollback_to", "commit": "commit", "rollback": "rollback"}

    @contextmanager
    def watching(self) -> Iterator[Writes]:
        for hook, method in self.HOOKS.items():
            event.listen(db.engine, hook, getattr(self, method))
        try:
            yield self
        finally:
            for hook, method in self.HOOKS.items():
                event.remove(db.engine, hook, getattr(self, method))


def row_counts() -> tuple[int, ...]:
    """Every table's number of rows, in one query."""
    counts = [select(func.count()).select_from(table) for table in db.metadata.sorted_tables]
    return tuple(db.session.execute(union_all(*counts)).scalars())


# -- sending -------------------------------------------------------------------------------------------

def form_values(rng: random.Random, fields: dict[str, Any]) -> dict[str, Any]:
    """What a person would send, mostly with one to three fields sent as junk or left out, and now
    and then a field the form does not have."""
    values = {name: spec.value(rng) for name, spec in fields.items()}
    for name in rng.sample(sorted(fields), min(len(fields), rng.choice((0, 1, 1, 1, 2, 2, 3)))):
        if rng.random() < 1 / 6:
            del values[name]
        else:
            values[name] = fields[name].junk(rng)
    if rng.random() < 0.2:
        values["".join(rng.choices(string.ascii_lowercase + "-_", k=rng.randint(1, 12)))] = made_up(rng)
    return values


def was_refused(route: Route, client: FlaskClient, status: int) -> bool:
    with client.session_transaction() as session:
        kinds = {kind for kind, _message in session.pop("_flashes", [])}
    if status >= 400 or route.method == "GET":
        return True   # a page never writes, whatever its query string says
    if status == 200:
        return route.endpoint not in SUCCESS_PAGES
    return bool(kinds & {"danger", "warning"}) and not kinds & {"success", "info"}


def send(app: Flask, route: Route, client: FlaskClient, values: dict[str, Any]) -> tuple[int, bool]:
    url = app.url_map.bind("localhost").build(route.endpoint, route.args)
    data: MultiDict[str, Any] = MultiDict()
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, item)
    if route.method == "GET":
        response = client.get(url, query_string=data)
    else:
        files = any(isinstance(v, tuple) for v in data.values())
        response = client.post(url, data=data, content_type="multipart/form-data" if files else None)
    return response.status_code, was_refused(route, client, response.status_code)


def fuzz(app: Flask, route: Route, client: FlaskClient, writes: Writes, sent: list[int]) -> None:
    # Each example is built from a random generator that hypothesis seeds (and, with a fixed seed,
    # seeds the same way on every run): varied requests rather than small changes to one.
    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(rng=st.randoms(use_true_random=True))
    def one_request(rng: random.Random) -> None:
        values = form_values(rng, route.fields)
        before = row_counts()
        writes.committed.clear()
        status, refused = send(app, route, client, values)
        sent[0] += 1
        sent_values = {name: str(value)[:60] for name, value in values.items()}
        assert status < 500, (status, sent_values)
        if refused and route.endpoint not in MAY_RECORD:
            stored = [w for w in writes.committed if not w.startswith(NOTED_ON_ANY_REQUEST)]
            assert stored == [], (status, writes.committed, sent_values)
            assert row_counts() == before, (status, sent_values)

    one_request()


def describe(error: BaseException) -> str:
    """Each error hypothesis found, with where in the app it was raised and the example sent."""
    found = list(error.exceptions) if isinstance(error, BaseExceptionGroup) else [error]
    lines = []
    for one in found:
        frames = [f for f in traceback.extract_tb(one.__traceback__) if "/competition/" in f.filename][-2:]
        where = ", ".join(f"{f.filename.rsplit('/competition/', 1)[-1]}:{f.lineno}" for f in frames)
        lines.append(f"{one!r}"[:1500] + (f" at {where}" if where else "")
                     + "".join(f"\n    {note}" for note in getattr(one, "__notes__", [])[:2]))
    return "\n  ".join(lines)


def test_no_form_answers_junk_with_a_server_error_or_keeps_a_refused_change(app):
    world = World()
    routes = world.routes()
    # The API's writes read JSON, not forms: tests/api/ sends them junk.
    posting = {rule.endpoint for rule in app.url_map.iter_rules()
               if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")}
    assert posting - {route.endpoint for route in routes} == set(), "give these routes to the fuzz test"
    assert READS_QUERY == {route.endpoint for route in routes if route.method == "GET"}
    clients: dict[str | None, FlaskClient] = {}
    writes, sent = Writes(), [0]
    failures: list[str] = []
    with writes.watching():
        for route in routes:
            if route.user not in clients:
                client = clients[route.user] = app.test_client()
                if route.user is not None:
                    user = getattr(world, route.user)
                    limiter_of(app).reset()  # the sign-in limits have tests of their own
                    signed_in = client.post("/login", data={"email": user.email, "password": PASSWORD})
                    assert signed_in.status_code == 302, route.user
            try:
                fuzz(app, route, clients[route.user], writes, sent)
            except Exception as error:  # every route is tried, and every failure listed
                failures.append(f"{route.method} {route.endpoint}: {describe(error)}")
    assert not failures, "\n".join(failures)
    assert sent[0] >= 2000
