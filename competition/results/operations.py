"""Awards and results: draft previews, sealed versions, publication and verification.

A preview is computed from the database each time it is asked for. Sealing stores an immutable
snapshot: the ranked rows and every input behind them in canonical form, with their SHA-256,
who sealed it and when. Publishing the latest sealed version moves the winning innovations to
awarded. ``verify_result_set`` recomputes a sealed version from its stored inputs.
``change_result_set_status`` is the only way a version's status changes. What the results are
made of, for people to read, is in :mod:`competition.results.queries`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, select

from competition.audit.operations import record
from competition.competitions.units import entrants
from competition.documents.inputs import (
    NOTE,
    clean_comment,
    decimal_problem,
    text_problem,
)
from competition.entries.operations import change_entry_status
from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import phase_name
from competition.judging.sheets import fetch_rows, raw_sheets, round_spec, sheet_table
from competition.models import (
    UNITS_OWN,
    AuditEvent,
    Award,
    Competition,
    Entry,
    Evidence,
    Organisation,
    ResultRow,
    ResultSet,
    ResultSetEvent,
    ResultVerification,
    Round,
    TieDecision,
    User,
)
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.policy import actor_for, require_organiser
from competition.ranking.agreement import sealed_annex
from competition.ranking.awards import AwardSpec
from competition.ranking.bands import Band
from competition.ranking.exact import INPUT_PLACES, SCORE_PLACES, as_score, exact, has_at_most, input_text
from competition.ranking.results import (
    METHOD,
    SEAL_FORMAT,
    CompetitionInputs,
    EntryTable,
    Results,
    ScoreSheet,
    compute_results,
    inputs_from_data,
    inputs_to_data,
    results_to_data,
    seal_hash,
    summarise,
)
from competition.ranking.tables import NO_CATEGORY
from competition.ranking.tiebreaks import validate_chain
from competition.ranking.totals import heaviest_criterion
from competition.results.awards import (  # noqa: F401  (where they were first defined)
    add_award,
    ensure_default_award,
    remove_award,
)
from competition.unit_of_work import operation
from workflows import Actor, get_workflow
from workflows.messages import t

RESULT_SET_WORKFLOW = "result_set"
# The key of a sealed version's results that holds the judge-agreement annex (versions sealed
# before it have none, and still verify).
AGREEMENT = "agreement"


@operation
def update_result_rules(competition: Competition, organiser: User, *,
                        tie_break_chain: Sequence[str] | None = None,
                        bands: Sequence[tuple[str, float]] | None = None,
                        disagreement_threshold: float | None = None,
                        one_award_per_organisation: bool | None = None,
                        opd_feedback: bool | None = None) -> Competition:
    """Change the rules that decide the results, and whether the OPDs read the judges' comments on
    their innovations once the results are published (``opd_feedback``); recorded in the audit log."""
    require_organiser(organiser, competition)
    problems = []
    if tie_break_chain is not None:
        try:
            validate_chain(tie_break_chain)
        except ValueError as error:
            problems.append(t("tie_break_chain: %(problem)s", problem=error))
    if bands is not None:
        problems += [problem for label, minimum in bands
                     for problem in (text_problem("bands", label.strip(), 120, one_line=True),
                                     decimal_problem("bands", minimum, places=SCORE_PLACES)) if problem]
    if disagreement_threshold is not None:
        problems += [problem for problem in [decimal_problem("disagreement_threshold", disagreement_threshold,
                                                             places=INPUT_PLACES)] if problem]
    if problems:
        raise InvalidInput(problems)
    if bands is not None:
        labels = [label for label, _ in bands]
        if len(set(labels)) != len(labels) or any(not label.strip() for label in labels):
            problems.append(t("bands: every band needs its own label"))
        if any(minimum <= 0 for _, minimum in bands):
            problems.append(t("bands: minimums must be above zero (zero is 'Tidak Dapat Dinilai')"))
        if any(not has_at_most(minimum, SCORE_PLACES) for _, minimum in bands):
            problems.append(t("bands: a minimum is a score as shown, with at most %(places)s decimal places",
                              places=SCORE_PLACES))
    if disagreement_threshold is not None and disagreement_threshold < 0:
        problems.append(t("disagreement_threshold: must not be negative"))
    elif disagreement_threshold is not None and not has_at_most(disagreement_threshold, INPUT_PLACES):
        problems.append(t("disagreement_threshold: at most %(places)s decimal places", places=INPUT_PLACES))
    if problems:
        raise InvalidInput(problems)
    given = {"tie_break_chain": None if tie_break_chain is None else list(tie_break_chain),
             "bands": None if bands is None else [[label.strip(), float(low)] for label, low in bands],
             "disagreement_threshold": disagreement_threshold,
             "one_award_per_organisation": one_award_per_organisation, "opd_feedback": opd_feedback}
    record("rules.changed", organiser, competition=competition,
           details={name: value for name, value in given.items() if value is not None})
    if tie_break_chain is not None:
        competition.tie_break_chain = list(tie_break_chain)
    if bands is not None:
        competition.bands = [{"label": label.strip(), "minimum": float(minimum)}
                             for label, minimum in sorted(bands, key=lambda b: -b[1])]
    if disagreement_threshold is not None:
        competition.disagreement_threshold = disagreement_threshold
    if one_award_per_organisation is not None:
        competition.one_award_per_organisation = one_award_per_organisation
    if opd_feedback is not None:
        competition.opd_feedback = opd_feedback
    db.session.flush()
    return competition


@operation
def record_tie_decision(award: Award, organiser: User, subject_ids: Sequence[int], reason: str) -> None:
    """Record the organiser's order for subjects of ``award`` that no rule could separate
    (best first), replacing earlier decisions for them."""
    require_organiser(organiser, award.competition)
    if len(subject_ids) < 2 or len(set(subject_ids)) != len(subject_ids):
        raise InvalidInput(t("order: name at least two different subjects, best first"))
    if not reason.strip():
        raise InvalidInput(t("reason: record why they are placed in this order"))
    if problem := text_problem("reason", reason.strip(), NOTE):
        raise InvalidInput(problem)
    existing = {d.subject_id: d for d in db.session.scalars(
        select(TieDecision).where(TieDecision.award_id == award.id))}
    for rank, subject_id in enumerate(subject_ids, start=1):
        decision = existing.get(subject_id) or TieDecision(award=award, subject_id=subject_id)
        decision.rank, decision.reason, decision.decided_by_id = rank, reason.strip(), organiser.id
        decision.decided_at = utcnow()
        db.session.add(decision)
    db.session.flush()
    record("tie.decided", organiser, competition=award.competition_id, subject=award,
           details={"award": award.name, "order": list(subject_ids), "reason": reason.strip()})


# -- computing ------------------------------------------------------------------------------------

def build_inputs(competition: Competition) -> CompetitionInputs:
    """Everything the results depend on, read from the database in a few set-based queries."""
    rounds = tuple(round_spec(r) for r in db.session.scalars(
        select(Round).where(Round.competition_id == competition.id).order_by(Round.position)))
    entries = entry_table(competition)
    if competition.units_compete != UNITS_OWN:   # a unit's innovations compete for its OPD
        entrant = entrants(competition)
        entries = replace(entries, organisation_id=np.array(
            [entrant.get(o, o) for o in entries.organisation_id.tolist()], dtype=np.int64))
    awards = db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                .order_by(Award.position)).all()
    decisions: dict[int, dict[int, int]] = {}
    for decision in db.session.scalars(select(TieDecision).join(Award).where(
            Award.competition_id == competition.id)):
        decisions.setdefault(decision.award_id, {})[decision.subject_id] = decision.rank
    return CompetitionInputs(
        rounds=rounds,
        sheets=sheet_table(rounds),
        entries=entries,
        awards=tuple(AwardSpec(id=a.id, name=a.name, subject=a.subject, category_id=a.category_id,
                               positions=a.positions, policy=a.policy, index_floor=a.index_floor,
                               count_bonus=exact(a.count_bonus), count_bonus_cap=a.count_bonus_cap)
                     for a in awards),
        chain=tuple(competition.tie_break_chain),
        bands=tuple(Band(label=b["label"], minimum=as_score(b["minimum"])) for b in competition.bands),
        disagreement_threshold=exact(competition.disagreement_threshold),
        one_award_per_organisation=competition.one_award_per_organisation,
        decisions=decisions,
        units_compete=competition.units_compete,
    )


def entry_table(competition: Competition) -> EntryTable:
    """The facts the results need of every innovation still in the running (verified, scored or
    awarded): its OPD and region, category, first submission and whether it has evidence. Read
    through the driver's cursor: at national scale, 40,000 rows."""
    tables = {"entry": Entry.__tablename__, "organisation": Organisation.__tablename__,
              "evidence": Evidence.__tablename__}
    sql = (f"SELECT e.id, e.organisation_id, o.region_id, e.category_id, "
           f"CAST(COALESCE(e.first_submitted_at, e.submitted_at) AS VARCHAR(32)), "
           f"EXISTS (SELECT 1 FROM {tables['evidence']} v WHERE v.entry_id = e.id) "
           f"FROM {tables['entry']} e JOIN {tables['organisation']} o ON o.id = e.organisation_id "
           f"WHERE e.competition_id = {int(competition.id)} "
           "AND e.status IN ('verified', 'scored', 'awarded')")
    rows = fetch_rows(sql)
    ids, organisations, regions, categories, submitted, evidence = zip(*rows, strict=True) if rows else \
        ((), (), (), (), (), ())
    return EntryTable.from_arrays(
        np.array(ids, dtype=np.int64), np.array(organisations, dtype=np.int64),
        np.array(regions, dtype=np.int64),
        np.array([NO_CATEGORY if c is None else c for c in categories], dtype=np.int64),
        _seconds(submitted), np.array(evidence, dtype=bool))


def _seconds(stored: Sequence[str | None]) -> NDArray[np.float64]:
    """Stored moments (naive UTC, read as text: "2026-03-02 02:00:00.123456") in seconds since
    the epoch, NaN for none: the same floats as ``datetime.timestamp()``."""
    moments = np.array(["NaT" if m is None else m for m in stored], dtype="datetime64[us]")
    return np.where(np.isnat(moments), np.nan, moments.astype(np.int64) / 1e6)


def preview_results(competition: Competition) -> Results:
    """The draft results as they stand now; they change as scores change."""
    return compute_results(build_inputs(competition))


@operation
def seal_results(competition: Competition, organiser: User, *, now: datetime | None = None) -> ResultSet:
    """Seal the results as a new version: the ranked rows and every input, hashed."""
    now = now or utcnow()
    require_organiser(organiser, competition)
    if competition.phase != "results":
        raise InvalidInput(t("%(competition)s is in phase '%(phase)s'; results are sealed once judging "
                             "is closed (phase 'results')", competition=competition.name,
                             phase=phase_name(competition.phase)))
    still_judged = db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.competition_id == competition.id, Entry.status == "verified"))
    if still_judged:
        raise InvalidInput(t("%(count)s verified innovation(s) have not finished judging; close their "
                             "rounds first", count=still_judged))
    inputs = build_inputs(competition)
    inputs_data = inputs_to_data(inputs)
    # The raw scores behind the summaries, so that verification can work them out again.
    inputs_data["scores"] = [
        [s.round_id, s.entry_id, s.judge_id, {str(c): input_text(v) for c, v in s.values.items()}]
        for s in raw_sheets([r.id for r in inputs.rounds])]
    # Computed from the stored form, so verifying later repeats exactly this computation.
    results_data = results_to_data(compute_results(inputs_from_data(inputs_data)))
    # The judge-agreement annex, from the same stored inputs; hashed with the rows.
    results_data[AGREEMENT] = sealed_annex(inputs_data)
    version = (db.session.scalar(select(func.max(ResultSet.version)).where(
        ResultSet.competition_id == competition.id)) or 0) + 1
    result_set = ResultSet(competition=competition, competition_id=competition.id, version=version,
                           status=get_workflow(RESULT_SET_WORKFLOW).definition.initial,
                           inputs=inputs_data, results=results_data, sealed_by_id=organiser.id,
                           sealed_at=now, seal_format=SEAL_FORMAT)
    result_set.sha256 = sealed_hash(result_set)
    db.session.add(result_set)
    db.session.flush()
    # The audit log keeps the hash and its format, chained: a version cannot pass itself off later
    # as sealed in the older format, which did not cover who sealed it and when.
    record("results.sealed", organiser, competition=competition, subject=result_set,
           details={"version": version, "sha256": result_set.sha256, "format": SEAL_FORMAT}, now=now)
    _store_rows(result_set, inputs, results_data)
    record_verification(result_set, organiser, now=now)   # what was stored reads back the same
    return result_set


def _ranked_rows(results_data: dict[str, Any]) -> Iterator[tuple[int | None, int, int, dict[str, Any]]]:
    """Every sealed row as (award id or None for the overall ranking, position, subject, row)."""
    for position, entry in enumerate(results_data["entries"]):
        yield None, position, entry["entry_id"], entry
    for award in results_data["awards"]:
        for position, row in enumerate(award["rows"]):
            yield award["award_id"], position, row["subject_id"], row


def _store_rows(result_set: ResultSet, inputs: CompetitionInputs, results_data: dict[str, Any]) -> None:
    """The sealed rows one by one (for pages of fifty), and the summary pages need besides."""
    rounds = sorted(inputs.rounds, key=lambda r: r.position)
    heaviest = heaviest_criterion(rounds[-1].criteria) if rounds else None
    result_set.summary = {
        "awards": result_set.inputs["awards"], "bands": result_set.inputs["bands"],
        "units_compete": inputs.units_compete, "ranked": len(results_data["entries"]),
        "heaviest_criterion_id": None if heaviest is None else heaviest.id}
    rows = [{"result_set_id": result_set.id, "award_id": award_id, "position": position,
             "subject_id": subject_id, "data": data}
            for award_id, position, subject_id, data in _ranked_rows(results_data)]
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(ResultRow), rows[start:start + 10_000])
    db.session.flush()


@operation
def record_verification(result_set: ResultSet, user: User | None, *,
                        now: datetime | None = None) -> ResultVerification:
    """Verify a sealed version (:func:`verify_result_set`) and keep the outcome; pages show the
    newest instead of recomputing. Anyone who may see the version may ask for it."""
    if user is not None:
        require_organiser(user, result_set.competition)
    check = ResultVerification(result_set=result_set, verified_at=now or utcnow(),
                               verified_by_id=user.id if user else None,
                               problems=verify_result_set(result_set))
    db.session.add(check)
    db.session.flush()
    return check


def latest_verifications(result_sets: Sequence[ResultSet]) -> dict[int, ResultVerification]:
    """The newest check of each version, in one query."""
    ids = [r.id for r in result_sets]
    if not ids:
        return {}
    newest = (select(func.max(ResultVerification.id)).where(ResultVerification.result_set_id.in_(ids))
              .group_by(ResultVerification.result_set_id))
    return {check.result_set_id: check for check in db.session.scalars(
        select(ResultVerification).where(ResultVerification.id.in_(newest)))}


def latest_result_set(competition: Competition) -> ResultSet | None:
    return db.session.scalar(select(ResultSet).where(ResultSet.competition_id == competition.id)
                             .order_by(ResultSet.version.desc()).limit(1))


def latest_published_result_set(competition: Competition) -> ResultSet | None:
    """What the public has been told: the newest published version (a later version sealed but
    not yet published does not replace it)."""
    return db.session.scalar(select(ResultSet).where(ResultSet.competition_id == competition.id,
                                                     ResultSet.status == "published")
                             .order_by(ResultSet.version.desc()).limit(1))


def winning_entries(result_set: ResultSet) -> list[int]:
    """Entries that earned a position: the innovation itself, or the innovations that gave an
    organisation or region its position under the award's category filter."""
    inputs = result_set.inputs
    awards = {a["id"]: a for a in inputs["awards"]}
    winners: set[int] = set()
    scored = {e["entry_id"] for e in result_set.results["entries"]}
    for award_result in result_set.results["awards"]:
        award = awards[award_result["award_id"]]
        for row in award_result["rows"]:
            if row["position"] is None:
                continue
            if award["subject"] == "innovation":
                winners.add(row["subject_id"])
                continue
            key = "organisation_id" if award["subject"] == "organisation" else "region_id"
            winners |= {e["id"] for e in inputs["entries"] if e[key] == row["subject_id"]
                        and e["id"] in scored
                        and (award["category_id"] is None or e["category_id"] == award["category_id"])}
    return sorted(winners)


@operation
def publish_results(result_set: ResultSet, organiser: User, *, now: datetime | None = None) -> list[int]:
    """Publish the latest sealed version: its winning innovations move to awarded. Returns
    their ids."""
    now = now or utcnow()
    competition = result_set.competition
    require_organiser(organiser, competition)
    latest = latest_result_set(competition)
    if latest is None or latest.id != result_set.id:
        raise InvalidInput(t("version %(version)s is not the latest sealed version; publish version "
                             "%(latest)s", version=result_set.version,
                             latest=latest.version if latest else "-"))
    if result_set.status == "published":
        raise InvalidInput(t("version %(version)s is already published", version=result_set.version))
    if competition.phase != "results":
        raise InvalidInput(t("%(competition)s is in phase '%(phase)s', not results",
                             competition=competition.name, phase=phase_name(competition.phase)))
    check = record_verification(result_set, organiser, now=now)
    if check.problems:
        raise InvalidInput([t("the sealed version does not verify:"), *check.problems])
    # First the version's status: of two publications at the same moment, the second is refused.
    change_result_set_status(result_set, "publish", organiser, now=now)
    acting = actor_for(organiser, competition)
    winners = winning_entries(result_set)
    for entry in db.session.scalars(select(Entry).where(Entry.id.in_(winners))):
        if entry.status == "scored":
            change_entry_status(entry, "award", acting, comment=f"Hasil versi {result_set.version}",
                                now=now)
    db.session.flush()
    return winners


@operation
def change_result_set_status(result_set: ResultSet, trigger: str, actor: User | Actor, *,
                             comment: str | None = None, now: datetime | None = None) -> ResultSetEvent:
    """Fire ``trigger`` on a sealed version of the results: the only way its status changes.

    All of it or nothing, inside the caller's unit of work: the version is locked and its status
    read again (of two changes at the same moment the second waits and then sees the first); the
    result-set workflow checks the trigger (state, role, competition phase) and moves
    ``result_set.status``; publishing stamps who published it and when; one
    :class:`ResultSetEvent` records the change. :func:`publish_results` adds the awards.

    :raises workflows.UnknownTrigger, workflows.TriggerRefused: with the reasons.
    """
    now = now or utcnow()
    lock_and_reread_state(result_set)
    competition = result_set.competition
    acting = actor if isinstance(actor, Actor) else actor_for(actor, competition)
    cleaned_comment = clean_comment(comment)
    from_status, to_status = get_workflow(RESULT_SET_WORKFLOW).fire(
        result_set, trigger, acting, comment=cleaned_comment, phase=competition.phase, now=now)
    if to_status == "published":
        result_set.published_at, result_set.published_by_id = now, acting.user_id
    event = ResultSetEvent(result_set=result_set, trigger=trigger, from_status=from_status,
                           to_status=to_status, actor_id=acting.user_id, comment=cleaned_comment,
                           created_at=now)
    db.session.add(event)
    db.session.flush()
    return event


def sealed_hash(result_set: ResultSet) -> str:
    """The hash of a version as its format says: its inputs and rows (format 1), and the
    competition, its number, who sealed it and when (format 2)."""
    if result_set.seal_format == 1:
        return seal_hash(result_set.inputs, result_set.results)
    moment = result_set.sealed_at.astimezone(UTC).replace(tzinfo=None)
    return seal_hash(result_set.inputs, result_set.results, {
        "competition_id": result_set.competition_id, "version": result_set.version,
        "sealed_by_id": result_set.sealed_by_id, "sealed_at": moment.strftime("%Y-%m-%d %H:%M:%S.%f")})


def _sealing_differences(result_set: ResultSet) -> list[str]:
    """The hash and format the audit log recorded when the version was sealed, if it did (not for
    versions sealed before the log), must be the version's."""
    sealing = db.session.scalar(select(AuditEvent).where(
        AuditEvent.kind == "results.sealed", AuditEvent.subject_type == ResultSet.__tablename__,
        AuditEvent.subject_id == result_set.id).order_by(AuditEvent.id).limit(1))
    if sealing is None:
        return []
    recorded = (sealing.details.get("sha256"), sealing.details.get("format"))
    if recorded == (result_set.sha256, result_set.seal_format):
        return []
    return [t("the audit log recorded version %(version)s sealed with hash %(hash)s (format %(format)s); it "
              "now has %(now)s (format %(now_format)s)", version=sealing.details.get("version"),
              hash=recorded[0], format=recorded[1], now=result_set.sha256, now_format=result_set.seal_format)]


def verify_result_set(result_set: ResultSet) -> list[str]:
    """Recompute a sealed version from its stored inputs; every difference, or nothing."""
    problems = []
    stored_hash = sealed_hash(result_set)
    if stored_hash != result_set.sha256 and result_set.seal_format == 1:
        problems.append(t("the stored inputs and rows hash to %(hash)s, not the sealed %(sealed)s",
                          hash=stored_hash, sealed=result_set.sha256))
    elif stored_hash != result_set.sha256:
        problems.append(t("the stored version (its inputs, rows, competition, number, who sealed it and "
                          "when) hashes to %(hash)s, not the sealed %(sealed)s", hash=stored_hash,
                          sealed=result_set.sha256))
    problems += _sealing_differences(result_set)
    if result_set.inputs.get("method") != METHOD:
        problems.append(t("version %(version)s was sealed before scores were worked out exactly: its hash "
                          "holds, but its rows cannot be recomputed; seal the results again",
                          version=result_set.version))
        return problems
    inputs = inputs_from_data(result_set.inputs)
    raw = [ScoreSheet(round_id=r, entry_id=e, judge_id=j,
                      values={int(c): exact(v) for c, v in values.items()})
           for r, e, j, values in result_set.inputs.get("scores", [])]
    for stored, fresh in zip_longest(inputs.sheets, summarise(raw, inputs.rounds)):
        if stored != fresh:
            where = stored or fresh
            problems.append(t("the summary of judge %(judge)s for innovation %(entry)s in round %(round)s "
                              "does not follow from the stored scores", judge=where.judge_id,
                              entry=where.entry_id, round=where.round_id))
    recomputed = results_to_data(compute_results(inputs))
    problems += _differences(result_set.results, recomputed)
    problems += _agreement_differences(result_set)
    problems += _kept_rows_differences(result_set)
    return problems


def _agreement_differences(result_set: ResultSet) -> list[str]:
    """The judge-agreement annex, for versions sealed with one (older ones have none), must be what
    the stored inputs give."""
    stored = result_set.results.get(AGREEMENT)
    if stored is None:
        return []
    fresh = sealed_annex(result_set.inputs)
    if stored == fresh:
        return []
    differing = _first_difference(stored, fresh)
    return [t("the judge-agreement annex differs from the one recomputed from the stored scores (first at "
              "%(where)s: sealed %(sealed)s, recomputed %(recomputed)s)", where=differing[0],
              sealed=differing[1], recomputed=differing[2])]


def _first_difference(stored: Any, fresh: Any, where: str = "") -> tuple[str, Any, Any]:
    """Where two JSON values first differ: a path like rounds[0].totals.alpha.value, and both values."""
    if isinstance(stored, dict) and isinstance(fresh, dict):
        for key in sorted(set(stored) | set(fresh)):
            if stored.get(key) != fresh.get(key):
                return _first_difference(stored.get(key), fresh.get(key), f"{where}.{key}" if where else key)
    if isinstance(stored, list) and isinstance(fresh, list) and len(stored) == len(fresh):
        for index, (before, after) in enumerate(zip(stored, fresh, strict=True)):
            if before != after:
                return _first_difference(before, after, f"{where}[{index}]")
    return where or "-", stored, fresh


def _kept_rows_differences(result_set: ResultSet) -> list[str]:
    """The rows kept one by one for pages must be the sealed rows."""
    if result_set.summary is None:
        return []
    sealed = {(award_id, position): data for award_id, position, _, data in _ranked_rows(result_set.results)}
    kept = {(award_id, position): data for award_id, position, data in db.session.execute(
        select(ResultRow.award_id, ResultRow.position, ResultRow.data)
        .where(ResultRow.result_set_id == result_set.id))}
    if kept == sealed:
        return []
    differing = sorted((k for k in set(kept) | set(sealed) if kept.get(k) != sealed.get(k)),
                       key=lambda k: (k[0] or 0, k[1]))
    return [t("the rows kept for pages differ from the sealed rows (%(count)s, first: award %(award)s "
              "row %(row)s)", count=len(differing), award=differing[0][0] or "-", row=differing[0][1] + 1)]


def _differences(stored: dict[str, Any], recomputed: dict[str, Any]) -> list[str]:
    problems = []
    stored_entries = {e["entry_id"]: e for e in stored["entries"]}
    fresh_entries = {e["entry_id"]: e for e in recomputed["entries"]}
    for entry_id in sorted(set(stored_entries) | set(fresh_entries)):
        before, after = stored_entries.get(entry_id), fresh_entries.get(entry_id)
        if before != after:
            problems.append(t("innovation %(entry)s: sealed %(sealed)s, recomputed %(recomputed)s",
                              entry=entry_id, sealed=_summary(before), recomputed=_summary(after)))
    stored_awards = {a["award_id"]: a for a in stored["awards"]}
    for award in recomputed["awards"]:
        before_rows = stored_awards.get(award["award_id"], {}).get("rows")
        if before_rows != award["rows"]:
            problems.append(t("award %(award)s: the sealed ranking differs from the recomputed one",
                              award=award["award_id"]))
    return problems


def _summary(row: dict[str, Any] | None) -> str:
    if row is None:
        return t("absent")
    return t("place %(place)s score %(score)s", place=row["place"], score=as_score(row["score"]))
