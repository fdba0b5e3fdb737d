"""``flask jobs ...`` and ``flask worker``: the periodic tick, the schedule, and the RQ worker."""

from __future__ import annotations

import click
from flask import current_app

from competition.cli.common import ID, get_competition, get_user
from competition.unit_of_work import runs_its_own_units


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs and the periodic tick."""


@jobs_group.command("tick")
@click.option("--no-mail", is_flag=True, help="Leave the outbox for another sender.")
@runs_its_own_units
def tick_command(no_mail: bool) -> None:
    """One tick: make the phase changes the schedule says are due, queue reminders, send the
    outbox (for cron where no worker runs: * * * * *)."""
    from competition.jobs.schedule import tick

    report = tick(send_mail=not no_mail)
    click.echo(report.sentence())
    if report.failed:
        raise SystemExit(1)


@jobs_group.command("schedule")
@click.argument("competition_id", type=ID)
@click.option("--open-submissions/--no-open-submissions", default=False,
              help="Open submissions at their opening, as the system.")
@click.option("--close-submissions/--no-close-submissions", default=False,
              help="Close submissions at the submission deadline, as the system.")
@click.option("--start-judging/--no-start-judging", default=False,
              help="Close verification and start judging at the verification deadline, as the system.")
@click.option("--close-judging/--no-close-judging", default=False,
              help="Close judging at the judging deadline, as the system.")
@click.option("--remind-days", type=click.IntRange(1, 60),
              help="Remind those with work left this many days before each deadline.")
@click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")
def schedule_command(competition_id: int, open_submissions: bool, close_submissions: bool,
                     start_judging: bool, close_judging: bool, remind_days: int | None,
                     actor_email: str) -> None:
    """What the schedule does by itself for a competition: the phase changes it makes at their
    dates (those not named it leaves to the organisers) and the reminders."""
    from competition.jobs.schedule import set_schedule

    competition = get_competition(competition_id)
    chosen = {"open_submissions": open_submissions, "close_submissions": close_submissions,
              "start_judging": start_judging, "close_judging": close_judging}
    triggers = [trigger for trigger, wanted in chosen.items() if wanted]
    set_schedule(competition, get_user(actor_email), triggers=triggers, reminder_days=remind_days)
    reminders = f"reminders {remind_days} day(s) before each deadline" if remind_days else "no reminders"
    click.echo(f"{competition.name}: the schedule makes "
               f"{', '.join(triggers) if triggers else 'no phase change'}; {reminders}.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting, then stop.")
@runs_its_own_units
def worker_command(burst: bool) -> None:
    """The RQ worker on ANUGERAH_REDIS_URL, with the periodic tick beside it (make worker). It runs
    one job at a time in this process; start several for more."""
    from redis import Redis
    from rq import SimpleWorker

    from competition.jobs.schedule import TickThread

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["REDIS_URL"]:
        raise click.ClickException("set ANUGERAH_REDIS_URL: the worker takes its jobs from Redis")
    connection = Redis.from_url(app.config["REDIS_URL"])
    ticker = None
    if not burst and app.config["JOBS_WORKER_TICK_SECONDS"] > 0:
        ticker = TickThread(app, app.config["JOBS_WORKER_TICK_SECONDS"])
        ticker.start()
    try:
        SimpleWorker([app.config["JOBS_QUEUE"]], connection=connection).work(burst=burst)
    finally:
        if ticker is not None:
            ticker.stop()
