"""Who may do what: ``can_<verb>(user, obj)`` predicates, in one place.

Workflow transitions carry their own rules (roles, phases, guards) in the workflow files; the
predicates here cover everything else and build the :class:`~workflows.Actor` the engine needs.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from competition.judging.conflicts import organisation_conflict
from competition.models import Assignment, Competition, ConflictOfInterest, Entry, Organisation, User
from workflows import Actor, get_workflow

ENTRY_WORKFLOW = "innovation"
# Phases in which an OPD may create and edit drafts.
DRAFTING_PHASES = ("open", "verification")


def roles_in(user: User, competition: Competition) -> frozenset[str]:
    if not user.active:
        return frozenset()
    return frozenset(m.role for m in user.memberships if m.competition_id == competition.id)


def actor_for(user: User, competition: Competition) -> Actor:
    return Actor(user_id=user.id, name=user.name, roles=roles_in(user, competition),
                 organisation_id=user.organisation_id)


def works_for(user: User, organisation: Organisation) -> bool:
    """The user belongs to the organisation or to one above it."""
    return user.organisation_id is not None and user.organisation_id in organisation.lineage_ids()


def can_create_entry(user: User, competition: Competition, organisation: Organisation) -> bool:
    return ("submitter" in roles_in(user, competition) and works_for(user, organisation)
            and competition.phase == "open" and organisation.region_id == competition.region_id)


def can_edit_entry(user: User, entry: Entry) -> bool:
    """Drafts and returned entries may be edited by their own OPD while the competition takes them."""
    kind = get_workflow(ENTRY_WORKFLOW).definition.state(entry.status).kind
    return (kind == "editable" and "submitter" in roles_in(user, entry.competition)
            and works_for(user, entry.organisation) and entry.competition.phase in DRAFTING_PHASES)


def can_view_entry(user: User, entry: Entry) -> bool:
    """An OPD sees its own entries; organisers and verifiers see every entry but other OPDs'
    unsubmitted drafts."""
    roles = roles_in(user, entry.competition)
    if works_for(user, entry.organisation) and "submitter" in roles:
        return True
    if roles & {"organiser", "verifier"}:
        return entry.status != "draft" or entry.submitted_at is not None
    return False


def organised_competitions(user: User) -> list[Competition]:
    """The competitions ``user`` organises, newest first."""
    if not user.active:
        return []
    competitions = {m.competition.id: m.competition for m in user.memberships if m.role == "organiser"}
    return sorted(competitions.values(), key=lambda c: (-c.year, c.id))


def can_manage_user(organiser: User, user: User) -> bool:
    """Organisers look after the people of their competitions' regions and anyone holding a role
    in their competitions."""
    competitions = organised_competitions(organiser)
    if not competitions:
        return False
    if user.organisation is not None and user.organisation.region_id in {c.region_id for c in competitions}:
        return True
    return any(m.competition_id in {c.id for c in competitions} for m in user.memberships)


def can_see_evidence(user: User, entry: Entry) -> bool:
    """Whoever may view an entry sees its evidence; so does a judge assigned to score the entry,
    unless they have a conflict of interest with it (declared, or by working in its OPD, above it
    or below it)."""
    if can_view_entry(user, entry):
        return True
    if "judge" not in roles_in(user, entry.competition):
        return False
    session = object_session(entry)
    if session is None:
        return False
    assigned = session.scalar(select(Assignment.id).where(
        Assignment.entry_id == entry.id, Assignment.judge_id == user.id).limit(1))
    declared = session.scalar(select(ConflictOfInterest.id).where(
        ConflictOfInterest.entry_id == entry.id, ConflictOfInterest.judge_id == user.id).limit(1))
    if assigned is None or declared is not None:
        return False
    judge_lineage = user.organisation.lineage_ids() if user.organisation else []
    return not organisation_conflict(judge_lineage, entry.organisation.lineage_ids())
