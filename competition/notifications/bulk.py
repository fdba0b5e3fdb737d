"""Messages from a competition's organisers to many people at once: every OPD (its operators),
the OPDs with nothing submitted, or every judge of the competition.

A message starts from a template (:data:`TEMPLATES`, in Bahasa Indonesia) that the organiser may
change; placeholders such as ``{nama}`` are filled for each recipient (:data:`PLACEHOLDERS`), and
a placeholder the app does not know is refused by name, before anything is sent. The organiser
sees how many people it reaches and one of the messages as it will be read
(:func:`preview_message`), then sends it (:func:`send_message`): one e-mail per recipient queued
in the outbox and one in-app notification each, in one transaction, with one audit row that says
who sent it, to whom (the audience), from which template and to how many.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from competition.audit.operations import record
from competition.documents.formatting import format_datetime
from competition.documents.inputs import text_problem
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.models import Competition, Entry, Membership, Organisation, User
from competition.models.state import lock_and_reread_state
from competition.models.types import utcnow
from competition.notifications.models import OutboxMessage
from competition.notifications.operations import _queue, fitted_subject
from competition.policy import can_send_bulk_messages
from competition.unit_of_work import atomic, operation
from workflows.messages import t

# Who a message goes to: every OPD's operators, those of the OPDs with nothing submitted, or
# every judge of the competition.
AUDIENCES = ("opds", "opds_without_submission", "judges")
SUBJECT_LIMIT = 150    # characters of the subject as written, placeholders included
BODY_LIMIT = 5_000
# An entry still being written, or taken back, is not something submitted.
NOT_SUBMITTED = ("draft", "withdrawn")
# A preview hands the send form a batch code: one batch is sent once, however often it is posted.
BATCH = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    subject: str
    body: str


TEMPLATES = {
    template.key: template for template in (
        MessageTemplate(
            "pengingat_batas_waktu", "Pengingat batas waktu pengajuan {kompetisi}",
            "Yth. {nama},\n\n"
            "Kami mengingatkan bahwa batas waktu pengajuan inovasi untuk {kompetisi} adalah {batas_waktu}. "
            "Mohon lengkapi data dan data dukung inovasi {opd}, lalu ajukan sebelum batas waktu tersebut.\n\n"
            "Masuk ke Anugerah: {tautan}\n\n"
            "Salam,\nPanitia {kompetisi}"),
        MessageTemplate(
            "undangan_penganugerahan", "Undangan malam penganugerahan {kompetisi}",
            "Yth. {nama},\n\n"
            "Dengan hormat, kami mengundang Bapak/Ibu untuk menghadiri malam penganugerahan {kompetisi} "
            "yang akan diselenggarakan pada:\n\n"
            "Hari/tanggal: (isi tanggal)\nWaktu: (isi waktu)\nTempat: (isi tempat)\n\n"
            "Atas perhatian dan kehadiran Bapak/Ibu, kami ucapkan terima kasih.\n\n"
            "Salam,\nPanitia {kompetisi}"),
        MessageTemplate(
            "pesan_bebas", "", "Yth. {nama},\n\n\n\nSalam,\nPanitia {kompetisi}"),
    )
}


@dataclass(frozen=True)
class Letter:
    """One message as its recipient reads it."""

    recipient: User
    subject: str
    body: str


@dataclass(frozen=True)
class Preview:
    recipients: list[User]
    sample: Letter | None      # the message as the first recipient reads it; None with nobody to send to


PLACEHOLDERS = ("nama", "opd", "kompetisi", "tahun", "batas_waktu", "tautan")


def placeholder_values(competition: Competition, recipient: User) -> dict[str, str]:
    """What each placeholder says in the message to ``recipient``: their name and OPD, the
    competition's name and year, its submission deadline in Indonesian, and the app's address."""
    config = current_app.config
    return {
        "nama": recipient.name,
        "opd": recipient.organisation.name if recipient.organisation is not None else "–",
        "kompetisi": competition.name,
        "tahun": str(competition.year),
        "batas_waktu": format_datetime(competition.submission_closes_at, config["DISPLAY_TIMEZONE"], "id"),
        "tautan": f"{config['BASE_URL'].rstrip('/')}/",
    }


def placeholder_problems(field: str, text: str) -> list[str]:
    """The placeholders of ``text`` the app does not fill, each named; or a lone brace."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return [t("%(field)s: a lone { or } (write {{ or }} for a brace itself)", field=field)]
    unknown: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        if (name not in PLACEHOLDERS or spec or conversion) and written not in unknown:
            unknown.append(written)
    if not unknown:
        return []
    return [t("%(field)s: unknown placeholder %(placeholders)s; use %(known)s", field=field,
              placeholders=", ".join(unknown), known=", ".join("{" + p + "}" for p in PLACEHOLDERS))]


def message_problems(audience: str, template: str, subject: str, body: str) -> list[str]:
    """What is wrong with a message before anyone is looked up, each problem naming its field."""
    problems = []
    if audience not in AUDIENCES:
        problems.append(t("audience: choose who receives the message"))
    if template not in TEMPLATES:
        problems.append(t("template: choose one of the templates"))
    for field, text, limit, one_line in (("subject", subject, SUBJECT_LIMIT, True),
                                         ("body", body, BODY_LIMIT, False)):
        if not text.strip():
            problems.append(t("%(field)s: must not be empty", field=field))
        elif problem := text_problem(field, text, limit, one_line=one_line):
            problems.append(problem)
        else:
            problems += placeholder_problems(field, text)
    return problems


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled (checked beforehand by :func:`placeholder_problems`)."""
    return text.format_map(values)


def recipients(competition: Competition, audience: str) -> list[User]:
    """The active people ``audience`` reaches in ``competition``, by name.

    - opds: the operators (submitters) of the competition whose OPD is of its region;
    - opds_without_submission: those of them whose OPD has nothing submitted: no innovation of it,
      or of a unit below it, that went beyond a draft and was not withdrawn (an OPD counts what
      its operators see, as :func:`competition.policy.works_for` says);
    - judges: the competition's judges, wherever they work.
    """
    if audience == "judges":
        query = (select(User).join(Membership, Membership.user_id == User.id)
                 .where(Membership.competition_id == competition.id, Membership.role == "judge",
                        User.active.is_(True)))
    else:
        query = (select(User).join(Membership, Membership.user_id == User.id)
                 .join(Organisation, Organisation.id == User.organisation_id)
                 .where(Membership.competition_id == competition.id, Membership.role == "submitter",
                        User.active.is_(True), Organisation.region_id == competition.region_id))
    people = list(db.session.scalars(query.distinct().order_by(User.name, User.id)))
    if audience != "opds_without_submission":
        return people
    entrants = db.session.scalars(select(Entry.organisation_id).distinct().where(
        Entry.competition_id == competition.id, Entry.status.not_in(NOT_SUBMITTED))).all()
    covered: set[int] = set()
    for organisation_id in entrants:
        covered.update(db.session.get_one(Organisation, organisation_id).lineage_ids())
    return [person for person in people if person.organisation_id not in covered]


def _letter(competition: Competition, recipient: User, subject: str, body: str) -> Letter:
    values = placeholder_values(competition, recipient)
    return Letter(recipient, fitted_subject(fill(subject, values)), fill(body, values))


def _checked(competition: Competition, organiser: User, audience: str, template: str, subject: str,
             body: str) -> list[User]:
    if not can_send_bulk_messages(organiser, competition):
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=organiser.name,
                             competition=competition.name))
    if problems := message_problems(audience, template, subject, body):
        raise InvalidInput(problems)
    return recipients(competition, audience)


def preview_message(competition: Competition, organiser: User, *, audience: str, template: str,
                    subject: str, body: str) -> Preview:
    """Who the message reaches and how the first of them reads it; stores nothing.

    :raises NotPermitted: unless ``organiser`` may send messages in ``competition``.
    :raises InvalidInput: naming each field with a problem (an unknown placeholder by name).
    """
    people = _checked(competition, organiser, audience, template, subject, body)
    return Preview(people, _letter(competition, people[0], subject, body) if people else None)


def new_batch() -> str:
    """A code for one preview's send form, so that posting it twice sends the message once."""
    return secrets.token_hex(16)


@operation
def send_message(competition: Competition, organiser: User, *, audience: str, template: str, subject: str,
                 body: str, batch: str, now: datetime | None = None) -> int:
    """Queue the message for every recipient of ``audience`` (an e-mail in the outbox and an in-app
    notification each) and record it in the audit log; returns how many it reaches.

    :raises NotPermitted: unless ``organiser`` may send messages in ``competition``.
    :raises InvalidInput: naming each field with a problem; when nobody would receive it; when this
        batch (see :func:`new_batch`) was sent already.
    """
    people = _checked(competition, organiser, audience, template, subject, body)
    if not BATCH.fullmatch(batch):
        raise InvalidInput(t("batch: preview the message before sending it"))
    if not people:
        raise InvalidInput(t("audience: nobody would receive this message"))
    prefix = f"bulk:{competition.id}:{batch}:"
    # Of two sends of one preview at the same moment (a double click, two tabs), the second waits
    # for the first to commit and then finds it sent, rather than failing on its dedupe keys.
    lock_and_reread_state(competition, "phase", "version")
    sent = OutboxMessage.dedupe_key.startswith(prefix, autoescape=True)
    if db.session.scalar(select(OutboxMessage.id).where(sent).limit(1)):
        raise InvalidInput(t("This message has already been sent."))
    now = now or utcnow()
    try:
        with atomic():   # SQLite has no row lock: the second send finds the first's keys on writing
            for person in people:
                letter = _letter(competition, person, subject, body)
                _queue(person, letter.subject, letter.body, dedupe_key=f"{prefix}{person.id}", now=now)
            db.session.flush()
    except IntegrityError:
        raise InvalidInput(t("This message has already been sent.")) from None
    record("messages.sent", organiser, competition=competition,
           details={"audience": audience, "template": template, "count": len(people), "subject": subject})
    db.session.flush()
    return len(people)
