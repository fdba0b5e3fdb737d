"""Faults under load: nothing half-written, every acknowledged write kept, the service back by itself.

1. worker killed: judges confirm as fast as they can against gunicorn (2 workers); one worker gets
   SIGKILL in the middle. gunicorn starts another; the requests it held fail on the client's side
   (never acknowledged); every acknowledged confirmation is in the database exactly once, every
   confirmed sheet has all its scores and its event, and the audit chains hold.
2. PostgreSQL restarted: a throwaway cluster of its own (initdb / pg_ctl from
   /usr/lib/postgresql/15/bin, as the postgres user, on a free port, in a temporary folder; never
   the shared server). Under load it is stopped for a few seconds and started again. While it is
   down every request is answered with the app's own 503 page (Retry-After, no traceback); once
   it is back requests succeed again with the same gunicorn workers (the app is not restarted).

Prints PASS or FAIL per fault with its figures; exits 1 when one fails.

    python benchmarks/faults.py            # 20 judges
    python benchmarks/faults.py --short    # 8 judges, for CI
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from loadtest import (  # noqa: E402
    Settings,
    _admin,
    _url,
    databases,
    drive,
    first_assignments,
    free_port,
    gunicorn,
    people,
    prepare_at,
    processes,
    verify,
    wait_ready,
)
from loadtest_checks import Verdict  # noqa: E402
from loadtest_client import Results  # noqa: E402

PG_BIN = Path(os.environ.get("ANUGERAH_PG_BIN", "/usr/lib/postgresql/15/bin"))


def settings_for(short: bool) -> Settings:
    if short:
        return Settings(
            judges=8,
            innovations=80,
            workers=2,
            seconds=7,
            panel_size=8,
            organisers=1,
            operators=1,
            drafts=3,
            processes=2,
            form="short",
        )
    return Settings(
        judges=20,
        innovations=300,
        workers=2,
        seconds=16,
        panel_size=10,
        organisers=1,
        operators=2,
        drafts=5,
        processes=2,
        form="full",
    )


def workers_of(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def serve(started: list[subprocess.Popen[bytes]], url: str, work: Path, log: str,
          workers: int) -> tuple[int, int, list[int]]:
    """The app under gunicorn on ``url``'s database, answering: its port, its master's pid and
    its workers' pids."""
    env = {
        "ANUGERAH_DATABASE_URL": url,
        "ANUGERAH_SECRET_KEY": "faults-secret",
        "ANUGERAH_INSTANCE_PATH": str(work / "instance"),
    }
    port = free_port()
    gunicorn(started, "wsgi:app", port, workers, env, work / log)
    wait_ready(port)
    master = started[0].pid
    return port, master, workers_of(master)


def confirmations(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM scoring_event WHERE action = 'confirm'"))
                       .scalar_one())
    finally:
        engine.dispose()


def wait_for_confirmations(url: str, count: int, until: float) -> None:
    while time.monotonic() < until and confirmations(url) < count:
        time.sleep(0.1)


def ok_confirms_after(results: Results, moment: float) -> int:
    """Confirmations acknowledged after ``moment`` (seconds since the start)."""
    return sum(1 for at in results.confirm_times if at > moment)


def verdict_line(name: str, passed: bool, figures: str) -> bool:
    print(f"{'PASS' if passed else 'FAIL'} {name}: {figures}")
    return passed


# -- 1. a worker killed ---------------------------------------------------------------------------------


def worker_killed(settings: Settings, work: Path) -> bool:
    prefix = f"anugerah_faults_{uuid.uuid4().hex[:8]}"
    with databases(prefix) as made:
        made.append(prefix)
        _admin(f'CREATE DATABASE "{prefix}"')
        url = _url(prefix)
        seeded = prepare_at(settings, url)
        with processes() as started:
            port, master, before = serve(started, url, work, "kill.log", settings.workers)
            event: dict[str, float] = {}

            def kill_one() -> None:
                began = time.monotonic()
                # In the middle of the burst: once half as many sheets as there are judges are confirmed.
                wait_for_confirmations(url, settings.judges // 2, began + settings.seconds / 2)
                event["confirmed_before"] = confirmations(url)
                victim = workers_of(master)[0]
                os.kill(victim, signal.SIGKILL)
                event["at"] = time.monotonic() - began
                event["victim"] = victim
                while time.monotonic() - began < settings.seconds + 30:
                    current = workers_of(master)
                    if len(current) >= settings.workers and victim not in current:
                        event["replaced"] = time.monotonic() - began - event["at"]
                        return
                    time.sleep(0.05)

            killer = threading.Thread(target=kill_one)
            crowd = people(settings, seeded, first_assignments(url, seeded.round_id))
            results, _cpu = drive(
                port, crowd, settings, seeded.competition_id, settings.seconds, on_start=killer.start
            )
            killer.join()
            after = workers_of(master)
        verdict = verify(url, seeded, results)
    server = len(results.server_errors)
    lost_connections = sum(1 for s in results.samples if s[3] == "conn")
    later = ok_confirms_after(results, event.get("at", 0) + 0.5)
    passed = (
        verdict.lost == 0
        and verdict.dup == 0
        and server == 0
        and "replaced" in event
        and later > 0
        and verdict.chains.startswith("hold")
    )
    for problem in verdict.problems:
        print(f"  {problem}")
    return verdict_line(
        "worker killed (SIGKILL) during confirmations",
        passed,
        f"workers {before} -> {after}, killed {int(event.get('victim', 0))} at {event.get('at', 0):.1f} s, "
        f"replaced after {event.get('replaced', float('nan')):.1f} s; "
        f"{int(event.get('confirmed_before', 0))} sheets confirmed in the database before it; "
        f"acknowledged confirmations "
        f"{verdict.confirmed} ({later} after the kill); requests cut {lost_connections}; 5xx {server}; "
        f"lost {verdict.lost} dup {verdict.dup}; audit chains {verdict.chains}",
    )


# -- 2. PostgreSQL restarted --------------------------------------------------------------------


@contextmanager
def throwaway_cluster(work: Path) -> Iterator[str]:
    """A PostgreSQL cluster of its own (trust on loopback), stopped and removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="anugerah-pg-"))
    data = folder / "data"
    shutil.chown(folder, "postgres", "postgres")
    port = free_port()

    def as_postgres(*command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120
        )

    try:
        as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        start = [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ]
        as_postgres(*start)
        cluster = Cluster(data, start, as_postgres)
        _CLUSTERS.append(cluster)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Cluster:
    data: Path
    start_command: list[str]
    run: Callable[..., None]

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start(self) -> None:
        self.run(*self.start_command)


_CLUSTERS: list[Cluster] = []


def database_restarted(settings: Settings, work: Path, down: float) -> bool:
    with throwaway_cluster(work) as server:
        cluster = _CLUSTERS[-1]
        url = server.rsplit("/", 1)[0] + "/anugerah_faults"
        _create(server, "anugerah_faults")
        seeded = prepare_at(settings, url)
        with processes() as started:
            port, master, before = serve(started, url, work, "restart.log", settings.workers)
            event: dict[str, float] = {}

            def restart() -> None:
                began = time.monotonic()
                time.sleep(settings.seconds / 4)
                event["stop"] = time.monotonic() - began
                cluster.stop()
                event["down"] = time.monotonic() - began
                time.sleep(down)
                cluster.start()
                event["up"] = time.monotonic() - began

            restarter = threading.Thread(target=restart)
            crowd = people(settings, seeded, first_assignments(url, seeded.round_id))
            results, _cpu = drive(
                port,
                crowd,
                settings,
                seeded.competition_id,
                settings.seconds + down,
                on_start=restarter.start,
            )
            restarter.join()
            after = workers_of(master)
        verdict = verify(url, seeded, results)
    return _restart_verdict(results, verdict, event, before, after)


def _create(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    from competition.config import database_url

    engine = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _restart_verdict(
    results: Results, v: Verdict, event: dict[str, float], before: list[int], after: list[int]
) -> bool:
    errors = results.server_errors
    unavailable = [e for e in errors if e[0] == 503]
    clean = [e for e in unavailable if e[1] and e[2]]
    others = [e for e in errors if e[0] != 503]
    up = event.get("up", float("inf"))
    successes_after = sorted(s[1] for s in results.samples if s[3] == "ok" and s[1] > up)
    recovered = successes_after[0] - up if successes_after else float("nan")
    later = ok_confirms_after(results, up)
    lost, dup, chains = v.lost, v.dup, v.chains
    passed = (
        lost == 0
        and dup == 0
        and chains.startswith("hold")
        and not others
        and unavailable
        and len(clean) == len(unavailable)
        and later > 0
        and before == after
    )
    for problem in v.problems:
        print(f"  {problem}")
    return verdict_line(
        "PostgreSQL stopped and started under load",
        bool(passed),
        f"down from {event.get('stop', 0):.1f} s to {up:.1f} s; 503 pages {len(unavailable)} "
        f"({len(clean)} the app's own with Retry-After, no traceback); other 5xx {len(others)}; "
        f"first success {recovered:.2f} s after the start; confirmations after it {later}; "
        f"workers {before} -> {after} (not restarted); acknowledged confirmations "
        f"{v.confirmed}; lost {lost} dup {dup}; audit chains {chains}",
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="a short form, for CI")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = settings_for(args.short)
    work = Path(tempfile.mkdtemp(prefix="anugerah-faults-"))
    os.environ.setdefault("ANUGERAH_INSTANCE_PATH", str(work / "instance"))
    os.environ.setdefault("ANUGERAH_SECRET_KEY", "faults-secret")
    began = time.monotonic()
    results = [
        worker_killed(settings, work),
        database_restarted(settings, work, down=3.0 if args.short else 5.0),
    ]
    print(
        f"faults: {sum(results)} of {len(results)} passed in {time.monotonic() - began:.0f} s "
        f"({settings.form} form)"
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
