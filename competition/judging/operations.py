"""Setting judging up: rounds, rubrics, panels, conflicts of interest and assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from competition.audit.operations import record
from competition.documents.inputs import NOTE, decimal_problem, text_problem, whole_number_problem
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.judging.assignment import plan_assignments
from competition.judging.models import ADVANCEMENT_RULES, AGGREGATIONS, REMOVED
from competition.judging.scoring import change_sheet_status
from competition.judging.sheets import round_spec
from competition.models import (
    Assignment,
    Category,
    Competition,
    ConflictOfInterest,
    Criterion,
    CriterionLevel,
    Entry,
    Organisation,
    Panel,
    PanelMember,
    Round,
    RoundOutcome,
    User,
)
from competition.models.state import lock_and_reread_state
from competition.notifications.operations import (
    notify_conflict_declared,
    notify_judges_assigned,
    notify_panel_members,
)
from competition.policy import (
    declared_conflicts,
    eligible_judges,
    is_conflicted,
    is_judge,
    require_organiser,
)
from competition.ranking.exact import INPUT_PLACES, exact
from competition.ranking.totals import RUBRIC_POINTS_LIMIT, CriterionSpec, rubric_points_bound
from competition.unit_of_work import operation
from workflows import get_workflow
from workflows.messages import Label, t

# The 2023 IGA presentation rubric (Permendagri 104/2018 process, presentation stage).
RUBRIC_TEMPLATES: dict[str, list[dict[str, Any]]] = {
    "iga_2023": [
        {"name": "Kebaharuan", "weight": 30,
         "guidance": "Seberapa baru inovasi ini dibanding praktik sebelumnya dan di daerah lain."},
        {"name": "Kemanfaatan", "weight": 25,
         "guidance": "Manfaat yang terukur bagi masyarakat atau pemerintah daerah, dengan data."},
        {"name": "Replikasi dan aplikatif", "weight": 20,
         "guidance": "Dapat ditiru OPD atau daerah lain dan sudah diterapkan, bukan sekadar konsep."},
        {"name": "Kewenangan daerah dan kolaborasi", "weight": 15,
         "guidance": "Sesuai kewenangan daerah dan melibatkan pihak lain (OPD, swasta, masyarakat)."},
        {"name": "Penguasaan materi dan penyajian", "weight": 10,
         "guidance": "Penyaji menguasai materi dan menyampaikannya dengan jelas dalam waktu."},
    ],
}


def phase_name(phase: str) -> Label:
    """A competition phase as a refusal names it: its label for the person reading, its code
    otherwise (see :class:`workflows.messages.Label`)."""
    return get_workflow("competition").shown(phase)


def setup_refusal(round_: Round) -> str | None:
    """Why the round's settings and rubric can no longer change (its criteria edited, added,
    reordered), or None while the round is being set up: once open, judges score against them."""
    if round_.status == "open":
        return t("round '%(round)s' is open; its set-up can no longer change", round=round_.name)
    if round_.status != "setup":
        return t("round '%(round)s' is closed; its set-up can no longer change", round=round_.name)
    return None


def _require_round_in_setup(round_: Round) -> None:
    if (refusal := setup_refusal(round_)) is not None:
        raise InvalidInput(refusal)


def _round_setting_problems(competition: Competition, *, name: str, aggregation: str, advancement: str,
                            advancement_count: int | None, advancement_min_score: float | None,
                            weight: float, judges_per_entry: int, judge_cap: int | None,
                            other_rounds: list[Round]) -> list[str]:
    problems = _present([text_problem("name", name.strip(), 120, one_line=True)])
    if not name.strip():
        problems.append(t("name: must not be empty"))
    elif any(r.name == name.strip() for r in other_rounds):
        problems.append(t("name: %(competition)s already has a round called %(name)r",
                          competition=competition.name, name=name.strip()))
    if aggregation not in AGGREGATIONS:
        problems.append(t("aggregation: %(value)r is not one of %(choices)s", value=aggregation,
                          choices=", ".join(AGGREGATIONS)))
    if advancement not in ADVANCEMENT_RULES:
        problems.append(t("advancement: %(value)r is not one of %(choices)s", value=advancement,
                          choices=", ".join(ADVANCEMENT_RULES)))
    if advancement in ("top_n", "top_n_per_category") and not (advancement_count or 0) > 0:
        problems.append(t("advancement_count: top N needs a number of entries above zero"))
    elif advancement_count is not None:
        problems += _present([whole_number_problem("advancement_count", advancement_count, 1)])
    if advancement == "min_score" and advancement_min_score is None:
        problems.append(t("advancement_min_score: a minimum score is needed"))
    elif advancement_min_score is not None:
        problems += _present([decimal_problem("advancement_min_score", advancement_min_score,
                                              places=INPUT_PLACES)])
    if problem := decimal_problem("weight", weight, places=INPUT_PLACES):
        problems.append(problem)
    elif weight <= 0:
        problems.append(t("weight: must be above zero"))
    if judges_per_entry < 1:
        problems.append(t("judges_per_entry: at least one"))
    else:
        problems += _present([whole_number_problem("judges_per_entry", judges_per_entry, 1, 99)])
    if judge_cap is not None and judge_cap < 1:
        problems.append(t("judge_cap: at least one, or no cap"))
    elif judge_cap is not None:
        problems += _present([whole_number_problem("judge_cap", judge_cap, 1)])
    return problems


def _present(problems: Sequence[str | None]) -> list[str]:
    return [problem for problem in problems if problem]


@operation
def add_round(competition: Competition, organiser: User, *, name: str, blind: bool = False,
              aggregation: str = "mean", normalise: bool = False, advancement: str = "all",
              advancement_count: int | None = None, advancement_min_score: float | None = None,
              weight: float = 1.0, judges_per_entry: int = 3, judge_cap: int | None = None) -> Round:
    """Add the next judging round of ``competition``."""
    require_organiser(organiser, competition)
    problems = _round_setting_problems(
        competition, name=name, aggregation=aggregation, advancement=advancement,
        advancement_count=advancement_count, advancement_min_score=advancement_min_score,
        weight=weight, judges_per_entry=judges_per_entry, judge_cap=judge_cap,
        other_rounds=list(competition.rounds))
    if competition.phase in ("results", "closed"):
        problems.append(t("%(competition)s is in phase '%(phase)s'; no rounds can be added",
                          competition=competition.name, phase=phase_name(competition.phase)))
    if problems:
        raise InvalidInput(problems)
    round_ = Round(competition=competition, position=len(competition.rounds) + 1, name=name.strip(),
                   blind=blind, aggregation=aggregation, normalise=normalise,
                   advancement=advancement, advancement_count=advancement_count,
                   advancement_min_score=advancement_min_score, weight=weight,
                   judges_per_entry=judges_per_entry, judge_cap=judge_cap)
    db.session.add(round_)
    db.session.flush()
    record("round.added", organiser, competition=competition, subject=round_,
           details={"name": round_.name, "position": round_.position})
    return round_


@operation
def update_round(round_: Round, organiser: User, *, name: str, blind: bool, aggregation: str,
                 normalise: bool, advancement: str, advancement_count: int | None,
                 advancement_min_score: float | None, weight: float, judges_per_entry: int,
                 judge_cap: int | None) -> Round:
    """Change a round's settings while it is being set up (before judges score in it)."""
    competition = round_.competition
    require_organiser(organiser, competition)
    _require_round_in_setup(round_)
    problems = _round_setting_problems(
        competition, name=name, aggregation=aggregation, advancement=advancement,
        advancement_count=advancement_count, advancement_min_score=advancement_min_score,
        weight=weight, judges_per_entry=judges_per_entry, judge_cap=judge_cap,
        other_rounds=[r for r in competition.rounds if r.id != round_.id])
    if problems:
        raise InvalidInput(problems)
    before = _settings(round_)
    round_.name, round_.blind = name.strip(), blind
    round_.aggregation, round_.normalise = aggregation, normalise
    round_.advancement, round_.weight = advancement, weight
    top_n = advancement in ("top_n", "top_n_per_category")
    round_.advancement_count = advancement_count if top_n else None
    round_.advancement_min_score = advancement_min_score if advancement == "min_score" else None
    round_.judges_per_entry, round_.judge_cap = judges_per_entry, judge_cap
    db.session.flush()
    after = _settings(round_)
    if changed := sorted(k for k in after if after[k] != before[k]):
        record("round.changed", organiser, competition=competition, subject=round_,
               details={"fields": changed})
    return round_


def _settings(round_: Round) -> dict[str, Any]:
    return {name: getattr(round_, name) for name in (
        "name", "blind", "aggregation", "normalise", "advancement", "advancement_count",
        "advancement_min_score", "weight", "judges_per_entry", "judge_cap")}


@operation
def add_criterion(round_: Round, organiser: User, *, name: str, weight: float, guidance: str = "",
                  scale: str = "numeric", min_value: float = 0, max_value: float = 100,
                  step: float | None = 1, independent: bool = False,
                  levels: Sequence[tuple[float, str]] = ()) -> Criterion:
    """Add a criterion to a round's rubric: numeric (min, max, step) or labelled levels."""
    require_organiser(organiser, round_.competition)
    current = _locked_criteria(round_)
    _require_round_in_setup(round_)
    min_value, max_value, step = _checked_criterion(
        round_, None, name=name, weight=weight, guidance=guidance, scale=scale, min_value=min_value,
        max_value=max_value, step=step, independent=independent, levels=levels)
    criterion = Criterion(round=round_, position=len(current) + 1, name=name.strip(),
                          guidance=guidance.strip(), weight=weight, scale=scale,
                          min_value=min_value, max_value=max_value, step=step,
                          independent=independent)
    criterion.levels = [CriterionLevel(value=v, label=label.strip()) for v, label in levels]
    db.session.add(criterion)
    db.session.flush()
    record("criterion.added", organiser, competition=round_.competition_id, subject=criterion,
           details={"name": criterion.name, "weight": criterion.weight})
    return criterion


@operation
def update_criterion(criterion: Criterion, organiser: User, *, name: str, weight: float, guidance: str = "",
                     scale: str = "numeric", min_value: float = 0, max_value: float = 100,
                     step: float | None = 1, independent: bool = False,
                     levels: Sequence[tuple[float, str]] = ()) -> Criterion:
    """Change a criterion of a rubric that is still being set up, with the checks of
    :func:`add_criterion`; its levels are replaced by those given (none for a numeric scale)."""
    round_ = criterion.round
    require_organiser(organiser, round_.competition)
    _require_round_in_setup(round_)
    min_value, max_value, step = _checked_criterion(
        round_, criterion, name=name, weight=weight, guidance=guidance, scale=scale, min_value=min_value,
        max_value=max_value, step=step, independent=independent, levels=levels)
    before = _criterion_settings(criterion)
    criterion.name, criterion.guidance, criterion.weight = name.strip(), guidance.strip(), weight
    criterion.scale, criterion.min_value, criterion.max_value = scale, min_value, max_value
    criterion.step, criterion.independent = step, independent
    wanted = sorted((float(v), label.strip()) for v, label in levels)
    if [(level.value, level.label) for level in criterion.levels] != wanted:
        criterion.levels = []
        db.session.flush()   # the old levels go before the new ones take their values
        criterion.levels = [CriterionLevel(value=v, label=label) for v, label in wanted]
    db.session.flush()
    after = _criterion_settings(criterion)
    if changed := sorted(k for k in after if after[k] != before[k]):
        record("criterion.changed", organiser, competition=round_.competition_id, subject=criterion,
               details={"name": criterion.name, "fields": changed})
    return criterion


def _criterion_settings(criterion: Criterion) -> dict[str, Any]:
    settings = {name: getattr(criterion, name) for name in (
        "name", "guidance", "weight", "scale", "min_value", "max_value", "step", "independent")}
    return {**settings, "levels": [(level.value, level.label) for level in criterion.levels]}


def _checked_criterion(round_: Round, keep: Criterion | None, *, name: str, weight: float, guidance: str,
                       scale: str, min_value: float, max_value: float, step: float | None,
                       independent: bool, levels: Sequence[tuple[float, str]]
                       ) -> tuple[float, float, float | None]:
    """The criterion's range and step once every check passed (``keep``: the criterion being
    changed, which the checks compare with the others only).

    :raises InvalidInput: naming each problem.
    """
    problems = _criterion_input_problems(name=name, weight=weight, guidance=guidance, min_value=min_value,
                                         max_value=max_value, step=step, levels=levels)
    if problems:
        raise InvalidInput(problems)
    others = [c for c in round_.criteria if keep is None or c.id != keep.id]
    if not name.strip():
        problems.append(t("name: must not be empty"))
    elif any(c.name == name.strip() for c in others):
        problems.append(t("name: the rubric already has a criterion called %(name)r", name=name.strip()))
    if weight < 0 or (weight == 0 and not independent):
        problems.append(t("weight: must be above zero (only an independent criterion weighs nothing)"))
    if scale == "levels":
        if len(levels) < 2:
            problems.append(t("levels: a levelled criterion needs at least two labelled levels"))
        values = [v for v, _ in levels]
        if len(set(values)) != len(values):
            problems.append(t("levels: each level needs its own value"))
        if any(not label.strip() for _, label in levels):
            problems.append(t("levels: every level needs a label"))
        if values and min(values) < 0:
            problems.append(t("levels: values must not be negative"))
        if values and max(values) <= 0:
            problems.append(t("levels: the top level must be above zero"))
        min_value, max_value, step = (min(values), max(values), None) if values else (0, 1, None)
    elif scale == "numeric":
        if levels:
            problems.append(t("levels: only a criterion on the levels scale has levels"))
        if min_value < 0 or max_value <= min_value:
            problems.append(t("range: needs 0 ≤ min < max (got %(min)s to %(max)s)", min=min_value,
                              max=max_value))
        if step is not None and step <= 0:
            problems.append(t("step: must be above zero"))
    else:
        problems.append(t("scale: %(scale)r is not numeric or levels", scale=scale))
    if not problems:  # the bound divides by the maximum, which the checks above keep above zero
        problems = _exactness_problems(round_, weight=weight, min_value=min_value, max_value=max_value,
                                       independent=independent, keep=keep)
    if problems:
        raise InvalidInput(problems)
    return min_value, max_value, step


def _locked_criteria(round_: Round, still: Criterion | None = None) -> list[Criterion]:
    """The round's criteria as stored, its row locked until the transaction ends: of two changes of
    the rubric at once, the second starts from what the first left (refused without ``still``)."""
    lock_and_reread_state(round_)
    db.session.expire(round_, ["criteria"])
    current = list(db.session.scalars(select(Criterion).where(Criterion.round_id == round_.id)
                                      .order_by(Criterion.position).execution_options(populate_existing=True)))
    if still is not None and still not in current:
        raise InvalidInput(t("criterion '%(name)s' was removed meanwhile", name=still.name))
    return current


@operation
def reorder_criteria(round_: Round, organiser: User, criterion_ids: Sequence[int]) -> list[Criterion]:
    """Put a rubric that is still being set up in the order given: every one of the round's
    criteria, each once."""
    require_organiser(organiser, round_.competition)
    current = _locked_criteria(round_)
    _require_round_in_setup(round_)
    criteria = {c.id: c for c in current}
    if len(criterion_ids) != len(set(criterion_ids)) or set(criterion_ids) != set(criteria):
        raise InvalidInput(t("criterion_ids: name each of the round's criteria once (%(ids)s)",
                             ids=", ".join(str(i) for i in criteria)))
    ordered = [criteria[i] for i in criterion_ids]
    if ordered == current:
        return ordered
    renumber(ordered)
    record("criteria.reordered", organiser, competition=round_.competition_id, subject=round_,
           details={"criteria": list(criterion_ids)})
    db.session.expire(round_, ["criteria"])
    return ordered


@operation
def move_criterion(criterion: Criterion, organiser: User, step: int) -> bool:
    """One criterion ``step`` places along the rubric (−1 up, +1 down) from where it is once the
    round is locked, so that two moves at the same moment both count; at either end, nothing
    (False)."""
    require_organiser(organiser, criterion.round.competition)
    order = [c.id for c in _locked_criteria(criterion.round, criterion)]
    _require_round_in_setup(criterion.round)
    index = order.index(criterion.id)
    if not 0 <= index + step < len(order):
        return False
    order[index], order[index + step] = order[index + step], order[index]
    reorder_criteria(criterion.round, organiser, order)
    return True


def renumber(ordered: Sequence[Any]) -> None:
    """Positions 1, 2, … in the order given, never two rows sharing a position on the way (the
    positions are unique): first past the highest, then to their places."""
    for offset in (len(ordered), 0):
        for index, item in enumerate(ordered, start=1):
            item.position = offset + index
        db.session.flush()


def _criterion_input_problems(*, name: str, weight: float, guidance: str, min_value: float,
                              max_value: float, step: float | None,
                              levels: Sequence[tuple[float, str]]) -> list[str]:
    """The texts of a criterion within their limits, and its numbers finite decimals of at most
    four places (competition.ranking.exact) and of a size people type."""
    numbers = [("weight", weight), ("min_value", min_value), ("max_value", max_value), ("step", step),
               *(("levels", value) for value, _label in levels)]
    return _present([text_problem("name", name.strip(), 160, one_line=True),
                     text_problem("guidance", guidance.strip(), NOTE),
                     *(text_problem("levels", label.strip(), 200, one_line=True) for _value, label in levels),
                     *(decimal_problem(field, value, places=INPUT_PLACES)
                       for field, value in numbers if value is not None)])


def _exactness_problems(round_: Round, *, weight: float, min_value: float, max_value: float,
                        independent: bool, keep: Criterion | None = None) -> list[str]:
    """A rubric's totals must add up in 64-bit whole numbers: refuse what would not."""
    problems = []
    kept = keep.id if keep is not None else None
    criteria = tuple(c for c in round_spec(round_).criteria if c.id != kept) + (CriterionSpec(
        id=0, weight=exact(weight), min_value=exact(min_value), max_value=exact(max_value),
        independent=independent),)
    largest = rubric_points_bound(criteria)
    if largest >= RUBRIC_POINTS_LIMIT:
        problems.append(t("weight: these weights and maxima cannot be added up exactly together; use "
                          "rounder numbers (fewer decimal places) for the weights and maximum scores"))
    return problems


@operation
def apply_rubric_template(round_: Round, organiser: User, template: str = "iga_2023") -> list[Criterion]:
    """Fill an empty rubric from a template (scores 0–100, step 1)."""
    if template not in RUBRIC_TEMPLATES:
        raise InvalidInput(t("template: %(value)r is not one of %(choices)s", value=template,
                             choices=", ".join(RUBRIC_TEMPLATES)))
    if round_.criteria:
        raise InvalidInput(t("round '%(round)s' already has a rubric", round=round_.name))
    return [add_criterion(round_, organiser, **spec) for spec in RUBRIC_TEMPLATES[template]]


@operation
def create_panel(round_: Round, organiser: User, *, name: str, judges: Sequence[User],
                 category: Category | None = None) -> Panel:
    """A panel of judges for a round, optionally for one category; its judges are told."""
    competition = round_.competition
    require_organiser(organiser, competition)
    if round_.status == "closed":
        raise InvalidInput(t("round '%(round)s' is closed", round=round_.name))
    problems = []
    if problem := text_problem("name", name.strip(), 120, one_line=True):
        problems.append(problem)
    elif not name.strip():
        problems.append(t("name: must not be empty"))
    elif any(p.name == name.strip() for p in round_.panels):
        problems.append(t("name: round '%(round)s' already has a panel called '%(name)s'",
                          round=round_.name, name=name.strip()))
    if not judges:
        problems.append(t("judges: a panel needs at least one judge"))
    for judge in judges:
        if not is_judge(judge, competition):
            problems.append(t("judges: %(judge)s is not a judge of %(competition)s", judge=judge.name,
                              competition=competition.name))
    if category is not None and category.competition_id != competition.id:
        problems.append(t("category: '%(category)s' is not a category of %(competition)s",
                          category=category.name, competition=competition.name))
    if problems:
        raise InvalidInput(problems)
    panel = Panel(round=round_, name=name.strip(), category=category)
    panel.members = [PanelMember(judge=j) for j in {j.id: j for j in judges}.values()]
    db.session.add(panel)
    db.session.flush()
    record("panel.created", organiser, competition=competition, subject=panel,
           details={"name": panel.name, "judges": sorted(m.judge_id for m in panel.members)})
    notify_panel_members(panel)
    return panel


# -- who judges what ------------------------------------------------------------------------------

def round_entries(round_: Round) -> list[Entry]:
    """The entries a round judges: verified entries in the first round, afterwards those that
    advanced from the round before."""
    query = select(Entry).options(selectinload(Entry.organisation).selectinload(Organisation.parent))
    if round_.position == 1:
        query = query.where(Entry.competition_id == round_.competition_id,
                            Entry.status.in_(("verified", "scored")))
    else:
        previous = db.session.scalar(select(Round).where(
            Round.competition_id == round_.competition_id, Round.position == round_.position - 1))
        query = query.join(RoundOutcome, RoundOutcome.entry_id == Entry.id).where(
            RoundOutcome.round_id == (previous.id if previous else -1), RoundOutcome.advanced.is_(True))
    return list(db.session.scalars(query.order_by(Entry.id)))


@dataclass(frozen=True)
class AssignmentReport:
    added: int
    load: dict[str, int]          # "judge name <e-mail>" -> entries assigned in the round
    short: dict[str, int]         # entry title -> judges still missing
    conflicts_avoided: int


@operation
def assign_automatically(round_: Round, organiser: User, *, judges_per_entry: int | None = None,
                         cap: int | None = None) -> AssignmentReport:
    """Give every entry of the round its judges, never a conflicted one, within the load cap.

    Assignments made before (by hand or by an earlier run) are kept and counted. Each judge
    given new innovations is told once, with how many.
    """
    competition = round_.competition
    require_organiser(organiser, competition)
    if round_.status == "closed":
        raise InvalidInput(t("round '%(round)s' is closed", round=round_.name))
    if not round_.panels:
        raise InvalidInput(t("round '%(round)s' has no panel of judges yet", round=round_.name))
    per_entry = judges_per_entry or round_.judges_per_entry
    cap = cap if cap is not None else round_.judge_cap
    entries = round_entries(round_)
    declared = declared_conflicts(competition)
    existing: dict[int, list[int]] = {}
    for assignment in round_.assignments:
        existing.setdefault(assignment.entry_id, []).append(assignment.judge_id)
    eligible: dict[int, list[int]] = {}
    conflicts_avoided = 0
    for entry in entries:
        members = {m.judge_id for p in round_.panels if p.category_id in (None, entry.category_id)
                   for m in p.members}
        allowed = [j.id for j in eligible_judges(round_.panels, entry, declared)]
        conflicts_avoided += len(members) - len(allowed)
        eligible[entry.id] = allowed
    plan = plan_assignments(eligible, per_entry=per_entry, cap=cap, existing=existing)
    panel_of: dict[tuple[int | None, int], int] = {}
    for panel in round_.panels:
        for member in panel.members:
            panel_of.setdefault((panel.category_id, member.judge_id), panel.id)
    category_of = {e.id: e.category_id for e in entries}
    added = []
    for entry_id, judge_id in plan.new_pairs:
        panel_id = panel_of.get((category_of[entry_id], judge_id)) or panel_of.get((None, judge_id))
        added.append(Assignment(round=round_, entry_id=entry_id, judge_id=judge_id,
                                panel_id=panel_id, source="auto"))
    db.session.add_all(added)
    db.session.flush()
    record("assignments.planned", organiser, competition=competition, subject=round_,
           details={"added": len(plan.new_pairs)})
    notify_judges_assigned(round_, added)   # one message per judge, however many innovations
    names = {u.id: f"{u.name} <{u.email}>"
             for u in db.session.scalars(select(User).where(User.id.in_(plan.load)))}
    titles = {e.id: e.title for e in entries}
    return AssignmentReport(added=len(plan.new_pairs),
                            load={names[j]: n for j, n in sorted(plan.load.items())},
                            short={titles[e]: n for e, n in sorted(plan.short.items())},
                            conflicts_avoided=conflicts_avoided)


@operation
def assign_judge(round_: Round, entry: Entry, judge: User, organiser: User) -> Assignment:
    """Assign a judge by hand (overriding the automatic plan); conflicts are still refused. The
    judge is told, with a link to the sheet."""
    require_organiser(organiser, round_.competition)
    if round_.status == "closed":
        raise InvalidInput(t("round '%(round)s' is closed", round=round_.name))
    if entry.id not in {e.id for e in round_entries(round_)}:
        raise InvalidInput(t("'%(title)s' is not judged in round '%(round)s'", title=entry.title,
                             round=round_.name))
    if not is_judge(judge, round_.competition):
        raise InvalidInput(t("%(judge)s is not a judge of %(competition)s", judge=judge.name,
                             competition=round_.competition.name))
    if is_conflicted(judge, entry):
        raise InvalidInput(t("%(judge)s has a conflict of interest with '%(title)s'", judge=judge.name,
                             title=entry.title))
    assignment = Assignment(round=round_, entry=entry, judge=judge, source="manual")
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise InvalidInput(t("%(judge)s is already assigned to '%(title)s' in this round", judge=judge.name,
                             title=entry.title)) from exc
    record("assignment.added", organiser, entry=entry, subject=assignment, details={"judge": judge.id})
    notify_judges_assigned(round_, [assignment])
    return assignment


@operation
def remove_assignment(assignment: Assignment, organiser: User, *, reason: str | None = None) -> None:
    """Take a judge off an entry; confirmed scores must be reopened first. The sheet is not
    deleted: it is marked removed through its workflow door, keeping its draft scores and its
    history, and counts nowhere any more."""
    require_organiser(organiser, assignment.round.competition)
    lock_and_reread_state(assignment.round, share=True)
    lock_and_reread_state(assignment)  # a judge confirming at this moment goes first, or waits
    if assignment.status == "confirmed":
        raise InvalidInput(t("%(judge)s has confirmed the scores for '%(title)s'; reopen them first",
                             judge=assignment.judge.name, title=assignment.entry.title))
    if assignment.status == REMOVED:
        raise InvalidInput(t("%(judge)s no longer judges '%(title)s'", judge=assignment.judge.name,
                             title=assignment.entry.title))
    change_sheet_status(assignment, "remove", organiser, comment=reason)


@operation
def declare_conflict(entry: Entry, judge: User, reason: str) -> ConflictOfInterest:
    """A judge declares a conflict of interest with an entry: the entry leaves their list and
    each of their sheets for it not yet confirmed is taken off them (kept, with its draft scores
    and history, as removed). The competition's organisers are told, with a link to reassign."""
    if not is_judge(judge, entry.competition):
        raise NotPermitted(t("%(judge)s is not a judge of %(competition)s", judge=judge.name,
                             competition=entry.competition.name))
    if not reason.strip():
        raise InvalidInput(t("reason: say why there is a conflict of interest"))
    if problem := text_problem("reason", reason.strip(), NOTE):
        raise InvalidInput(problem)
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.entry_id == entry.id, Assignment.judge_id == judge.id, Assignment.status != REMOVED)
        .order_by(Assignment.id).with_for_update()).all()
    if any(a.status == "confirmed" for a in assignments):
        raise InvalidInput(t("you have confirmed scores for '%(title)s'; ask the organiser to reopen "
                             "them before declaring a conflict", title=entry.title))
    conflict = ConflictOfInterest(entry=entry, judge=judge, reason=reason.strip())
    db.session.add(conflict)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise InvalidInput(t("a conflict with '%(title)s' is already declared", title=entry.title)) from exc
    # The audit log's row first: chains are locked in one order (competition.audit.models).
    record("conflict.declared", judge, entry=entry, details={"judge": judge.id})
    for assignment in assignments:
        change_sheet_status(assignment, "declare_conflict", judge, comment=reason)
    notify_conflict_declared(conflict, assignments)
    return conflict


@operation
def remove_criterion(criterion: Criterion, organiser: User) -> None:
    """Take a criterion out of a rubric that is still being set up; the criteria after it move up."""
    round_ = criterion.round
    require_organiser(organiser, round_.competition)
    following = [c for c in _locked_criteria(round_, criterion) if c.position > criterion.position]
    _require_round_in_setup(round_)
    record("criterion.removed", organiser, competition=round_.competition_id, subject=criterion,
           details={"name": criterion.name})
    round_.criteria.remove(criterion)
    db.session.flush()
    # One at a time, in order, so no two criteria ever share a position.
    for later in sorted(following, key=lambda c: c.position):
        later.position -= 1
        db.session.flush()
