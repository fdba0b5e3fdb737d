"""The queue: a job starts only once the unit that asked commits, runs in a unit of its own,
reports progress that another connection reads while it runs, and when it fails keeps nothing
and says why. The same job runs on the thread pool, and on a real RQ worker on Redis."""

from __future__ import annotations

import logging
import os
import time
import uuid

import pytest
from sqlalchemy import func, select, text

from competition.errors import InvalidInput
from competition.extensions import db
from competition.jobs.models import Job
from competition.jobs.runner import KINDS, JobContext, JobResult, enqueue, job_kind, run_job
from competition.models import Region
from competition.unit_of_work import unit_of_work
from tests.factories import make_competition, make_user

SEEN: dict[str, list] = {}


@job_kind("test_count")
def count_to_three(context: JobContext) -> JobResult:
    """Adds a region, reports 1, 2 and 3 of 3, and reads its own progress from another connection
    after the first report (what the job page would see at that moment)."""
    context.progress(1, 3)
    with db.engine.connect() as other:
        SEEN.setdefault("while running", []).append(tuple(other.execute(text(
            "SELECT status, progress_done, progress_total FROM job WHERE id = :id"),
            {"id": context.job_id}).one()))
    db.session.add(Region(name=f"Wilayah Tugas {context.params['n']}", kind="kota"))
    db.session.flush()
    context.progress(2)
    context.progress(3)
    return JobResult(summary=f"counted for {context.requested_by.name if context.requested_by else '-'}")


@job_kind("test_fail")
def fail_after_writing(context: JobContext) -> JobResult:
    """Writes a region, reports some progress, then fails the way it is told to."""
    db.session.add(Region(name="Wilayah Tugas Gagal", kind="kota"))
    db.session.flush()
    context.progress(1, 4)
    if context.params["how"] == "refused":
        raise InvalidInput(["data.csv row 2: email: 'x' is not an e-mail address",
                            "data.csv row 5: name: must not be empty"])
    raise ZeroDivisionError("division by zero in the middle of the work")


@pytest.fixture(autouse=True)
def fast_progress(app):
    app.config["JOBS_PROGRESS_SECONDS"] = 0   # every report is written: the counts are checked
    SEEN.clear()


def regions() -> list[str]:
    """The regions the test kinds added (the factories add others)."""
    return sorted(db.session.scalars(select(Region.name).where(Region.name.like("Wilayah Tugas%"))))


def test_a_job_starts_only_once_the_unit_that_asked_commits(app):
    organiser = make_user(make_competition(), "organiser", name="Panitia")
    with pytest.raises(RuntimeError), unit_of_work():
        enqueue("test_count", by=organiser, params={"n": 1})
        raise RuntimeError("the request fails after asking")
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert "while running" not in SEEN and regions() == []   # nothing ran either

    with unit_of_work():
        job = enqueue("test_count", by=organiser, params={"n": 2})
        job_id = job.id
        assert "while running" not in SEEN   # not before the commit
    stored = db.session.get(Job, job_id)
    db.session.refresh(stored)
    assert (stored.status, stored.progress_done, stored.progress_total) == ("done", 3, 3)
    assert stored.summary == "counted for Panitia" and stored.error is None
    assert stored.started_at is not None and stored.finished_at is not None
    # While it ran, another connection read 1 of 3, with the job running.
    assert SEEN["while running"] == [("running", 1, 3)]
    assert regions() == ["Wilayah Tugas 2"]


def test_a_job_already_taken_is_not_run_again(app):
    with unit_of_work():
        job = enqueue("test_count", params={"n": 3})
    assert run_job(job.id) == "done"            # the second runner finds it done
    assert len(SEEN["while running"]) == 1 and regions() == ["Wilayah Tugas 3"]


def test_a_failing_job_keeps_nothing_and_says_why_without_the_traceback(app):
    with unit_of_work():
        job = enqueue("test_fail", params={"how": "crash"})
    stored = db.session.get(Job, job.id)
    db.session.refresh(stored)
    assert stored.status == "failed"
    assert stored.error == ("The job stopped because of a fault on the server. Nothing it did was kept; "
                            "the administrator can find the details in the log.")
    assert "ZeroDivisionError" not in stored.error and "Traceback" not in stored.error
    assert (stored.progress_done, stored.progress_total) == (1, 4)   # where it stopped
    assert regions() == []   # the region it wrote was rolled back


def test_the_traceback_goes_to_the_log(app, caplog):
    with caplog.at_level(logging.ERROR, logger="competition.jobs.runner"), unit_of_work():
        job = enqueue("test_fail", params={"how": "crash"})
    failures = [r for r in caplog.records if r.name == "competition.jobs.runner"]
    assert [r.getMessage() for r in failures] == [f"job {job.id} failed"]
    assert failures[0].exc_info is not None and failures[0].exc_info[0] is ZeroDivisionError


def test_a_refused_job_names_every_problem_on_a_line_of_its_own(app):
    with unit_of_work():
        job = enqueue("test_fail", params={"how": "refused"})
    stored = db.session.get(Job, job.id)
    db.session.refresh(stored)
    assert stored.status == "failed"
    assert stored.error.splitlines() == ["data.csv row 2: email: 'x' is not an e-mail address",
                                         "data.csv row 5: name: must not be empty"]
    assert regions() == []


def test_an_unknown_kind_is_refused(app):
    with pytest.raises(ValueError, match="unknown kind of job: nothing"):
        enqueue("nothing")
    assert "nothing" not in KINDS


def test_on_the_thread_pool_the_same_job_runs_in_the_background(app):
    app.config["JOBS_RUN"] = "thread"
    with unit_of_work():
        job = enqueue("test_count", params={"n": 4})
    deadline = time.monotonic() + 10
    status = "queued"
    while status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        with db.engine.connect() as other:
            status = other.execute(text("SELECT status FROM job WHERE id = :id"), {"id": job.id}).scalar()
    assert status == "done" and regions() == ["Wilayah Tugas 4"]
    app.extensions.pop("anugerah.jobs_pool").shutdown(wait=True)


REDIS_URL = os.environ.get("ANUGERAH_TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/11")


def test_on_rq_a_worker_runs_the_job(app):
    """A real RQ worker on Redis (a database number of this test's own, emptied afterwards),
    without forking: it runs the job in this process, in the app's context."""
    import redis
    from rq import SimpleWorker

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set ANUGERAH_TEST_JOBS_REDIS_URL)")
    queue = f"anugerah-test-{uuid.uuid4().hex[:8]}"
    app.config.update(JOBS_RUN="rq", REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
    try:
        with unit_of_work():
            job_id = enqueue("test_count", params={"n": 5}).id
        assert db.session.get(Job, job_id).status == "queued" and regions() == []   # waits for a worker
        assert SimpleWorker([queue], connection=connection).work(burst=True) is True
        stored = db.session.get(Job, job_id)
        db.session.refresh(stored)
        assert (stored.status, stored.progress_done, stored.progress_total) == ("done", 3, 3)
        assert regions() == ["Wilayah Tugas 5"]
    finally:
        connection.flushdb()
        connection.close()


def test_a_job_that_cannot_reach_redis_stays_queued_and_the_request_stands(app, caplog):
    app.config.update(JOBS_RUN="rq", REDIS_URL="redis://127.0.0.1:1/0")   # nothing listens there
    with caplog.at_level(logging.ERROR, logger="competition.jobs.runner"), unit_of_work():
        job_id = enqueue("test_count", params={"n": 6}).id
    assert db.session.get(Job, job_id).status == "queued" and regions() == []
    assert [r.getMessage() for r in caplog.records if r.name == "competition.jobs.runner"] == [
        f"job {job_id} could not be handed to the runner; the tick will try again"]
