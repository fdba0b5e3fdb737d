"""The data model, one module per aggregate."""

from competition.models.competition import (
    COMPETITION_PHASES,
    Category,
    Competition,
    CompetitionEvent,
)
from competition.models.entry import ENTRY_STATUSES, Entry, EntryEvent, Evidence
from competition.models.judging import (
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
from competition.models.notifications import Notification, OutboxMessage
from competition.models.org import Organisation, Region
from competition.models.results import Award, ResultSet, ResultSetEvent, TieDecision
from competition.models.state import guard_state
from competition.models.user import MEMBERSHIP_ROLES, Membership, User

# Each state changes only through its door (see competition.models.state).
guard_state(Entry.status, "competition.services.entries.change_entry_status")
guard_state(Competition.phase, "competition.services.competitions.change_competition_phase")
guard_state(Round.status, "competition.services.rounds.change_round_status")
guard_state(Assignment.status, "competition.services.scoring.change_sheet_status")
guard_state(ResultSet.status, "competition.services.results.change_result_set_status")

__all__ = [
    "Assignment", "Award", "Notification", "OutboxMessage", "ConflictOfInterest", "Criterion",
    "CriterionLevel", "Panel", "PanelMember",
    "ResultSet", "ResultSetEvent", "Round", "RoundEvent", "RoundOutcome", "Score", "ScoringEvent",
    "TieDecision",
    "COMPETITION_PHASES", "Category", "Competition", "CompetitionEvent", "ENTRY_STATUSES", "Entry",
    "EntryEvent", "Evidence", "MEMBERSHIP_ROLES", "Membership", "Organisation", "Region", "User",
]
