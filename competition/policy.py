"""Who may do what, and conflicts of interest: the one place every layer asks.

Views, commands, operations and jobs ask here, never decide for themselves. Workflow transitions
carry their own rules (roles, phases, guards) in the workflow files; the predicates here cover
everything else and build the :class:`~workflows.Actor` the engine needs.

- roles: :func:`roles_in`, :func:`actor_for`, :func:`works_for`, :func:`competitions_where`,
  :func:`takes_part`;
- organising: :func:`is_organiser`, :func:`require_organiser`, :func:`organised_competitions`,
  :func:`can_clone`, :func:`cloneable_competitions`;
  :func:`can_send_bulk_messages`;
- innovations: :func:`can_create_entry`, :func:`can_import_entries`, :func:`can_edit_entry`,
  :func:`can_view_entry`, :func:`can_see_evidence`, :func:`hides_organisation`, :func:`can_see_result`,
  :func:`can_verify`, :func:`verifiable_entries`, :func:`can_read_feedback`;
- judging: :func:`is_judge`, :func:`can_score`, :func:`conflict_of_interest`,
  :func:`is_conflicted`, :func:`without_conflict`, :func:`declared_conflicts`, :func:`eligible_judges`;
- people: :func:`can_manage_user`, :func:`can_run_account`, :func:`can_see_user`,
  :func:`seen_users`;
- the IID rehearsal: :func:`can_see_region_iid`, :func:`can_see_iid`, :func:`can_claim_iid`,
  :func:`can_verify_iid`, :func:`can_set_region_iid`;
- the audit trail: :func:`can_view_audit_trail`;
- background jobs: :func:`can_see_job`.

The rule that follows from the organisation tree alone is pure, in
:mod:`competition.judging.conflicts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select
from sqlalchemy.orm import object_session

from competition.errors import NotPermitted
from competition.extensions import db
from competition.judging.conflicts import organisation_conflict
from competition.judging.models import REMOVED
from competition.models import (
    ApiToken,
    Assignment,
    Competition,
    ConflictOfInterest,
    Entry,
    Job,
    Membership,
    Organisation,
    Panel,
    ResultSet,
    Round,
    User,
)
from competition.notifications.models import Notification
from workflows import Actor, get_workflow
from workflows.messages import t

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


def roles_anywhere(user: User) -> frozenset[str]:
    """Every role ``user`` holds in some competition (for the menu)."""
    if not user.active:
        return frozenset()
    return frozenset(m.role for m in user.memberships)


def competitions_where(user: User, role: str) -> set[int]:
    """Ids of the competitions in which ``user`` holds ``role`` (none once deactivated)."""
    if not user.active:
        return set()
    return {m.competition_id for m in user.memberships if m.role == role}


def taking_part(user: User) -> ColumnElement[bool]:
    """The competitions in which ``user`` holds a role, as a condition on Competition (none
    once deactivated)."""
    if not user.active:
        return false()
    return Competition.id.in_(select(Membership.competition_id).where(Membership.user_id == user.id))


# Judges alone are not told which OPDs there are: in a blind round the list would narrow down
# whose innovation they score.
SEES_ORGANISATIONS = ("organiser", "verifier", "submitter")


def seeing_organisations(user: User) -> ColumnElement[bool]:
    """The competitions whose region's OPDs ``user`` may list, as a condition on Competition: those
    in which they hold a role other than judge."""
    if not user.active:
        return false()
    return Competition.id.in_(select(Membership.competition_id).where(
        Membership.user_id == user.id, Membership.role.in_(SEES_ORGANISATIONS)))


def sees_organisations(user: User, competition: Competition) -> bool:
    """``user`` may list the OPDs of ``competition``'s region (see :func:`seeing_organisations`)."""
    return bool(roles_in(user, competition) & set(SEES_ORGANISATIONS))


def takes_part(user: User, competition: Competition) -> bool:
    """``user`` holds a role in ``competition``: they know of it and of its rounds, sheets and
    conflicts (whether they may see or change them is another question)."""
    return bool(roles_in(user, competition))


def can_revoke_token(user: User, token: ApiToken) -> bool:
    """A personal API token is its owner's alone to revoke."""
    return token.user_id == user.id


# -- organising -----------------------------------------------------------------------------------

def is_organiser(user: User, competition: Competition) -> bool:
    return "organiser" in roles_in(user, competition)


def require_organiser(user: User, competition: Competition) -> None:
    """:raises NotPermitted: unless ``user`` organises ``competition``."""
    if not is_organiser(user, competition):
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=user.name,
                             competition=competition.name))


def can_send_bulk_messages(user: User, competition: Competition) -> bool:
    """Messages to many people at once (every OPD, the OPDs with nothing submitted, every judge)
    are sent by the competition's organisers alone."""
    return user.active and is_organiser(user, competition)


def can_see_job(user: User, job: Job | None) -> bool:
    """A background job is seen by the person who asked for it and by its competition's organisers
    (a job that does not exist, by nobody)."""
    if job is None or not user.active:
        return False
    return job.requested_by_id == user.id or (job.competition is not None
                                              and is_organiser(user, job.competition))


# Innovations that take no further part: they count in no IID and take no IID levels.
IID_LEFT_OUT = ("withdrawn", "rejected")


def can_see_region_iid(user: User, competition: Competition) -> bool:
    """The region's whole IID rehearsal (every innovation's contribution, the regional rows) is for
    the organisers, the Bappeda."""
    return user.active and is_organiser(user, competition)


def can_see_iid(user: User, competition: Competition) -> bool:
    """The IID page: the organisers see the region's; an OPD's submitters see it for their own
    innovations."""
    if can_see_region_iid(user, competition):
        return True
    return user.active and "submitter" in roles_in(user, competition) and user.organisation_id is not None


def _iid_open(user: User, entry: Entry) -> bool:
    return (user.active and entry.status not in IID_LEFT_OUT and entry.competition.phase != "closed"
            and can_view_entry(user, entry))


def can_claim_iid(user: User, entry: Entry) -> bool:
    """An innovation's IID levels are claimed by its OPD's submitters, or by an organiser for it
    (an innovation the organiser can see: submitted at least once), until the competition closes."""
    if not _iid_open(user, entry):
        return False
    return is_organiser(user, entry.competition) or (
        "submitter" in roles_in(user, entry.competition) and works_for(user, entry.organisation))


def can_verify_iid(user: User, entry: Entry) -> bool:
    """A verifier (not of the innovation's own OPD) or an organiser confirms or lowers the claimed
    levels of an innovation submitted at least once, until the competition closes."""
    if not _iid_open(user, entry) or (entry.status == "draft" and entry.submitted_at is None):
        return False
    if is_organiser(user, entry.competition):
        return True
    return "verifier" in roles_in(user, entry.competition) and not works_for(user, entry.organisation)


def can_set_region_iid(user: User, competition: Competition) -> bool:
    """The regional (SPD) rows are the Bappeda's: the organisers set them until the competition closes."""
    return can_see_region_iid(user, competition) and competition.phase != "closed"


def can_view_audit_trail(user: User, competition: Competition) -> bool:
    """The competition's audit trail (who did what, and when) is for its organisers alone."""
    return is_organiser(user, competition)


def can_create_entry(user: User, competition: Competition, organisation: Organisation) -> bool:
    return ("submitter" in roles_in(user, competition) and works_for(user, organisation)
            and competition.phase == "open" and organisation.region_id == competition.region_id)


def can_import_entries(user: User, competition: Competition,
                       organisation: Organisation | None = None) -> bool:
    """Drafts from a file, while the competition takes innovations: an organiser imports them for any
    OPD of the competition's region, an OPD's submitter for its own OPD (and the units below it)
    alone. Without ``organisation``: whether the user may import for some OPD at all."""
    if competition.phase != "open" or not user.active:
        return False
    if organisation is not None and organisation.region_id != competition.region_id:
        return False
    if is_organiser(user, competition):
        return True
    if organisation is None:
        return "submitter" in roles_in(user, competition) and user.organisation_id is not None
    return can_create_entry(user, competition, organisation)


def can_edit_entry(user: User, entry: Entry) -> bool:
    """Drafts may be edited by their own OPD while the competition takes submissions; returned
    entries also while verification lasts (they can still be resubmitted then). Closing
    submissions locks the drafts: they can no longer be submitted."""
    kind = get_workflow(ENTRY_WORKFLOW).definition.state(entry.status).kind
    phases = ("open",) if entry.status == "draft" else DRAFTING_PHASES
    return (kind == "editable" and "submitter" in roles_in(user, entry.competition)
            and works_for(user, entry.organisation) and entry.competition.phase in phases)


# Changes of an innovation's status inside the jury's work (scoring reopened): its OPD and verifiers
# see the change on the timeline but not the organiser's reason, and the OPD is not told of it.
JURY_ONLY_TRIGGERS = frozenset({"reopen_scoring"})


def can_read_status_comment(user: User, entry: Entry, trigger: str) -> bool:
    """Whether ``user`` reads the comment of a ``trigger`` change on ``entry``'s timeline."""
    return trigger not in JURY_ONLY_TRIGGERS or is_organiser(user, entry.competition)


def can_view_entry(user: User, entry: Entry) -> bool:
    """An OPD sees its own entries; organisers and verifiers see every entry but other OPDs'
    unsubmitted drafts."""
    roles = roles_in(user, entry.competition)
    if works_for(user, entry.organisation) and "submitter" in roles:
        return True
    if roles & {"organiser", "verifier"}:
        return entry.status != "draft" or entry.submitted_at is not None
    return False


def organisations_below(organisation: Organisation) -> Select[tuple[int]]:
    """The ids of the organisations below ``organisation``, however deep (UNION, not UNION ALL: a
    loop in the tree ends the walk, as it ends Organisation.lineage_ids)."""
    below = select(Organisation.id).where(Organisation.parent_id == organisation.id).cte(
        "below", recursive=True)
    below = below.union(select(Organisation.id).join(below, Organisation.parent_id == below.c.id))
    return select(below.c.id)


def viewable_entries(user: User, competition: Competition) -> ColumnElement[bool]:
    """:func:`can_view_entry` as a condition on the competition's entries, for lists."""
    roles = roles_in(user, competition)
    seen: list[ColumnElement[bool]] = []
    if "submitter" in roles:
        if user.organisation is not None:   # the OPD's own entries and those of every unit below it
            seen.append(or_(Entry.organisation_id == user.organisation.id,
                            Entry.organisation_id.in_(organisations_below(user.organisation))))
    if roles & {"organiser", "verifier"}:
        seen.append(or_(Entry.status != "draft", Entry.submitted_at.is_not(None)))
    return or_(*seen) if seen else false()


def can_see_result(user: User, entry: Entry) -> bool:
    """The published result of an innovation is shown to its OPD and to the organisers."""
    return works_for(user, entry.organisation) or is_organiser(user, entry.competition)


def can_read_feedback(user: User, entry: Entry) -> bool:
    """The judges' comments on an innovation, anonymised, are read by its own OPD's operators (the
    OPD's or one above it, as :func:`works_for` says) alone, once the competition's results are
    published, and only when its organisers turned feedback to OPDs on."""
    competition = entry.competition
    if not (competition.opd_feedback and user.active and "submitter" in roles_in(user, competition)
            and works_for(user, entry.organisation)):
        return False
    session = object_session(entry) or db.session
    published = session.scalar(select(ResultSet.id).where(
        ResultSet.competition_id == competition.id, ResultSet.status == "published").limit(1))
    return published is not None


def can_verify(user: User, entry: Entry) -> bool:
    """A verifier of the competition may open an innovation for review (its own OPD's included,
    to be told it may not decide on it: the workflow refuses that)."""
    return "verifier" in roles_in(user, entry.competition)


def verifiable_entries(user: User) -> ColumnElement[bool]:
    """The verifier's queue as a condition on entries: of the competitions in which ``user``
    verifies, submitted at least once, and not of their own OPD or a unit below it (the queue
    leaves those out, as :func:`works_for` says)."""
    competitions = competitions_where(user, "verifier")
    if not competitions:
        return false()
    seen = and_(Entry.competition_id.in_(sorted(competitions)),
                or_(Entry.status != "draft", Entry.submitted_at.is_not(None)))
    if user.organisation is None:
        return seen
    own = or_(Entry.organisation_id == user.organisation.id,
              Entry.organisation_id.in_(organisations_below(user.organisation)))
    return and_(seen, not_(own))


def can_open_notification(user: User, notification: Notification) -> bool:
    """A notification is its recipient's alone."""
    return notification.user_id == user.id


def role_revocation_refusal(user: User, membership: Membership) -> str | None:
    """Why ``user`` may not take ``membership`` away, or ``None``: only an organiser of its
    competition may; nobody removes their own organiser role (another organiser can); and a
    competition keeps at least one organiser."""
    competition = membership.competition
    if not is_organiser(user, competition):
        return t("%(user)s is not an organiser of %(competition)s", user=user.name,
                 competition=competition.name)
    if membership.role != "organiser":
        return None
    if membership.user_id == user.id:
        return t("role: you cannot remove your own organiser role")
    organisers = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.competition_id == competition.id, Membership.role == "organiser"))
    if (organisers or 0) <= 1:
        return t("role: %(competition)s would have no organiser left", competition=competition.name)
    return None


def organised_competitions(user: User) -> list[Competition]:
    """The competitions ``user`` organises, newest first."""
    if not user.active:
        return []
    competitions = {m.competition.id: m.competition for m in user.memberships if m.role == "organiser"}
    return sorted(competitions.values(), key=lambda c: (-c.year, -c.id))


def can_clone(user: User, source: Competition) -> bool:
    """Whether ``user`` may start a new competition set up like ``source``: only as one of its
    organisers, so only in its region (the new competition belongs to the source's region), as
    :func:`competition.competitions.cloning.clone_competition` requires."""
    return is_organiser(user, source)


def cloneable_competitions(user: User) -> list[Competition]:
    """The competitions ``user`` may start a new one from (see :func:`can_clone`), newest first."""
    return [competition for competition in organised_competitions(user) if can_clone(user, competition)]


def can_manage_user(organiser: User, user: User) -> bool:
    """Whether ``organiser`` runs ``user``'s account: grants it roles, (de)activates it, sends it
    a password link. The account must belong to the region of one of their competitions, and take
    part in one of those competitions or in none yet (an OPD's newcomer); the organiser of a
    competition they do not organise is never theirs, even in their own region."""
    competitions = organised_competitions(organiser)
    if user.region_id is None or user.region_id not in {c.region_id for c in competitions}:
        return False
    mine = {c.id for c in competitions}
    held = {m.competition_id for m in user.memberships}
    if any(m.role == "organiser" and m.competition_id not in mine for m in user.memberships):
        return False
    return not held or bool(held & mine)


def can_run_account(organiser: User, user: User) -> bool:
    """Whether ``organiser`` may switch ``user``'s account off or on, or send it a password link:
    every role it holds must be in their competitions (or it holds none), since those reach
    into every competition the account serves."""
    mine = {c.id for c in organised_competitions(organiser)}
    return can_manage_user(organiser, user) and all(m.competition_id in mine for m in user.memberships)


def can_see_user(organiser: User, user: User) -> bool:
    """Whether ``organiser`` sees ``user`` among their people: everyone they manage, and anyone
    holding a role in one of their competitions (whose role there they may revoke)."""
    mine = {c.id for c in organised_competitions(organiser)}
    return any(m.competition_id in mine for m in user.memberships) or can_manage_user(organiser, user)


def seen_users(organiser: User) -> ColumnElement[bool]:
    """:func:`can_see_user` as a condition on users, for listing them in one query."""
    competitions = organised_competitions(organiser)
    holds = select(Membership.user_id)
    return or_(
        User.id.in_(holds.where(Membership.competition_id.in_([c.id for c in competitions]))),
        and_(User.region_id.in_({c.region_id for c in competitions}), User.id.not_in(holds)))


def activation_refusal(user: User, other: User, active: bool) -> str | None:
    """Why ``user`` may not (de)activate ``other``'s account, or ``None``: they must look after
    that person (:func:`can_manage_user`), and nobody deactivates their own account."""
    if not active and other.id == user.id:
        return t("You cannot deactivate your own account.")
    if not can_run_account(user, other):
        return t("%(user)s may not manage the account of %(other)s", user=user.name, other=other.name)
    return None


# -- judging ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    """Why a judge may not judge an entry: ``kind`` "declared" (``detail`` is their reason) or
    "organisation" (``detail`` is the judge's organisation; ``relation`` "same", "above" or
    "below" the entry's)."""

    kind: str
    detail: str
    relation: str | None = None


def is_judge(user: User, competition: Competition | None = None) -> bool:
    """``user`` judges in ``competition``, or in any competition when none is given."""
    if competition is None:
        return bool(competitions_where(user, "judge"))
    return "judge" in roles_in(user, competition)


def declared_conflicts(competition: Competition | None = None, *,
                       judge: User | None = None) -> set[tuple[int, int]]:
    """(entry id, judge id) pairs with a declared conflict: in ``competition``, or of ``judge``."""
    query = select(ConflictOfInterest.entry_id, ConflictOfInterest.judge_id)
    if competition is not None:
        query = query.join(Entry, Entry.id == ConflictOfInterest.entry_id).where(
            Entry.competition_id == competition.id)
    if judge is not None:
        query = query.where(ConflictOfInterest.judge_id == judge.id)
    return {(entry_id, judge_id) for entry_id, judge_id in db.session.execute(query)}


def conflict_of_interest(judge: User, entry: Entry, declared: dict[tuple[int, int], str] | None = None
                         ) -> Conflict | None:
    """Why ``judge`` may neither see nor score ``entry``, or ``None``: they declared a conflict, or
    they work in the entry's organisation, above it or below it.

    :param declared: (entry id, judge id) -> declared reason, when the caller has them all; by
        default the judge's declaration about this entry is looked up.
    """
    if declared is None:
        reason = db.session.scalar(select(ConflictOfInterest.reason).where(
            ConflictOfInterest.entry_id == entry.id, ConflictOfInterest.judge_id == judge.id))
    else:
        reason = declared.get((entry.id, judge.id))
    if reason is not None:
        return Conflict("declared", reason)
    if judge.organisation is None:
        return None
    judge_lineage = judge.organisation.lineage_ids()
    entry_lineage = entry.organisation.lineage_ids()
    if not organisation_conflict(judge_lineage, entry_lineage):
        return None
    relation = ("same" if judge_lineage[0] == entry_lineage[0]
                else "above" if judge_lineage[0] in entry_lineage else "below")
    return Conflict("organisation", judge.organisation.name, relation)


def is_conflicted(judge: User, entry: Entry, declared: Iterable[tuple[int, int]] | None = None) -> bool:
    """The judge may neither see nor score the entry (see :func:`conflict_of_interest`).

    :param declared: (entry id, judge id) pairs with a declared conflict, when the caller has
        them; by default they are looked up.
    """
    if declared is None:  # one judge and one entry: ask about that pair alone
        return conflict_of_interest(judge, entry) is not None
    return (entry.id, judge.id) in declared or conflict_of_interest(judge, entry, {}) is not None


def eligible_judges(panels: Iterable[Panel], entry: Entry, declared: Iterable[tuple[int, int]]
                    ) -> list[User]:
    """Members of the panels for the entry's category (or for every category) who have no
    conflict of interest with it."""
    judges: dict[int, User] = {}
    for panel in panels:
        if panel.category_id in (None, entry.category_id):
            for member in panel.members:
                judges[member.judge_id] = member.judge
    pairs = set(declared)
    return [j for j in judges.values() if not is_conflicted(j, entry, pairs)]


def without_conflict(judge: User) -> ColumnElement[bool]:
    """:func:`is_conflicted` as a condition on entries, for finding the entries ``judge`` may judge
    in one query: no conflict declared, and the entry's organisation neither the judge's, nor one
    above it, nor one below it."""
    declared = select(ConflictOfInterest.id).where(ConflictOfInterest.entry_id == Entry.id,
                                                   ConflictOfInterest.judge_id == judge.id).exists()
    if judge.organisation is None:
        return ~declared
    return and_(~declared, Entry.organisation_id.not_in(judge.organisation.lineage_ids()),
                Entry.organisation_id.not_in(organisations_below(judge.organisation)))


def can_score(judge: User, assignment: Assignment,
              declared: Iterable[tuple[int, int]] | None = None) -> bool:
    """The assignment is the judge's, they still judge in its competition, and they have no
    conflict of interest with its innovation.

    :param declared: as for :func:`is_conflicted` (the caller may have read the judge's
        declaration about this innovation with the assignment).
    """
    return (assignment.judge_id == judge.id and assignment.status != REMOVED
            and is_judge(judge, assignment.round.competition)
            and not is_conflicted(judge, assignment.entry, declared))


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
        Assignment.entry_id == entry.id, Assignment.judge_id == user.id,
        Assignment.status != REMOVED).limit(1))
    declared = session.scalar(select(ConflictOfInterest.id).where(
        ConflictOfInterest.entry_id == entry.id, ConflictOfInterest.judge_id == user.id).limit(1))
    if assigned is None or declared is not None:
        return False
    return not is_conflicted(user, entry, declared=())


def hides_organisation(user: User, entry: Entry) -> bool:
    """``user`` sees ``entry`` only as a judge, and judges it in a blind round (open or not):
    nothing shown to them may name its OPD, so a link's address is not shown either."""
    if can_view_entry(user, entry):
        return False
    session = object_session(entry)
    if session is None:
        return True
    blind = session.scalar(select(Assignment.id).join(Round, Round.id == Assignment.round_id).where(
        Assignment.entry_id == entry.id, Assignment.judge_id == user.id, Round.blind.is_(True)).limit(1))
    return blind is not None
