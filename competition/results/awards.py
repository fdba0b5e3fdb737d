"""Defining awards: adding, changing, ordering and removing them. Awards are filled in their
order (``position``), so with "one award per OPD" the order decides which award an OPD wins."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from competition.audit.operations import record
from competition.documents.inputs import CITATION, decimal_problem, text_problem, whole_number_problem
from competition.errors import InvalidInput
from competition.extensions import db
from competition.judging.operations import renumber
from competition.models import Award, Category, Competition, TieDecision, User
from competition.policy import require_organiser
from competition.ranking.exact import INPUT_PLACES, has_at_most
from competition.results.models import (
    AWARD_POLICIES,
    AWARD_SUBJECTS,
    DEFAULT_AWARD_CITATION,
    DEFAULT_AWARD_NAME,
)
from competition.unit_of_work import operation
from workflows.messages import t

# Phases in which the awards are being decided with: they no longer change, nor their order.
AWARDS_FIXED_PHASES = ("results", "closed")


def _award_problems(competition: Competition, keep: Award | None, *, name: str, subject: str,
                    category: Category | None, positions: int, policy: str, index_floor: int,
                    count_bonus: float, count_bonus_cap: int, citation: str) -> list[str]:
    """What is wrong with an award's settings (``keep``: the award being changed)."""
    problems = [problem for problem in (
        text_problem("name", name.strip(), 160, one_line=True),
        text_problem("citation", citation.strip(), CITATION),
        decimal_problem("count_bonus", count_bonus, places=INPUT_PLACES),
        whole_number_problem("positions", positions, 1),
        whole_number_problem("count_bonus_cap", count_bonus_cap)) if problem]
    if problems:
        return problems
    if not name.strip():
        problems.append(t("name: must not be empty"))
    elif any(a.name == name.strip() for a in competition.awards if keep is None or a.id != keep.id):
        problems.append(t("name: %(competition)s already has an award called %(name)r",
                          competition=competition.name, name=name.strip()))
    if subject not in AWARD_SUBJECTS:
        problems.append(t("subject: %(value)r is not one of %(choices)s", value=subject,
                          choices=", ".join(AWARD_SUBJECTS)))
    if policy not in AWARD_POLICIES:
        problems.append(t("policy: %(value)r is not one of %(choices)s", value=policy,
                          choices=", ".join(AWARD_POLICIES)))
    if positions < 1:
        problems.append(t("positions: at least one"))
    if not 1 <= index_floor <= 10_000:
        problems.append(t("index_floor: from 1 to 10,000"))
    if count_bonus < 0 or count_bonus_cap < 0:
        problems.append(t("count_bonus: must not be negative"))
    elif not has_at_most(count_bonus, INPUT_PLACES):
        problems.append(t("count_bonus: at most %(places)s decimal places", places=INPUT_PLACES))
    elif count_bonus > 1_000 or count_bonus_cap > 10_000:
        problems.append(t("count_bonus: at most 1,000 points, for at most 10,000 innovations"))
    if category is not None and category.competition_id != competition.id:
        problems.append(t("category: '%(category)s' is not a category of %(competition)s",
                          category=category.name, competition=competition.name))
    return problems


@operation
def add_award(competition: Competition, organiser: User, *, name: str, subject: str = "organisation",
              category: Category | None = None, positions: int = 5, policy: str = "index",
              index_floor: int = 3, count_bonus: float = 1.0, count_bonus_cap: int = 5,
              citation: str = "") -> Award:
    """Define an award; awards are filled in the order they are defined."""
    require_organiser(organiser, competition)
    problems = _award_problems(competition, None, name=name, subject=subject, category=category,
                               positions=positions, policy=policy, index_floor=index_floor,
                               count_bonus=count_bonus, count_bonus_cap=count_bonus_cap, citation=citation)
    if problems:
        raise InvalidInput(problems)
    award = Award(competition=competition, position=len(competition.awards) + 1, name=name.strip(),
                  subject=subject, category=category, positions=positions, policy=policy,
                  index_floor=index_floor, count_bonus=count_bonus, count_bonus_cap=count_bonus_cap,
                  citation=citation.strip())
    db.session.add(award)
    db.session.flush()
    record("award.added", organiser, competition=competition, subject=award,
           details={"name": award.name, "subject": award.subject, "positions": award.positions})
    return award


def ensure_default_award(competition: Competition, organiser: User) -> Award:
    """The competition's awards, or "OPD Terinovatif" (OPDs, positions 1–5) when it has none."""
    if competition.awards:
        return competition.awards[0]
    return add_award(competition, organiser, name=DEFAULT_AWARD_NAME, citation=DEFAULT_AWARD_CITATION)


def _require_awards_open(competition: Competition) -> None:
    if competition.phase in AWARDS_FIXED_PHASES:
        raise InvalidInput(t("The awards no longer change once judging is closed."))


@operation
def update_award(award: Award, organiser: User, *, name: str, subject: str, category: Category | None,
                 positions: int, policy: str, index_floor: int, count_bonus: float, count_bonus_cap: int,
                 citation: str) -> Award:
    """Change an award's settings (what :func:`add_award` takes), until judging is closed: from
    then on the results are decided with it, as with :func:`remove_award`."""
    competition = award.competition
    require_organiser(organiser, competition)
    _require_awards_open(competition)
    problems = _award_problems(competition, award, name=name, subject=subject, category=category,
                               positions=positions, policy=policy, index_floor=index_floor,
                               count_bonus=count_bonus, count_bonus_cap=count_bonus_cap, citation=citation)
    if problems:
        raise InvalidInput(problems)
    before = _award_settings(award)
    award.name, award.subject, award.category = name.strip(), subject, category
    award.positions, award.policy, award.index_floor = positions, policy, index_floor
    award.count_bonus, award.count_bonus_cap, award.citation = count_bonus, count_bonus_cap, citation.strip()
    db.session.flush()
    after = _award_settings(award)
    if changed := sorted(k for k in after if after[k] != before[k]):
        record("award.changed", organiser, competition=competition, subject=award,
               details={"name": award.name, "fields": changed})
    return award


def _award_settings(award: Award) -> dict[str, object]:
    return {name: getattr(award, name) for name in (
        "name", "subject", "category_id", "positions", "policy", "index_floor", "count_bonus",
        "count_bonus_cap", "citation")}


@operation
def reorder_awards(competition: Competition, organiser: User, award_ids: Sequence[int]) -> list[Award]:
    """Put the awards in the order given (the order they are filled in): every award of the
    competition, each once; until judging is closed."""
    require_organiser(organiser, competition)
    _require_awards_open(competition)
    awards = {a.id: a for a in competition.awards}
    if len(award_ids) != len(set(award_ids)) or set(award_ids) != set(awards):
        raise InvalidInput(t("award_ids: name each of the competition's awards once (%(ids)s)",
                             ids=", ".join(str(i) for i in awards)))
    ordered = [awards[i] for i in award_ids]
    if ordered == list(competition.awards):
        return ordered
    renumber(ordered)
    record("awards.reordered", organiser, competition=competition, details={"awards": list(award_ids)})
    db.session.expire(competition, ["awards"])
    return ordered


@operation
def remove_award(award: Award, organiser: User) -> None:
    """Remove an award the organiser defined; the awards after it move up. Not once results are
    being decided, nor when a tie decision for it is recorded. With no award left, "OPD
    Terinovatif" is used again (see :func:`ensure_default_award`)."""
    competition = award.competition
    require_organiser(organiser, competition)
    problems = []
    if competition.phase in AWARDS_FIXED_PHASES:
        problems.append(t("Awards can no longer be removed once judging is closed."))
    if db.session.scalar(select(func.count()).select_from(TieDecision)
                         .where(TieDecision.award_id == award.id)):
        problems.append(t("A tie decision is recorded for '%(name)s'.", name=award.name))
    if problems:
        raise InvalidInput(problems)
    following = [a for a in competition.awards if a.position > award.position]
    record("award.removed", organiser, competition=competition, subject=award, details={"name": award.name})
    competition.awards.remove(award)
    db.session.delete(award)
    db.session.flush()
    for later in sorted(following, key=lambda a: a.position):
        later.position -= 1
        db.session.flush()
    db.session.flush()
