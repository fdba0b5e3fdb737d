"""The kinds of job the app asks for. Each asks the policy about the person who asked, as a view
would, and does its work in the job's one unit of work (:mod:`competition.jobs.runner`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import gettext, ngettext

from competition.ceremony.documents import ceremony_programme, certificates_pdf, run_sheet_pdf
from competition.errors import InvalidInput, NotPermitted
from competition.extensions import db
from competition.jobs.runner import JobContext, JobResult, job_kind, jobs_folder
from competition.judging.score_import import import_scores
from competition.links import absolute_url
from competition.models import Competition, Round, User
from competition.notifications.operations import queue_invitation
from competition.people.operations import import_users, password_reset_token
from competition.people.organisations import import_organisations
from competition.policy import is_organiser
from competition.results.operations import latest_result_set
from workflows.messages import t

DOCUMENTS = ("certificates", "run_sheet")


def _organiser(context: JobContext) -> tuple[User, Competition]:
    """The person who asked, when they organise the job's competition (asked now, as they may
    have lost the role since asking)."""
    user, competition = context.requested_by, context.competition
    if user is None or competition is None or not is_organiser(user, competition):
        raise NotPermitted(t("Only an organiser of the competition may run this job."))
    return user, competition


@job_kind("documents")
def ceremony_documents(context: JobContext) -> JobResult:
    """An award's certificates, or its run-sheet, as one PDF from the latest sealed version."""
    _, competition = _organiser(context)
    document, award_id = context.params["document"], context.params["award_id"]
    result_set = latest_result_set(competition)
    programme = next((p for p in ceremony_programme(result_set) if p.award.id == award_id), None) \
        if result_set else None
    if result_set is None or programme is None or document not in DOCUMENTS:
        raise InvalidInput(t("The award is no longer in the latest sealed version of the results."))
    if not programme.rows:
        raise InvalidInput(t("%(award)s has no winner in version %(version)s.", award=programme.award.name,
                             version=result_set.version))
    context.progress(0, len(programme.rows))
    if document == "certificates":
        body = certificates_pdf(result_set, programme.award, programme.rows)
        summary = t("%(count)s certificate(s) for %(award)s, version %(version)s.",
                    count=len(programme.rows), award=programme.award.name, version=result_set.version)
    else:
        body = run_sheet_pdf(result_set, programme.award, programme.rows)
        summary = t("The run-sheet of %(award)s, version %(version)s, with %(count)s winner(s).",
                    count=len(programme.rows), award=programme.award.name, version=result_set.version)
    context.progress(len(programme.rows))
    return JobResult(summary=summary, file=body, file_name=context.params.get("file_name") or "dokumen.pdf",
                     media_type="application/pdf")


def inviter(by: User | None) -> Callable[[User], None]:
    """What queues a new account's invitation, sent in ``by``'s name (None: the administrator),
    with its link on BASE_URL outside a request (a job, a command)."""
    def invite(user: User) -> None:
        # Links are built on BASE_URL; a job on a worker has no request to build them in.
        building = nullcontext() if has_request_context() else current_app.test_request_context(
            base_url=current_app.config["BASE_URL"])
        with building:
            link = absolute_url("auth.welcome", token=password_reset_token(user, purpose="invitation"))
        queue_invitation(user, link, invited_by=by)

    return invite


def uploaded(context: JobContext) -> Path:
    """The file uploaded for the job, kept in the jobs folder until the job ends."""
    path = jobs_folder() / Path(context.params["upload"]).name
    if not path.is_file():
        raise InvalidInput(t("The uploaded file is no longer there; upload it again."))
    return path


@job_kind("people_import")
def people_import(context: JobContext) -> JobResult:
    """OPDs into the competition's region, or users with roles in the competition, from an
    uploaded CSV or XLSX: all or nothing, every bad row named with its number and field."""
    user, competition = _organiser(context)
    path, name = uploaded(context), context.params.get("display_name")
    try:
        if context.params.get("what") == "organisations":
            opds = import_organisations(path, competition.region, display_name=name,
                                        progress=context.progress)
            return JobResult(summary=t("OPDs: %(created)s new, %(existing)s already there.",
                                       created=len(opds.created), existing=len(opds.unchanged)))
        report = import_users(path, competition, by=user, display_name=name, invite=inviter(user),
                              progress=context.progress)
    finally:
        path.unlink(missing_ok=True)
    return JobResult(summary=user_import_summary(len(report.created), len(report.roles_granted),
                                                 len(report.unchanged)))


def user_import_summary(created: int, granted: int, unchanged: int) -> str:
    """What a user import did, in sentences that read well with none, one or many (the import
    page says the same)."""
    sentences = [ngettext("%(num)s new user, sent an invitation to choose a password.",
                          "%(num)s new users, each sent an invitation to choose a password.", created)
                 if created else gettext("No new users.")]
    if granted:
        sentences.append(ngettext("%(num)s user given a new role.", "%(num)s users given a new role.",
                                  granted))
    if unchanged:
        sentences.append(ngettext("%(num)s already there, unchanged.", "%(num)s already there, unchanged.",
                                  unchanged))
    return " ".join(sentences)


@job_kind("score_import")
def score_import(context: JobContext) -> JobResult:
    """Judges' scores from a file (see :func:`~competition.judging.score_import.import_scores`).
    Asked on the command line, nobody acts (the administrator); asked by a person, they must
    organise the round's competition."""
    round_ = db.session.get(Round, context.params["round_id"])
    if round_ is None:
        raise InvalidInput(t("The round is no longer there."))
    if context.requested_by is not None and not is_organiser(context.requested_by, round_.competition):
        raise NotPermitted(t("Only an organiser of the competition may run this job."))
    path = Path(context.params["path"]) if "path" in context.params else uploaded(context)
    report = import_scores(round_, path, confirm=bool(context.params.get("confirm")),
                           display_name=context.params.get("display_name"), progress=context.progress,
                           imported_by=context.requested_by)
    return JobResult(summary=report.sentence())
