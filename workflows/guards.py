"""Named guards that workflow files may list on a transition.

A guard takes a :class:`GuardContext` and returns ``None`` when the transition may go ahead, or
a sentence saying why not. Guards only read: they never change the subject or the database.
They rely on a small protocol on the subject (an entry, a competition, a judging round or a
judge's scoring sheet) rather than on the models module, so the engine stays independent of the
web application:

- an entry has ``organisation_id``, ``organisation_lineage_ids()``, ``missing_for_submission()``
  and ``competition`` (with ``submission_opens_at``, ``submission_closes_at``,
  ``verification_closes_at``);
- a competition has ``count_entries_awaiting_verification()`` and ``open_round_names()``;
- a round has ``name``, ``criteria``, ``panels``, ``unclosed_earlier_round_names()``,
  ``started_later_round_names()`` and ``assigned_later_round_names()``;
- a scoring sheet has ``judge_id``, ``entry`` (with ``title``) and ``round`` (with ``name`` and
  ``status``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflows.messages import t

if TYPE_CHECKING:
    from workflows.engine import Actor


@dataclass(frozen=True)
class GuardContext:
    subject: Any
    actor: Actor
    now: datetime
    phase: str | None = None


Guard = Callable[[GuardContext], "str | None"]
GUARDS: dict[str, Guard] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    def register(func: Guard) -> Guard:
        GUARDS[name] = func
        return func
    return register


@guard("actor_in_entry_organisation")
def actor_in_entry_organisation(context: GuardContext) -> str | None:
    """The actor works in the entry's organisation or in an organisation above it."""
    entry = context.subject
    if "system" in context.actor.roles:
        return None
    if context.actor.organisation_id not in entry.organisation_lineage_ids():
        return t("%(name)s does not belong to the organisation that owns this innovation",
                 name=context.actor.name)
    return None


@guard("actor_not_in_entry_organisation")
def actor_not_in_entry_organisation(context: GuardContext) -> str | None:
    """A verifier never checks their own organisation's innovation."""
    entry = context.subject
    if context.actor.organisation_id is not None and \
            context.actor.organisation_id in entry.organisation_lineage_ids():
        return t("%(name)s belongs to the organisation that owns this innovation "
                 "(conflict of interest)", name=context.actor.name)
    return None


@guard("entry_complete")
def entry_complete(context: GuardContext) -> str | None:
    """Every field the verifier needs is filled in and evidence is attached."""
    missing = context.subject.missing_for_submission()
    if missing:
        return t("incomplete: %(missing)s", missing="; ".join(missing))
    return None


def _format(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@guard("submission_window_open")
def submission_window_open(context: GuardContext) -> str | None:
    competition = context.subject.competition
    if context.now < competition.submission_opens_at:
        return t("submission opens at %(moment)s", moment=_format(competition.submission_opens_at))
    if context.now >= competition.submission_closes_at:
        return t("submission closed at %(moment)s", moment=_format(competition.submission_closes_at))
    return None


@guard("verification_window_open")
def verification_window_open(context: GuardContext) -> str | None:
    competition = context.subject.competition
    if context.now >= competition.verification_closes_at:
        return t("verification closed at %(moment)s",
                 moment=_format(competition.verification_closes_at))
    return None


@guard("no_entries_awaiting_verification")
def no_entries_awaiting_verification(context: GuardContext) -> str | None:
    waiting = context.subject.count_entries_awaiting_verification()
    if waiting:
        return t("%(count)s innovation(s) are still submitted and awaiting verification", count=waiting)
    return None


@guard("all_rounds_closed")
def all_rounds_closed(context: GuardContext) -> str | None:
    """Judging ends only when no round is still being scored."""
    still_open = context.subject.open_round_names()
    if still_open:
        return t("judging round(s) %(rounds)s are not closed yet", rounds=", ".join(still_open))
    return None


# -- judging rounds --------------------------------------------------------------------------------

@guard("earlier_rounds_closed")
def earlier_rounds_closed(context: GuardContext) -> str | None:
    """Rounds are judged in order: a round opens once every round before it is closed."""
    unclosed = context.subject.unclosed_earlier_round_names()
    if unclosed:
        return t("round '%(round)s' must be closed first", round=unclosed[0])
    return None


@guard("round_has_rubric")
def round_has_rubric(context: GuardContext) -> str | None:
    if not context.subject.criteria:
        return t("round '%(round)s' has no rubric", round=context.subject.name)
    return None


@guard("round_has_panel")
def round_has_panel(context: GuardContext) -> str | None:
    if not context.subject.panels:
        return t("round '%(round)s' has no panel of judges", round=context.subject.name)
    return None


@guard("no_later_round_started")
def no_later_round_started(context: GuardContext) -> str | None:
    """A closed round is reopened only while the rounds after it, which take the entries it
    advanced, are still being set up."""
    started = context.subject.started_later_round_names()
    if started:
        return t("round '%(round)s' has already been opened, so an earlier round can no longer be "
                 "reopened", round=started[0])
    return None


@guard("no_judges_assigned_in_a_later_round")
def no_judges_assigned_in_a_later_round(context: GuardContext) -> str | None:
    """Reopening a round may change which entries move on; judges already assigned to the next
    round would keep entries that no longer advance, so they are removed first."""
    assigned = context.subject.assigned_later_round_names()
    if assigned:
        return t("judges are already assigned in round '%(round)s'; remove those assignments before "
                 "reopening an earlier round", round=assigned[0])
    return None


# -- judges' scoring sheets ------------------------------------------------------------------------

@guard("actor_is_sheet_judge")
def actor_is_sheet_judge(context: GuardContext) -> str | None:
    """Judges confirm their own sheets only."""
    sheet = context.subject
    if context.actor.user_id != sheet.judge_id:
        return t("%(judge)s is not assigned to '%(title)s' in round '%(round)s'", judge=context.actor.name,
                 title=sheet.entry.title, round=sheet.round.name)
    return None


@guard("sheet_round_open")
def sheet_round_open(context: GuardContext) -> str | None:
    """Scores are confirmed and reopened only while their round is open."""
    round_ = context.subject.round
    if round_.status != "open":
        return t("round '%(round)s' is not open; scores change only while their round is open",
                 round=round_.name)
    return None
