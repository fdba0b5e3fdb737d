"""Creating and editing innovations, and the one function that changes their status."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from competition.audit.operations import record
from competition.documents.inputs import (
    LONG_TEXT,
    RUPIAH_MAX,
    clean_comment,
    identifier,
    number_text,
    read_whole_number,
    text_problem,
)
from competition.entries.models import BENTUK, INISIATOR, JENIS, TAHAPAN
from competition.entries.similarity import most_alike, similarity
from competition.errors import ConcurrentChange, InvalidInput, NotFound, NotPermitted
from competition.extensions import db
from competition.models import Category, Competition, Entry, EntryEvent, Organisation, SubmittedContent, User
from competition.models.types import utcnow
from competition.notifications.operations import queue_entry_notifications
from competition.policy import (
    ENTRY_WORKFLOW,
    actor_for,
    can_create_entry,
    can_edit_entry,
    can_read_status_comment,
)
from competition.unit_of_work import operation
from workflows import Actor, get_workflow
from workflows.messages import t

_CHOICES = {"inisiator": INISIATOR, "tahapan": TAHAPAN, "jenis": JENIS, "bentuk": BENTUK}
# Each text with its limit (the column's size, or the limit of a long text); the first three are
# one line each.
_TEXTS = {"title": 250, "urusan": 120, "urusan_terkait": 250, "rancang_bangun": LONG_TEXT,
          "tujuan": LONG_TEXT, "manfaat": LONG_TEXT, "hasil": LONG_TEXT}
_ONE_LINE = ("title", "urusan", "urusan_terkait")
_DATES = ("trial_started_on", "implemented_on")
ENTRY_FIELDS = frozenset(_CHOICES) | frozenset(_TEXTS) | frozenset(_DATES) | {"anggaran_rupiah",
                                                                              "category_id"}


def clean_entry_fields(competition: Competition, fields: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the editable fields of an entry.

    :raises InvalidInput: naming every field that is wrong and why.
    """
    problems: list[str] = []
    clean: dict[str, Any] = {}
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        problems.append(t("unknown field(s): %(names)s", names=", ".join(sorted(unknown))))
    for name, value in fields.items():
        if name in _TEXTS:
            text = "" if value is None else str(value).strip()
            problem = text_problem(name, text, _TEXTS[name], one_line=name in _ONE_LINE)
            if problem:
                problems.append(problem)
            if name == "title" and not text:
                problems.append(t("title: must not be empty"))
            clean[name] = text
        elif name in _CHOICES:
            if value not in _CHOICES[name]:
                problems.append(t("%(field)s: %(value)r is not one of %(choices)s", field=name, value=value,
                                  choices=", ".join(_CHOICES[name])))
            clean[name] = value
        elif name in _DATES:
            _clean_date(name, value, clean, problems)
        elif name == "anggaran_rupiah":
            _clean_budget(value, clean, problems)
        elif name == "category_id":
            _clean_category(competition, value, clean, problems)
    trial, implemented = clean.get("trial_started_on"), clean.get("implemented_on")
    if trial and implemented and implemented < trial:
        problems.append(t("implemented_on: the implementation date is before the trial date"))
    if problems:
        raise InvalidInput(problems)
    return clean


def _clean_date(name: str, value: Any, clean: dict[str, Any], problems: list[str]) -> None:
    if value in (None, ""):
        clean[name] = None
    elif isinstance(value, date) and not isinstance(value, datetime):
        clean[name] = value
    else:
        try:
            clean[name] = date.fromisoformat(str(value))
        except ValueError:
            problems.append(t("%(field)s: %(value)r is not a date (YYYY-MM-DD)", field=name, value=value))


def _clean_budget(value: Any, clean: dict[str, Any], problems: list[str]) -> None:
    """Whole rupiah, written with or without thousands dots ("150.000.000")."""
    if value in (None, ""):
        clean["anggaran_rupiah"] = None
        return
    if isinstance(value, int) and not isinstance(value, bool):
        amount: int | None = value
    else:
        amount = read_whole_number(str(value).replace(".", "").replace(" ", ""))
    if amount is None:
        problems.append(t("anggaran_rupiah: %(value)r is not a whole number of rupiah", value=value))
    elif amount < 0:
        problems.append(t("anggaran_rupiah: must not be negative"))
    elif amount > RUPIAH_MAX:
        problems.append(t("anggaran_rupiah: at most Rp %(limit)s", limit=number_text(RUPIAH_MAX)))
    else:
        clean["anggaran_rupiah"] = amount


def _clean_category(competition: Competition, value: Any, clean: dict[str, Any], problems: list[str]) -> None:
    """One of the competition's own categories, by id; any other value names the field."""
    if value in (None, ""):
        clean["category_id"] = None
        return
    try:
        category_id = identifier(str(value))
    except ValueError:
        category = None
    else:
        category = db.session.get(Category, category_id)
    if category is None or category.competition_id != competition.id:
        problems.append(t("category_id: %(value)r is not a category of this competition", value=value))
    else:
        clean["category_id"] = category.id


@operation
def create_entry(competition: Competition, organisation: Organisation, user: User,
                 **fields: Any) -> Entry:
    """A new draft innovation of ``organisation``, created by one of its operators."""
    if not can_create_entry(user, competition, organisation):
        raise NotPermitted(t(
            "%(user)s may not enter innovations for %(organisation)s in %(competition)s now (needs "
            "the submitter role in that organisation while the competition is open; it is in phase "
            "'%(phase)s')", user=user.name, organisation=organisation.name, competition=competition.name,
            phase=competition.phase))
    return add_entry(competition, organisation, user, clean_entry_fields(competition, fields))


def add_entry(competition: Competition, organisation: Organisation, user: User, clean: dict[str, Any], *,
              details: dict[str, Any] | None = None) -> Entry:
    """A new draft from fields :func:`clean_entry_fields` accepted, for a creator the caller has
    asked the policy about (:func:`create_entry`, and the import of a file of innovations)."""
    if "title" not in clean:
        raise InvalidInput(t("title: must not be empty"))
    entry = Entry(competition=competition, organisation=organisation, created_by=user,
                  status=get_workflow(ENTRY_WORKFLOW).definition.initial, **clean)
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise InvalidInput(t("title: %(organisation)s already has an innovation called %(title)r in this "
                             "competition", organisation=organisation.name,
                             title=clean.get("title"))) from exc
    record("entry.created", user, entry=entry, details=details)
    return entry


@operation
def update_entry(entry: Entry, user: User, *, expected_version: int | None = None,
                 **fields: Any) -> Entry:
    """Change a draft's or returned entry's fields."""
    if not can_edit_entry(user, entry):
        raise NotPermitted(t("%(user)s may not edit '%(title)s' in status '%(status)s'", user=user.name,
                             title=entry.title, status=get_workflow(ENTRY_WORKFLOW).shown(entry.status)))
    if expected_version is not None and entry.version != expected_version:
        raise ConcurrentChange(t("'%(title)s' was changed by someone else (version %(version)s, you had "
                                 "%(expected)s); reload it", title=entry.title, version=entry.version,
                                 expected=expected_version))
    title = entry.title
    changed = []
    for name, value in clean_entry_fields(entry.competition, fields).items():
        if getattr(entry, name) != value:
            changed.append(name)
            setattr(entry, name, value)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange(t("'%(title)s' was changed by someone else; reload it",
                                 title=title)) from exc
    except IntegrityError as exc:
        raise InvalidInput(t("title: this organisation already has an innovation called %(title)r",
                             title=fields.get("title"))) from exc
    if changed:
        record("entry.edited", user, entry=entry, details={"fields": sorted(changed)})
    return entry


@operation
def change_entry_status(entry: Entry | int, trigger: str, actor: User | Actor, *,
                        comment: str | None = None, expected_version: int | None = None,
                        now: datetime | None = None) -> EntryEvent:
    """Fire ``trigger`` on an entry: the only way an entry's status changes.

    All of it or nothing, inside the caller's unit of work:

    - the innovation workflow checks the trigger (state, role, organisation, competition phase,
      guards, comment) and moves ``entry.status``;
    - ``entry.version`` goes up by one; the UPDATE checks the version read, so of two concurrent
      changes exactly one succeeds and the other raises :class:`ConcurrentChange`;
    - ``entry.submitted_at`` is set to ``now`` on submit and resubmit, and
      ``entry.first_submitted_at`` on the first of them;
    - one :class:`EntryEvent` records the trigger, both statuses, the actor, the comment, the
      time and the entry's new version;
    - on a return, verification, rejection or award, an e-mail (in the outbox) and an in-app
      notification for each of the OPD's operators.

    :param actor: the user acting, or :meth:`Actor.system` for the application itself.
    :param expected_version: the version the actor saw; a different stored version is a conflict.
    :raises NotFound, ConcurrentChange: as named.
    :raises workflows.UnknownTrigger, workflows.TriggerRefused: with the reasons.
    """
    session = db.session
    now = now or utcnow()
    if isinstance(entry, int):
        loaded = session.get(Entry, entry)
        if loaded is None:
            raise NotFound(t("there is no innovation with id %(id)s", id=entry))
        entry = loaded
    if expected_version is not None and entry.version != expected_version:
        raise ConcurrentChange(t(
            "'%(title)s' was changed by someone else (now version %(version)s, you saw version "
            "%(expected)s); reload it and try again", title=entry.title, version=entry.version,
            expected=expected_version))
    acting = actor if isinstance(actor, Actor) else actor_for(actor, entry.competition)
    cleaned_comment = clean_comment(comment)
    from_status, to_status = get_workflow(ENTRY_WORKFLOW).fire(
        entry, trigger, acting, comment=cleaned_comment, phase=entry.competition.phase, now=now)
    if to_status == "submitted":
        entry.submitted_at = now
        if entry.first_submitted_at is None:
            entry.first_submitted_at = now
    event = EntryEvent(entry=entry, entry_version=entry.version + 1, trigger=trigger,
                       from_status=from_status, to_status=to_status, actor_id=acting.user_id,
                       comment=cleaned_comment, created_at=now)
    session.add(event)
    if to_status == "submitted":
        session.add(SubmittedContent(entry_id=entry.id, entry_version=event.entry_version,
                                     content=submitted_content(entry)))
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        # A lost version check, or a second audit row for the same version: both mean that
        # another change of this entry committed first. Any other integrity error is a bug.
        if isinstance(exc, IntegrityError) and "entry_version" not in str(exc.orig):
            raise
        raise ConcurrentChange(t(
            "this innovation was changed by someone else at the same moment; reload it and try again"
        )) from exc
    queue_entry_notifications(entry, event)
    return event


def entry_timeline(entry: Entry) -> list[EntryEvent]:
    """The entry's audit trail, oldest first, with the people who acted."""
    return list(db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry.id)
                                   .options(selectinload(EntryEvent.actor)).order_by(EntryEvent.id)))


@dataclass(frozen=True)
class TimelineEvent:
    """A change of an innovation's status as one reader may see it (an :class:`EntryEvent`, whose
    audit row is never changed)."""

    id: int
    trigger: str
    from_status: str
    to_status: str
    actor: User | None
    comment: str | None
    created_at: datetime
    entry_version: int


def timeline_for(entry: Entry, user: User) -> list[TimelineEvent]:
    """The entry's timeline as ``user`` reads it: a comment the policy keeps from them
    (:func:`competition.policy.can_read_status_comment`, the reason scoring was reopened) left out."""
    return [TimelineEvent(event.id, event.trigger, event.from_status, event.to_status, event.actor,
                          event.comment if can_read_status_comment(user, entry, event.trigger) else None,
                          event.created_at, event.entry_version)
            for event in entry_timeline(entry)]


def triggers_for(entry: Entry, user: User, now: datetime | None = None) -> list[str]:
    """The actions ``user`` could take on ``entry`` now."""
    return get_workflow(ENTRY_WORKFLOW).available_triggers(
        entry, actor_for(user, entry.competition), phase=entry.competition.phase,
        now=now or utcnow())


def refusal_reasons(entry: Entry, trigger: str, user: User, now: datetime | None = None) -> list[str]:
    """Why ``user`` may not fire ``trigger`` on ``entry`` now (empty if they may)."""
    return get_workflow(ENTRY_WORKFLOW).refusals(
        entry, trigger, actor_for(user, entry.competition), comment="-",
        phase=entry.competition.phase, now=now or utcnow())


NEAR_DUPLICATE = 0.5


def submission_event(entry: Entry) -> EntryEvent | None:
    """The innovation's last submission (or resubmission), if it has been submitted."""
    return db.session.scalar(select(EntryEvent).where(
        EntryEvent.entry_id == entry.id, EntryEvent.trigger.in_(("submit", "resubmit")))
        .order_by(EntryEvent.id.desc()).limit(1))


SUBMITTED_FIELDS = ("title", "inisiator", "tahapan", "jenis", "bentuk", "urusan", "urusan_terkait",
                    "trial_started_on", "implemented_on", "rancang_bangun", "tujuan", "manfaat", "hasil",
                    "anggaran_rupiah")


def submission_digest(entry: Entry) -> str:
    """SHA-256 of what the innovation holds (its fields, category and evidence), as a receipt
    quotes it: the same content gives the same digest, any change another."""
    return content_digest(submitted_content(entry))


def content_digest(content: dict[str, Any]) -> str:
    """The digest of an innovation's content as :func:`submitted_content` gives it (and a
    submission keeps it): its fields as text, its category's name and each item of evidence."""
    digested: dict[str, object] = {name: str(content[name] or "") for name in SUBMITTED_FIELDS}
    digested["category"] = content["category"] or ""
    digested["evidence"] = [[item["kind"], item["title"], item["sha256"] or item["url"] or ""]
                            for item in content["evidence"]]
    canonical = json.dumps(digested, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def submitted_content(entry: Entry) -> dict[str, Any]:
    """What a receipt shows of the innovation, as JSON kept with its submission: the fields
    (dates as ISO text), its OPD and category by name, and each item of evidence."""
    return {"organisation": entry.organisation.name,
            "category": entry.category.name if entry.category else None,
            **{name: _json_value(getattr(entry, name)) for name in SUBMITTED_FIELDS},
            "evidence": [{"kind": item.kind, "title": item.title, "original_name": item.original_name,
                          "sha256": item.sha256, "url": item.url} for item in entry.evidence]}


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class SubmittedEvidence:
    kind: str
    title: str
    original_name: str | None
    sha256: str | None
    url: str | None


@dataclass(frozen=True)
class SubmittedInnovation:
    """An innovation as a submission kept it (:func:`submitted_content`), read as the receipt's
    template reads an :class:`Entry`."""

    competition: Competition
    organisation: Named
    category: Named | None
    title: str
    inisiator: str
    tahapan: str
    jenis: str
    bentuk: str
    urusan: str
    urusan_terkait: str
    trial_started_on: date | None
    implemented_on: date | None
    rancang_bangun: str
    tujuan: str
    manfaat: str
    hasil: str
    anggaran_rupiah: int | None
    evidence: tuple[SubmittedEvidence, ...]


def kept_submission(event: EntryEvent) -> SubmittedContent | None:
    """What the submission ``event`` kept of the innovation (none for one made before they kept it)."""
    return db.session.scalar(select(SubmittedContent).where(
        SubmittedContent.entry_id == event.entry_id, SubmittedContent.entry_version == event.entry_version))


def as_submitted(entry: Entry, kept: SubmittedContent) -> SubmittedInnovation:
    """``entry`` as its submission ``kept`` it."""
    content = kept.content
    fields: dict[str, Any] = {name: content.get(name) for name in SUBMITTED_FIELDS}
    for name in ("trial_started_on", "implemented_on"):
        fields[name] = date.fromisoformat(fields[name]) if fields[name] else None
    return SubmittedInnovation(
        competition=entry.competition, organisation=Named(content["organisation"]),
        category=Named(content["category"]) if content.get("category") else None,
        evidence=tuple(SubmittedEvidence(**item) for item in content.get("evidence", [])), **fields)


def copy_warnings(entries: Sequence[Entry],
                  threshold: float = NEAR_DUPLICATE) -> dict[int, tuple[Entry, float]]:
    """For each of ``entries``, the other innovation of its competition (not withdrawn) whose
    rancang bangun is most alike to its own, when at least ``threshold`` alike: what the verifier's
    queue and review show beside the checklist's "not another innovation's text"."""
    competitions = {entry.competition_id for entry in entries}
    if not competitions:
        return {}
    others = {other.id: other for other in db.session.scalars(select(Entry).where(
        Entry.competition_id.in_(sorted(competitions)), Entry.status != "withdrawn",
        Entry.rancang_bangun != ""))}
    found: dict[int, tuple[Entry, float]] = {}
    for competition_id in competitions:
        texts = {key: other.rancang_bangun for key, other in others.items()
                 if other.competition_id == competition_id}
        among = [entry.id for entry in entries if entry.competition_id == competition_id]
        for key, (other, score) in most_alike(texts, among, threshold).items():
            found[key] = (others[other], score)
    return found


def near_duplicates(entry: Entry, threshold: float = NEAR_DUPLICATE) -> list[tuple[Entry, float]]:
    """Other innovations of the same competition whose rancang bangun is at least ``threshold``
    alike (shared five-word runs), most alike first."""
    if not entry.rancang_bangun.strip():
        return []
    others = db.session.scalars(select(Entry).where(
        Entry.competition_id == entry.competition_id, Entry.id != entry.id,
        Entry.status != "withdrawn", Entry.rancang_bangun != ""))
    alike = [(other, similarity(entry.rancang_bangun, other.rancang_bangun)) for other in others]
    return sorted([(o, score) for o, score in alike if score >= threshold], key=lambda pair: -pair[1])
