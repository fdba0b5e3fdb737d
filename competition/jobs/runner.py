"""The queue: asking for a job, and running it.

- :func:`enqueue` is called inside a request or command. It adds a :class:`Job` row and hands the
  job to the runner only once that unit of work commits (:func:`~competition.unit_of_work.after_commit`),
  so a request that rolls back leaves no job behind and starts nothing.
- The runner is RQ on Redis (``JOBS_RUN = "rq"``, the default with ``ANUGERAH_REDIS_URL``; a
  worker runs :func:`perform`), a small thread pool of the web process (``"thread"``, the default
  without Redis) or the asking thread itself right after the commit (``"sync"``, for tests). All
  three run :func:`run_job`.
- :func:`run_job` claims the job (queued → running, so two runners never both run it), then runs
  its kind's function in one unit of work of its own and, in that same unit, records the result:
  the job's work and its "done" are committed together or not at all. When the function raises,
  everything it did is rolled back and the job is recorded as failed with a reason a person
  understands; the traceback goes to the log only.
- Progress (done of total) is written while the job runs by a short transaction on a connection
  of its own, never the job's: the job page reads it at once, and the job's unit of work stays
  one. On PostgreSQL this always works (the job's work never touches its own row until the end).
  SQLite lets one writer in at a time, so once the job itself has written, the counts wait in
  memory until the end rather than make the job wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from competition.errors import AnugerahError, InvalidInput
from competition.extensions import db
from competition.models import Competition, Job, User
from competition.models.types import utcnow
from competition.unit_of_work import after_commit, in_unit, operation, unit_of_work
from workflows import WorkflowError
from workflows.messages import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    """What a job leaves for the person who asked: a summary, and perhaps a file to download."""

    summary: str = ""
    file: bytes | None = None
    file_name: str | None = None
    media_type: str | None = None


class JobContext:
    """What a job's function gets: its job, the competition and the person who asked (read in the
    job's own unit of work), its parameters, and :meth:`progress`."""

    def __init__(self, job: Job, min_interval: float):
        self.job_id = job.id
        self.kind = job.kind
        self.params: dict[str, Any] = dict(job.params or {})
        self.competition: Competition | None = (
            db.session.get(Competition, job.competition_id) if job.competition_id else None)
        self.requested_by: User | None = (
            db.session.get(User, job.requested_by_id) if job.requested_by_id else None)
        self.done, self.total = 0, job.progress_total
        self._interval, self._written_at = min_interval, 0.0

    def progress(self, done: int, total: int | None = None) -> None:
        """``done`` of ``total`` (kept from before when not given): written for the job page at most
        every ``JOBS_PROGRESS_SECONDS``, and whenever the job reaches its total."""
        self.done = done
        if total is not None:
            self.total = total
        _LIVE[self.job_id] = (self.done, self.total)
        now = time.monotonic()
        if now - self._written_at < self._interval and done != self.total:
            return
        if write_progress(self.job_id, self.done, self.total):
            self._written_at = now


# The progress of the jobs running in this process, as last reported: on SQLite, while the job
# holds the write lock, the page of the same process reads it from here (make run: one process).
_LIVE: dict[int, tuple[int, int | None]] = {}


def live_progress(job: Job) -> tuple[int, int | None]:
    """(done, total) of ``job``: as stored, or as reported in this process if that is further on."""
    if job.status == "running" and job.id in _LIVE and _LIVE[job.id][0] > job.progress_done:
        return _LIVE[job.id]
    return job.progress_done, job.progress_total


JobFunction = Callable[[JobContext], JobResult]
KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a kind of job under ``name`` (stored in the job row)."""

    def register(function: JobFunction) -> JobFunction:
        KINDS[name] = function
        return function

    return register


def _known_kinds() -> dict[str, JobFunction]:
    from competition.jobs import kinds  # noqa: F401  (registers the app's kinds)

    return KINDS


@operation
def enqueue(kind: str, *, competition: Competition | None = None, by: User | None = None,
            params: dict[str, Any] | None = None, total: int | None = None, start: bool = True) -> Job:
    """Ask for a job of ``kind``; it starts once the caller's unit of work commits, never if it
    rolls back. With ``start`` false the caller runs it (:func:`run_job`; a command does, in the
    foreground)."""
    if kind not in _known_kinds():
        raise ValueError(f"unknown kind of job: {kind}")
    # The job speaks the language of the page that asked (a command: English, as commands do).
    locale = str(get_locale() or "id") if has_request_context() else "en"
    job = Job(kind=kind, competition_id=competition.id if competition else None,
              requested_by_id=by.id if by else None, params={**(params or {}), "locale": locale},
              status="queued",
              progress_done=0, progress_total=total, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = job.id
    if start:
        after_commit(lambda: dispatch(app, job_id))
    return job


def dispatch(app: Flask, job_id: int) -> None:
    """Hand a committed job to the runner the configuration names. When that fails (Redis is
    down) the job stays queued and the tick hands it over again later
    (:func:`~competition.jobs.schedule.restart_forgotten_jobs`); the request that asked is not
    failed for it, its work being committed already."""
    how = app.config["JOBS_RUN"]
    if how == "sync":
        run_job(job_id)
        return
    try:
        if how == "rq":
            redis_queue(app).enqueue(perform, job_id, job_timeout=app.config["JOBS_TIMEOUT_SECONDS"],
                                     description=f"anugerah job {job_id}")
        else:
            pool = app.extensions.get("anugerah.jobs_pool")
            if pool is None:
                pool = app.extensions.setdefault("anugerah.jobs_pool", ThreadPoolExecutor(
                    max_workers=app.config["JOBS_THREADS"], thread_name_prefix="anugerah-job"))
            pool.submit(_run_in_thread, app, job_id)
    except Exception:
        log.exception("job %s could not be handed to the runner; the tick will try again", job_id)


def redis_queue(app: Flask) -> Any:
    """The RQ queue of this app, on ``REDIS_URL``."""
    from redis import Redis
    from rq import Queue

    return Queue(app.config["JOBS_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def _run_in_thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        except Exception:  # recording the failure failed too (the database is gone): log it
            log.exception("job %s could not be run", job_id)
        finally:
            db.session.remove()


def perform(job_id: int) -> None:
    """What RQ runs (inside the worker's app context, see ``flask --app wsgi worker``)."""
    try:
        run_job(job_id)
    finally:
        db.session.remove()


def _claim(job_id: int) -> bool:
    with unit_of_work():
        claimed = db.session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                     .values(status="running", started_at=utcnow()))
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def run_job(job_id: int) -> str:
    """Run a queued job to its end and return its status ("done" or "failed"); a job another
    runner took already is left alone (its status is returned as found). What it writes for
    people (its summary, why it failed) is in the language of the page that asked for it
    (English when a command asked, as commands speak), wherever it runs."""
    if in_unit():
        raise RuntimeError("a job runs in a unit of work of its own; run it outside one")
    job = db.session.get(Job, job_id)
    locale = (job.params or {}).get("locale") if job is not None else None
    with force_locale(locale or "en"):
        return _run(job_id)


def _run(job_id: int) -> str:
    if not _claim(job_id):
        job = db.session.get(Job, job_id)
        return job.status if job else "missing"
    kinds = _known_kinds()
    stored: Path | None = None
    context: JobContext | None = None
    try:
        with unit_of_work():
            job = db.session.get_one(Job, job_id)
            context = JobContext(job, current_app.config["JOBS_PROGRESS_SECONDS"])
            result = kinds[job.kind](context)
            values: dict[str, Any] = {"summary": result.summary or None}
            if result.file is not None:
                stored = _store(job_id, result.file)
                values.update(file_path=stored.name, file_name=result.file_name,
                              media_type=result.media_type or "application/octet-stream")
            db.session.execute(update(Job).where(Job.id == job_id).values(
                status="done", progress_done=context.done, progress_total=context.total,
                finished_at=utcnow(), **values))
    except Exception as error:
        if stored is not None:
            stored.unlink(missing_ok=True)
        if isinstance(error, AnugerahError | WorkflowError):   # refused: the reason says it all
            log.info("job %s refused: %s", job_id, error)
        else:
            log.exception("job %s failed", job_id)
        with unit_of_work():
            db.session.execute(update(Job).where(Job.id == job_id).values(
                status="failed", error=failure_reason(error), finished_at=utcnow(),
                progress_done=context.done if context else 0,
                progress_total=context.total if context else None))
        return "failed"
    finally:
        _LIVE.pop(job_id, None)
    return "done"


def failure_reason(error: BaseException) -> str:
    """Why a job failed, for the person who asked: a refusal in its own words (each bad row on a
    line of its own), anything else as a fault of the server, which the log explains."""
    if isinstance(error, InvalidInput):
        return "\n".join(error.problems)
    if isinstance(error, AnugerahError | WorkflowError):
        return str(error)
    return t("The job stopped because of a fault on the server. Nothing it did was kept; the "
             "administrator can find the details in the log.")


def jobs_folder() -> Path:
    folder = Path(current_app.config["JOBS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(job_id: int, content: bytes) -> Path:
    path = jobs_folder() / f"job-{job_id}"
    path.write_bytes(content)
    return path


def stored_file(job: Job) -> Path | None:
    """The file a finished job made, when it made one and it is still there."""
    if job.status != "done" or not job.file_path:
        return None
    path = jobs_folder() / job.file_path
    return path if path.is_file() else None


def write_progress(job_id: int, done: int, total: int | None) -> bool:
    """Write a job's progress at once, on a connection of its own; False when it must wait (on
    SQLite while the job itself holds the write lock, or the database is busy)."""
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    if sqlite and in_unit():
        own = db.session.connection().connection.dbapi_connection
        if own is not None and getattr(own, "in_transaction", False):
            return False
    try:
        with engine.begin() as connection:   # commits at once: the page reads it
            if sqlite:   # rather skip a count than make the job wait for a lock
                connection.exec_driver_sql("PRAGMA busy_timeout = 200")
            try:
                connection.execute(update(Job).where(Job.id == job_id).values(
                    progress_done=done, progress_total=total))
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout = 5000")
    except OperationalError:
        log.info("progress of job %s not written now (the database is busy)", job_id)
        return False
    return True
