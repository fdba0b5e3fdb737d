"""Many judges at once under gunicorn, on loopback: throughput, latency, and nothing lost.

Makes its own PostgreSQL database (anugerah_loadtest_<random>) on ANUGERAH_LOADTEST_DATABASE_URL,
migrates it to the head, seeds it (benchmarks/loadtest_seed.py) and copies it for each run:

1. the app under gunicorn (gunicorn.conf.py) with ``--workers`` workers;
2. two app instances with half the workers each behind a round-robin proxy (benchmarks/roundrobin.py),
   sharing the database and Redis (skipped in the baseline form).

In each run the judges score (benchmarks/loadtest_client.py) while organisers load the dashboard
and the results preview and OPD operators submit innovations, all through the pages and forms a
browser uses; then the database is checked (benchmarks/loadtest_checks.py), and a bare route doing
one INSERT (benchmarks/bare_insert.py) is timed with the same workers, database and client
concurrency. Every database it made is dropped at the end, also on failure or Ctrl-C.

    python benchmarks/loadtest.py              # 50 judges, 2,000 innovations, 4 workers, 60 s
    python benchmarks/loadtest.py --short      # about 30 s, for CI
    python benchmarks/loadtest.py --baseline   # 2 workers, 400 innovations, 20 judges on one panel

The last line: ``loadtest: judges=.. confirmed=.. lost=.. dup=.. 5xx=.. p95=.. ms ratio=..``
(confirmed, lost, dup and 5xx over every run; p95 and ratio of the first run); the exit status
is 1 when anything was lost or duplicated or answered 5xx.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from loadtest_client import Person, Results, run_process  # noqa: E402
from loadtest_report import Figures, figures, print_run  # noqa: E402
from loadtest_seed import PASSWORD, Seeded, seed  # noqa: E402

SERVER = os.environ.get(
    "ANUGERAH_LOADTEST_DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
)
REDIS = os.environ.get("ANUGERAH_LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
JUDGE_OPS = ("page", "draft", "confirm", "next page")


@dataclass
class Settings:
    judges: int = 50
    innovations: int = 2000
    workers: int = 4
    seconds: float = 60.0
    bare_seconds: float = 10.0
    panel_size: int = 10
    per_entry: int = 3
    organisers: int = 2
    operators: int = 4
    drafts: int = 25
    processes: int = 4
    pause: float = 1.0
    round_robin: bool = True
    background: bool = True   # organisers and OPD operators at work beside the judges
    form: str = "full"


@dataclass
class Run:
    name: str
    results: Results = field(default_factory=Results)
    figures: Figures | None = None
    verdict: Any = None
    client_cpu: float = 0.0
    bare: float = 0.0
    log: Path | None = None


def parse(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--judges", type=int)
    parser.add_argument("--innovations", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--seconds", type=float)
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--short", action="store_true", help="about 30 s in all, for CI")
    form.add_argument(
        "--baseline",
        action="store_true",
        help="the baseline's set-up: 2 workers, 400 innovations, 20 judges on one panel",
    )
    args = parser.parse_args(argv)
    settings = Settings()
    if args.short:
        settings = Settings(
            judges=10,
            innovations=150,
            workers=2,
            seconds=5,
            bare_seconds=3,
            panel_size=10,
            organisers=1,
            operators=1,
            drafts=5,
            processes=2,
            form="short",
        )
    elif args.baseline:
        settings = Settings(
            judges=20,
            innovations=400,
            workers=2,
            seconds=20,
            bare_seconds=8,
            panel_size=20,
            background=False,   # the baseline timed the judges alone
            processes=2,
            round_robin=False,
            form="baseline",
        )
    for name in ("judges", "innovations", "workers", "seconds"):
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))
    return settings


# -- databases, processes ---------------------------------------------------------------------------


def _url(database: str) -> str:
    from sqlalchemy.engine import make_url

    from competition.config import database_url

    return make_url(database_url(SERVER)).set(database=database).render_as_string(hide_password=False)


def _admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    from competition.config import database_url

    engine = create_engine(database_url(SERVER), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def databases(prefix: str) -> Iterator[list[str]]:
    """Names of the databases made (appended by the caller), every one dropped at the end."""
    made: list[str] = []
    try:
        yield made
    finally:
        for name in made:
            with suppress(Exception):
                _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def gunicorn(
    started: list[subprocess.Popen[bytes]],
    app: str,
    port: int,
    workers: int,
    env: dict[str, str],
    log: Path,
    chdir: Path = ROOT,
) -> None:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--chdir",
        str(chdir),
        app,
    ]
    environment = {
        **os.environ,
        **env,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
    }
    with log.open("ab") as output:
        started.append(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output))


def wait_ready(port: int, path: str = "/readyz", timeout: float = 60) -> None:
    until = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > until:
            raise RuntimeError(f"nothing ready on port {port} after {timeout:.0f} s")
        time.sleep(0.2)


def flush_redis() -> None:
    from redis import Redis

    client: Any = Redis.from_url(REDIS)
    try:
        client.flushdb()
    finally:
        client.close()


# -- one run ------------------------------------------------------------------------------------------


def people(settings: Settings, seeded: Seeded, firsts: dict[str, int]) -> list[Person]:
    crowd = [Person("judge", email, [firsts[email]] if email in firsts else []) for email in seeded.judges]
    if settings.background:
        crowd += [Person("organiser", email) for email in seeded.organisers]
        crowd += [Person("operator", email, ids) for email, ids in seeded.operators.items()]
    return crowd


def drive(
    port: int,
    crowd: list[Person],
    settings: Settings,
    competition_id: int,
    seconds: float,
    on_start: Callable[[], None] | None = None,
) -> tuple[Results, float]:
    """Spread ``crowd`` over the client processes, start them together (then call ``on_start``),
    merge what they kept."""
    context = multiprocessing.get_context("fork")
    ready, go, out = context.Queue(), context.Event(), context.Queue()
    count = min(settings.processes, len(crowd))
    workers = [
        context.Process(
            target=run_process,
            args=(
                "127.0.0.1",
                port,
                crowd[n::count],
                PASSWORD,
                competition_id,
                ready,
                go,
                seconds,
                out,
                settings.pause,
            ),
        )
        for n in range(count)
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            ready.get(timeout=180)
        go.set()
        if on_start is not None:
            on_start()
        merged, cpu = Results(), 0.0
        for _ in workers:
            results, used = out.get(timeout=seconds + 240)
            cpu += used
            for name in (
                "samples",
                "drafts",
                "drafts_sent",
                "confirms",
                "confirm_times",
                "refused_confirms",
                "submits",
                "refused_submits",
                "reasons",
                "server_errors",
            ):
                getattr(merged, name).extend(getattr(results, name))
            merged.sign_in_failures += results.sign_in_failures
            merged.finished_at = max(merged.finished_at, results.finished_at)
    except BaseException:   # interrupted or failed: the clients stop at once
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    return merged, cpu


def first_assignments(url: str, round_id: int) -> dict[str, int]:
    """Each judge's first sheet, as "Penilaian saya" lists them (the lowest id)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                row[0]: row[1]
                for row in connection.execute(
                    text(
                        "SELECT u.email, min(a.id) FROM assignment a "
                        "JOIN user_account u ON u.id = a.judge_id "
                        "WHERE a.round_id = :r AND a.status = 'open' GROUP BY u.email"
                    ),
                    {"r": round_id},
                )
            }
    finally:
        engine.dispose()


def one_run(name: str, url: str, settings: Settings, seeded: Seeded, instances: int, work: Path) -> Run:
    run = Run(name, log=work / f"{name}.log")
    began = time.monotonic()
    env = {
        "ANUGERAH_DATABASE_URL": url,
        "ANUGERAH_REDIS_URL": REDIS,
        "ANUGERAH_SECRET_KEY": "loadtest-secret",
        "ANUGERAH_REDIS_PREFIX": f"loadtest{uuid.uuid4().hex[:6]}",
        "ANUGERAH_INSTANCE_PATH": str(work / "instance"),
    }
    flush_redis()
    with processes() as started:
        ports = [free_port() for _ in range(instances)]
        for port in ports:
            gunicorn(
                started, "wsgi:app", port, max(1, settings.workers // instances), env, work / f"{name}.log"
            )
        port = ports[0]
        if instances > 1:
            port = free_port()
            started.append(
                subprocess.Popen([sys.executable, str(HERE / "roundrobin.py"), str(port), *map(str, ports)])
            )
        for each in [*ports, port]:
            wait_ready(each)
        print(f"{name}: serving after {time.monotonic() - began:.1f} s", flush=True)
        crowd = people(settings, seeded, first_assignments(url, seeded.round_id))
        run.results, run.client_cpu = drive(port, crowd, settings, seeded.competition_id, settings.seconds)
    flush_redis()
    print(f"{name}: clients done after {time.monotonic() - began:.1f} s", flush=True)
    run.verdict = verify(url, seeded, run.results)
    print(f"{name}: checked after {time.monotonic() - began:.1f} s", flush=True)
    return run


def verify(url: str, seeded: Seeded, results: Results) -> Any:
    from loadtest_checks import check, check_chains

    from competition import create_app
    from competition.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            verdict = check(db.session, seeded.round_id, seeded.open_competition_id, results)
            check_chains(verdict)
        finally:
            db.session.remove()
            db.engine.dispose()
    return verdict


def bare_run(url: str, settings: Settings, work: Path) -> tuple[float, float]:
    """Requests per second of one INSERT with the same workers and client concurrency."""
    _admin_on(
        url,
        "CREATE TABLE IF NOT EXISTS bare_hit (id serial PRIMARY KEY, at timestamptz "
        "DEFAULT now(), note text)",
    )
    with processes() as started:
        port = free_port()
        gunicorn(
            started,
            "bare_insert:app",
            port,
            settings.workers,
            {"BARE_DATABASE_URL": url},
            work / "bare.log",
            chdir=HERE,
        )
        wait_ready(port, "/healthz")
        crowd = [Person("bare") for _ in range(settings.judges)]
        results, cpu = drive(port, crowd, settings, 0, settings.bare_seconds)
    done = [s for s in results.samples if s[3] == "ok"]
    return len(done) / max(results.finished_at, 1e-9), cpu


def _admin_on(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


# -- the whole ------------------------------------------------------------------------------------------


def prepare(settings: Settings, template: str) -> Seeded:
    return prepare_at(settings, _url(template))


def prepare_at(settings: Settings, url: str) -> Seeded:
    """Migrate the empty database at ``url`` to the head and seed it."""
    from flask_migrate import upgrade

    from competition import create_app
    from competition.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            upgrade()
            return seed(
                innovations=settings.innovations,
                judges=settings.judges,
                panel_size=settings.panel_size,
                per_entry=settings.per_entry,
                organisers=settings.organisers,
                operators=settings.operators,
                drafts=settings.drafts,
            )
        finally:
            db.session.remove()
            db.engine.dispose()


def main(argv: list[str]) -> int:
    settings = parse(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    # Ctrl-C and SIGTERM end the run through the clean-up (even when started with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="anugerah-loadtest-"))
    os.environ.setdefault("ANUGERAH_INSTANCE_PATH", str(work / "instance"))
    os.environ.setdefault("ANUGERAH_SECRET_KEY", "loadtest-secret")
    began = time.monotonic()
    prefix = f"anugerah_loadtest_{uuid.uuid4().hex[:8]}"
    runs: list[Run] = []
    with databases(prefix) as made:
        made.append(prefix)
        _admin(f'CREATE DATABASE "{prefix}"')
        seeded = prepare(settings, prefix)
        print(
            f"seeded in {time.monotonic() - began:.1f} s: {settings.innovations} innovations, "
            f"{seeded.sheets} sheets, {settings.judges} judges, {settings.workers} workers, logs in {work}",
            flush=True,
        )
        plan = [("one instance", 1)] + ([("two instances, round robin", 2)] if settings.round_robin else [])
        bare, bare_cpu = 0.0, 0.0
        for number, (name, instances) in enumerate(plan, start=1):
            copy = f"{prefix}_{number}"
            made.append(copy)
            _admin(f'CREATE DATABASE "{copy}" TEMPLATE "{prefix}"')
            run = one_run(f"run{number}", _url(copy), settings, seeded, instances, work)
            run.name = name
            if number == 1:
                bare, bare_cpu = bare_run(_url(copy), settings, work)
            run.bare = bare
            run.figures = figures(run.results, JUDGE_OPS, bare)
            print_run(run, settings, bare_cpu)
            runs.append(run)
    return finish(runs, settings, time.monotonic() - began)


def finish(runs: list[Run], settings: Settings, elapsed: float) -> int:
    confirmed = sum(run.verdict.confirmed for run in runs)
    lost = sum(run.verdict.lost for run in runs)
    dup = sum(run.verdict.dup for run in runs)
    errors = sum(run.figures.server_errors for run in runs if run.figures)
    first = runs[0].figures
    assert first is not None
    print(f"total time {elapsed:.0f} s ({settings.form} form)")
    print(
        f"loadtest: judges={settings.judges} confirmed={confirmed} lost={lost} dup={dup} 5xx={errors} "
        f"p95={first.worst_p95:.0f} ms ratio={first.ratio:.2f}"
    )
    return 1 if lost or dup or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
