"""The data model, one module per aggregate."""

from competition.models.competition import (
    COMPETITION_PHASES,
    Category,
    Competition,
    CompetitionEvent,
)
from competition.models.entry import ENTRY_STATUSES, Entry, EntryEvent, Evidence
from competition.models.org import Organisation, Region
from competition.models.user import MEMBERSHIP_ROLES, Membership, User

__all__ = [
    "COMPETITION_PHASES", "Category", "Competition", "CompetitionEvent", "ENTRY_STATUSES", "Entry",
    "EntryEvent", "Evidence", "MEMBERSHIP_ROLES", "Membership", "Organisation", "Region", "User",
]
