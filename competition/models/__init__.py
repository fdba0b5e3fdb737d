"""The data model, one module per aggregate."""

from competition.audit.models import AuditEvent, keep_audit_rows
from competition.ceremony.models import CeremonySettings
from competition.competitions.models import (
    COMPETITION_PHASES,
    SCHEDULABLE_CHANGES,
    UNITS_COMPETE_RULES,
    UNITS_OWN,
    UNITS_PARENT,
    Category,
    Competition,
    CompetitionEvent,
    ScheduledPhaseChange,
)
from competition.entries.models import ENTRY_STATUSES, Entry, EntryEvent, Evidence, SubmittedContent
from competition.iid.models import IndicatorLevel, RegionLevel
from competition.jobs.models import Job
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
from competition.monitoring.models import AgreementFigures
from competition.notifications.models import Notification, OutboxMessage
from competition.people.models import (
    MEMBERSHIP_ROLES,
    ApiToken,
    Membership,
    Organisation,
    Region,
    User,
    UserSession,
)
from competition.results.models import (
    Award,
    ResultRow,
    ResultSet,
    ResultSetEvent,
    ResultVerification,
    TieDecision,
)

# Each state changes only through its door (see competition.models.state).
guard_state(Entry.status, "competition.entries.operations.change_entry_status")
guard_state(Competition.phase, "competition.competitions.operations.change_competition_phase")
# For rounds, sheets and result sets the verbs that go with each change are named (they call the
# door and do what else the change needs: outcomes, entry moves, awards).
guard_state(Round.status, "competition.judging.rounds (open_round, close_round, reopen_round)")
guard_state(Assignment.status, "competition.judging.scoring (confirm_scores, reopen_scores)")
guard_state(ResultSet.status, "competition.results.operations.publish_results")

# The audit tables: rows only ever added, chained by their hashes (see competition.audit.models).
AUDIT_MODELS = (EntryEvent, CompetitionEvent, RoundEvent, ScoringEvent, ResultSetEvent, AuditEvent)
keep_audit_rows(AUDIT_MODELS)

__all__ = [
    "AgreementFigures", "ApiToken", "CeremonySettings",
    "AuditEvent", "Assignment", "Award", "Notification", "OutboxMessage", "ConflictOfInterest", "Criterion",
    "CriterionLevel", "IndicatorLevel", "Job", "RegionLevel", "Panel", "PanelMember",
    "ResultRow", "ResultSet", "ResultSetEvent", "ResultVerification", "Round", "RoundEvent", "RoundOutcome",
    "Score",
    "ScheduledPhaseChange", "SCHEDULABLE_CHANGES",
    "ScoringEvent", "SubmittedContent",
    "TieDecision",
    "COMPETITION_PHASES", "Category", "Competition", "CompetitionEvent", "ENTRY_STATUSES", "Entry",
    "EntryEvent", "Evidence", "MEMBERSHIP_ROLES", "Membership", "Organisation", "Region", "User",
    "UserSession",
    "UNITS_COMPETE_RULES", "UNITS_OWN", "UNITS_PARENT",
]
