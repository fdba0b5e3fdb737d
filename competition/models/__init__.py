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
    RoundOutcome,
    Score,
    ScoringEvent,
)
from competition.models.notifications import Notification, OutboxMessage
from competition.models.org import Organisation, Region
from competition.models.results import Award, ResultSet, TieDecision
from competition.models.user import MEMBERSHIP_ROLES, Membership, User

__all__ = [
    "Assignment", "Award", "Notification", "OutboxMessage", "ConflictOfInterest", "Criterion",
    "CriterionLevel", "Panel", "PanelMember",
    "ResultSet", "Round", "RoundOutcome", "Score", "ScoringEvent", "TieDecision",
    "COMPETITION_PHASES", "Category", "Competition", "CompetitionEvent", "ENTRY_STATUSES", "Entry",
    "EntryEvent", "Evidence", "MEMBERSHIP_ROLES", "Membership", "Organisation", "Region", "User",
]
