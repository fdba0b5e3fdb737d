"""API v1: the organiser's results. The draft (preview), the organiser's decision on a tie,
sealing a version, the sealed versions with their hashes and standings, checking a version again,
and publishing it: through the same operations and checks as the results pages
(:mod:`competition.results.views`)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import abort
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from competition.api import blueprint, needs
from competition.api.problems import problem
from competition.api.schemas import PageArgs, Score
from competition.competitions.manage import organised_competition
from competition.documents.inputs import NOTE
from competition.extensions import db
from competition.models import Award, Competition, ResultSet, ResultVerification
from competition.ranking.awards import AwardRow
from competition.results.operations import (
    latest_verifications,
    preview_results,
    publish_results,
    record_tie_decision,
    record_verification,
    seal_results,
)
from competition.results.queries import LISTED, ResultsPreview, results_preview
from competition.results.standings import AwardStanding, award_row_count, award_standings, sealed_awards
from competition.results.views import PREVIEW_PHASES

bp = blueprint("api_results", __name__, "Results: the draft, ties, sealed versions, verification and "
               "publication (organisers).")
REFUSALS = {"401": {"description": "No token, or a wrong one."},
            "403": {"description": "Not an organiser of the competition."},
            "404": {"description": "No such competition, version or award."}}


# -- shapes -------------------------------------------------------------------------------------------

class CountedOut(Schema):
    """An innovation that counted towards a place."""

    entry_id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    score = Score(required=True)


class StandingOut(Schema):
    """One row of an award: the subject (innovation, OPD or region) and its place."""

    position = fields.Integer(allow_none=True,
                              metadata={"description": "The place, when it wins (1: Juara I)."})
    place = fields.Integer(allow_none=True, metadata={"description": "None when passed over."})
    subject_id = fields.Integer(required=True)
    subject = fields.String(required=True, metadata={"description": "The name of what is placed."})
    organisation = fields.String(required=True)
    innovation = fields.String(required=True, metadata={"description": "For an innovation award."})
    innovations = fields.List(fields.Nested(CountedOut), required=True,
                              metadata={"description": f"The first {LISTED} innovations that counted."})
    counted = fields.Integer(required=True, metadata={"description": "How many innovations counted."})
    score = Score(required=True)
    shared = fields.Boolean(required=True, metadata={"description": "Level with another, no rule separates."})
    separated_by = fields.String(allow_none=True,
                                 metadata={"description": "The tie-break rule that decided."})
    passed_over = fields.Boolean(required=True)


class DecisionOut(Schema):
    rank = fields.Integer(required=True)
    reason = fields.String(required=True)
    decided_at = fields.AwareDateTime(required=True)


class DraftStandingOut(StandingOut):
    decision = fields.Nested(DecisionOut, allow_none=True,
                             metadata={"description": "The organiser's recorded order, if any."})


class ResultAwardOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    subject = fields.String(required=True, metadata={"description": "innovation, organisation or region"})
    category_id = fields.Integer(allow_none=True)
    positions = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Rows in all pages."})


class DraftAwardOut(ResultAwardOut):
    rows = fields.List(fields.Nested(DraftStandingOut), required=True)


class SealedAwardOut(ResultAwardOut):
    rows = fields.List(fields.Nested(StandingOut), required=True)


class JudgeSheetOut(Schema):
    """One judge's confirmed sheet of an innovation in a round."""

    judge_id = fields.Integer(required=True)
    judge = fields.String(required=True)
    values = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "Criterion id -> the value given, as a decimal string."})
    total = Score(required=True, metadata={"description": "The judge's total, 0-100."})
    normalised = Score(allow_none=True, metadata={"description": "That total after each judge's "
                                                                 "normalisation, when the round normalises."})


class RoundBreakdownOut(Schema):
    round_id = fields.Integer(required=True)
    score = Score(required=True)
    judges = fields.Integer(required=True)
    disagreement = fields.Boolean(required=True, metadata={"description": "The judges' spread is wide."})
    sheets = fields.List(fields.Nested(JudgeSheetOut), required=True)


class RubricCriterionOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    weight = fields.String(required=True)
    max_value = fields.String(required=True)
    counts = fields.Boolean(required=True, metadata={"description": "False: recorded, weighs nothing."})


class RubricRoundOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    position = fields.Integer(required=True)
    weight = fields.String(required=True)
    aggregation = fields.String(required=True)
    normalise = fields.Boolean(required=True)
    criteria = fields.List(fields.Nested(RubricCriterionOut), required=True)


class RankedOut(Schema):
    """An innovation in the overall ranking, with each judge's sheet per round."""

    entry_id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    place = fields.Integer(required=True)
    score = Score(required=True)
    band = fields.String(allow_none=True)
    shared = fields.Boolean(required=True)
    separated_by = fields.String(allow_none=True)
    rounds = fields.List(fields.Nested(RoundBreakdownOut), required=True)


class PreviewOut(Schema):
    competition_id = fields.Integer(required=True)
    phase = fields.String(required=True)
    tie_break_chain = fields.List(fields.String(), required=True)
    rounds = fields.List(fields.Nested(RubricRoundOut), required=True,
                         metadata={"description": "The rubric."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    innovations_total = fields.Integer(required=True)
    innovations = fields.List(fields.Nested(RankedOut), required=True)
    awards = fields.List(fields.Nested(DraftAwardOut), required=True)


class VersionOut(Schema):
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "sealed or published"})
    sha256 = fields.String(required=True)
    seal_format = fields.Integer(required=True)
    sealed_at = fields.AwareDateTime(required=True)
    sealed_by = fields.String(allow_none=True, metadata={"description": "Who sealed it."})
    published_at = fields.AwareDateTime(allow_none=True)
    published_by = fields.String(allow_none=True)
    verifies = fields.Boolean(allow_none=True, metadata={"description": "As last checked; null: never."})
    problems = fields.List(fields.String(), allow_none=True)


class VersionListOut(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(VersionOut), required=True)


class VersionDetailOut(VersionOut):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    awards = fields.List(fields.Nested(SealedAwardOut), required=True)


class VerificationOut(Schema):
    version = fields.Integer(required=True)
    verifies = fields.Boolean(required=True)
    problems = fields.List(fields.String(), required=True)
    verified_at = fields.AwareDateTime(required=True)
    verified_by = fields.String(allow_none=True)


class PublicationOut(VersionOut):
    awarded = fields.List(fields.Integer(), required=True,
                          metadata={"description": "Innovations that won a position, now awarded."})


class TieIn(Schema):
    class Meta:
        unknown = RAISE

    subject_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                              validate=validate.Length(min=2, max=1000),
                              metadata={"description": "The level subjects, best first."})
    reason = fields.String(required=True, validate=[validate.Length(max=NOTE), validate.Regexp(
        r"\S", error="Write down why they are placed in this order.")],
                           metadata={"description": "Why, for the record: the plenary's decision, its date."})


class TieOut(Schema):
    award_id = fields.Integer(required=True)
    place = fields.Integer(required=True)
    subject_ids = fields.List(fields.Integer(), required=True)
    reason = fields.String(required=True)


# -- reading ------------------------------------------------------------------------------------------

def _version_of(competition: Competition, version: int) -> ResultSet:
    result_set = db.session.scalar(select(ResultSet).where(
        ResultSet.competition_id == competition.id, ResultSet.version == version)
        .options(selectinload(ResultSet.sealed_by), selectinload(ResultSet.published_by)))
    if result_set is None:
        abort(404)
    return result_set


def _checked(result_sets: list[ResultSet]) -> list[dict[str, Any]]:
    """Versions as :class:`VersionOut` shows them, with their newest check (stored, not redone)."""
    checks = latest_verifications(result_sets)
    shown = []
    for result_set in result_sets:
        check = checks.get(result_set.id)
        shown.append({**{name: getattr(result_set, name) for name in (
            "version", "status", "sha256", "seal_format", "sealed_at", "published_at")},
            "sealed_by": result_set.sealed_by.name if result_set.sealed_by else None,
            "published_by": result_set.published_by.name if result_set.published_by else None,
            "verifies": None if check is None else not check.problems,
            "problems": None if check is None else check.problems})
    return shown


def _draft_row(preview: ResultsPreview, award: Award, row: AwardRow) -> dict[str, Any]:
    members = preview.members.get((award.id, row.subject_id), ())
    counted = [{"entry_id": m, "title": preview.entries[m].title,
                "organisation": preview.entries[m].organisation, "score": preview.placed[m].score}
               for m in members[:LISTED] if m in preview.entries and m in preview.placed]
    subject = preview.subject_name(award, row.subject_id)
    if award.subject == "innovation":
        names = preview.entries.get(row.subject_id)
        organisation, innovation = (names.organisation if names else ""), subject
    else:
        organisation, innovation = (subject if award.subject == "organisation" else ""), ""
    decision = preview.decisions.get((award.id, row.subject_id))
    return {"position": row.position, "place": row.place, "subject_id": row.subject_id, "subject": subject,
            "organisation": organisation, "innovation": innovation, "innovations": counted,
            "counted": len(members), "score": row.score, "shared": row.shared,
            "separated_by": row.separated_by, "passed_over": row.passed_over, "decision": decision}


def number(value: Fraction) -> str:
    """An input (a mark, a weight: at most four places) as a decimal string: 65, 7.5, 0.25."""
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def _rounds(draft: ResultsPreview, entry_id: int) -> list[dict[str, Any]]:
    """Each round of an innovation's draft result, with every judge's sheet."""
    result = draft.placed.get(entry_id)
    if result is None:
        return []
    return [{"round_id": r.round_id, "score": r.score, "judges": r.judges, "disagreement": r.disagreement,
             "sheets": [{"judge_id": line.judge_id, "judge": line.judge,
                         "values": {str(c): number(v) for c, v in line.values.items()},
                         "total": line.total, "normalised": line.normalised}
                        for line in draft.sheets.get((r.round_id, entry_id), ())]}
            for r in result.rounds]


def _rubric(draft: ResultsPreview) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name, "position": r.position, "weight": number(r.weight),
             "aggregation": r.aggregation, "normalise": r.normalise,
             "criteria": [{"id": c.id, "name": c.name, "weight": number(c.weight),
                           "max_value": number(c.max_value), "counts": c.counts} for c in r.criteria]}
            for r in draft.rounds]


@bp.route("/competitions/<int:competition_id>/results/preview")
@bp.arguments(PageArgs, location="query")
@bp.response(200, PreviewOut)
@bp.alt_response(409, description="The draft exists while judging and in the results phase only.")
@bp.doc(responses=REFUSALS)
@needs("read")
def preview(page: dict[str, int], competition_id: int) -> Response | dict[str, Any]:
    """The draft results as they stand, a page of the ranking and of each award's rows.

    Each innovation of the ranking comes with every judge's sheet per round; each award row with
    the innovations that counted and the order the organiser recorded for a tie, if any."""
    competition = organised_competition(competition_id)
    if competition.phase not in PREVIEW_PHASES:
        return problem(409, "Conflict", "The draft results exist while judging and in the results phase.")
    draft = results_preview(competition, entries_page=page["page"], award_page=page["page"],
                            page_size=page["per_page"], clamp=False)
    awards = []
    for award, result in zip(draft.awards, draft.results.awards, strict=True):
        awards.append({"id": award.id, "name": award.name, "subject": award.subject,
                       "category_id": award.category_id, "positions": award.positions,
                       "total": len(result.rows),
                       "rows": [_draft_row(draft, award, row) for row in draft.award_rows[award.id]]})
    innovations = [{"entry_id": row.entry_id, "title": draft.entries[row.entry_id].title,
                    "organisation": draft.entries[row.entry_id].organisation, "place": row.place,
                    "score": row.score, "band": row.band if competition.bands else None, "shared": row.shared,
                    "separated_by": row.separated_by, "rounds": _rounds(draft, row.entry_id)}
                   for row in draft.entry_rows]
    return {"competition_id": competition.id, "phase": competition.phase,
            "tie_break_chain": list(draft.chain), "rounds": _rubric(draft), **page,
            "innovations_total": len(draft.results.entries),
            "innovations": innovations, "awards": awards}


@bp.route("/competitions/<int:competition_id>/results/versions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, VersionListOut)
@bp.doc(responses=REFUSALS)
@needs("read")
def versions(page: dict[str, int], competition_id: int) -> dict[str, Any]:
    """The sealed versions, oldest first, each with its hash and its newest check."""
    competition = organised_competition(competition_id)
    where = ResultSet.competition_id == competition.id
    total = db.session.scalar(select(func.count()).select_from(ResultSet).where(where)) or 0
    found = list(db.session.scalars(
        select(ResultSet).where(where)
        .options(selectinload(ResultSet.sealed_by), selectinload(ResultSet.published_by))
        .order_by(ResultSet.version).limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"])))
    return {"items": _checked(found), "total": total, **page}


def _sealed_award(result_set: ResultSet, award: dict[str, Any], page: dict[str, int]) -> dict[str, Any]:
    rows: list[AwardStanding] = award_standings(
        result_set, award["id"], offset=(page["page"] - 1) * page["per_page"], limit=page["per_page"],
        listed=LISTED)
    return {"id": award["id"], "name": award["name"], "subject": award["subject"],
            "category_id": award.get("category_id"), "positions": award["positions"],
            "total": award_row_count(result_set, award["id"]), "rows": rows}


@bp.route("/competitions/<int:competition_id>/results/versions/<int:version>")
@bp.arguments(PageArgs, location="query")
@bp.response(200, VersionDetailOut)
@bp.doc(responses=REFUSALS)
@needs("read")
def version(page: dict[str, int], competition_id: int, version: int) -> dict[str, Any]:
    """One sealed version: its hash, newest check, and a page of each award's rows as sealed."""
    result_set = _version_of(organised_competition(competition_id), version)
    [shown] = _checked([result_set])
    return {**shown, **page,
            "awards": [_sealed_award(result_set, award, page) for award in sealed_awards(result_set)]}


@bp.route("/competitions/<int:competition_id>/results/seal", methods=["POST"])
@bp.response(201, VersionOut)
@bp.alt_response(422, description="Not sealable now (phase, innovations still judged); the reasons.")
@bp.doc(responses=REFUSALS)
@needs("write")
def seal(competition_id: int) -> dict[str, Any]:
    """Seal the results as a new version: every input and row, hashed."""
    result_set = seal_results(organised_competition(competition_id), current_user)
    [shown] = _checked([result_set])
    return shown


@bp.route("/competitions/<int:competition_id>/results/versions/<int:version>/verify", methods=["POST"])
@bp.response(201, VerificationOut)
@bp.doc(responses=REFUSALS)
@needs("write")
def verify(competition_id: int, version: int) -> dict[str, Any]:
    """Check a sealed version again, now: its hash, and its results recomputed from its marks."""
    result_set = _version_of(organised_competition(competition_id), version)
    check: ResultVerification = record_verification(result_set, current_user)
    return {"version": result_set.version, "verifies": not check.problems, "problems": list(check.problems),
            "verified_at": check.verified_at, "verified_by": current_user.name}


@bp.route("/competitions/<int:competition_id>/results/versions/<int:version>/publish", methods=["POST"])
@bp.response(200, PublicationOut)
@bp.alt_response(422, description="Not publishable (not the latest, already published, wrong phase, "
                                  "does not verify); the reasons.")
@bp.doc(responses=REFUSALS)
@needs("write")
def publish(competition_id: int, version: int) -> dict[str, Any]:
    """Publish the latest sealed version: its winning innovations become awarded."""
    result_set = _version_of(organised_competition(competition_id), version)
    awarded = publish_results(result_set, current_user)
    db.session.expire(result_set, ["published_by"])    # set by id: read who it is again
    [shown] = _checked([result_set])
    return {**shown, "awarded": awarded}


@bp.route("/awards/<int:award_id>/tie", methods=["POST"])
@bp.arguments(TieIn)
@bp.response(201, TieOut)
@bp.alt_response(409, description="Not a tie now, or not while the results are in draft.")
@bp.doc(responses=REFUSALS)
@needs("write")
def decide_tie(body: dict[str, Any], award_id: int) -> Response | dict[str, Any]:
    """Record the organiser's order (best first) for subjects of an award that no rule separates."""
    award = db.session.get(Award, award_id)
    if award is None:
        abort(404)
    competition = organised_competition(award.competition_id)
    if competition.phase not in PREVIEW_PHASES:
        return problem(409, "Conflict", "Ties are decided while the results are in draft (judging or "
                                        "results phase).")
    if "organiser_decision" not in competition.tie_break_chain:
        return problem(409, "Conflict", "The competition's tie-break rules leave no place for the "
                                        "organiser's decision.")
    place = level_at(competition, award, body["subject_ids"])
    if place is None:
        return problem(409, "Conflict", "These subjects are not level at one place after every rule: "
                                        "name all of them, and only them.",
                       errors={"subject_ids": ["not the subjects of one tie"]})
    record_tie_decision(award, current_user, body["subject_ids"], body["reason"])
    return {"award_id": award.id, "place": place, "subject_ids": body["subject_ids"],
            "reason": body["reason"].strip()}


def level_at(competition: Competition, award: Award, subject_ids: list[int]) -> int | None:
    """The place at which exactly ``subject_ids`` stand level in the draft after every rule (as
    the preview's tie forms offer them), else None."""
    rows = next((r.rows for r in preview_results(competition).awards if r.award_id == award.id), ())
    groups: dict[int, set[int]] = {}
    for row in rows:
        if row.shared and row.place is not None:
            groups.setdefault(row.place, set()).add(row.subject_id)
    wanted = set(subject_ids)
    if len(wanted) != len(subject_ids):
        return None
    return next((place for place, level in groups.items() if level == wanted), None)
