"""The data model, one module per aggregate."""

from competition.competitions.models import (
    COMPETITION_PHASES,
    Category,
    Competition,
    CompetitionEvent,
)
from competition.entries.models import ENTRY_STATUSES, Entry, EntryEvent, Evidence
from competition.judging.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionLevel,
    Panel,
    PanelMember,
    Round,
    RoundEvent,
    RoundOutcome,
    Score,
    ScoringEvent,
)
from competition.models.state import guard_state
from competition.notifications.models import Notification, OutboxMessage
from competition.people.models import MEMBERSHIP_ROLES, Membership, Organisation, Region, User
from competition.results.models import Award, ResultSet, ResultSetEvent, TieDecision

# Each state changes only through its door (see competition.models.state).
guard_state(Entry.status, "competition.entries.operations.change_entry_status")
guard_state(Competition.phase, "competition.competitions.operations.change_competition_phase")
guard_state(Round.status, "competition.judging.rounds.change_round_status")
guard_state(Assignment.status, "competition.judging.scoring.change_sheet_status")
guard_state(ResultSet.status, "competition.results.operations.change_result_set_status")

__all__ = [
    "Assignment", "Award", "Notification", "OutboxMessage", "ConflictOfInterest", "Criterion",
    "CriterionLevel", "Panel", "PanelMember",
    "ResultSet", "ResultSetEvent", "Round", "RoundEvent", "RoundOutcome", "Score", "ScoringEvent",
    "TieDecision",
    "COMPETITION_PHASES", "Category", "Competition", "CompetitionEvent", "ENTRY_STATUSES", "Entry",
    "EntryEvent", "Evidence", "MEMBERSHIP_ROLES", "Membership", "Organisation", "Region", "User",
]
