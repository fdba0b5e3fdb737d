"""``flask judging ...``: rounds, rubrics, panels, assignment and scores from the command line."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import click
from sqlalchemy import select

from competition.cli.common import COUNT, ID, emit, get_competition, get_round, get_user, json_option
from competition.errors import AnugerahError
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.models import Assignment, Category, Entry, Round
from competition.policy import is_organiser
from competition.unit_of_work import runs_its_own_units, unit_of_work
from workflows import WorkflowError

ERRORS = (AnugerahError, WorkflowError)
actor_option = click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")


@click.group("judging")
def judging_group() -> None:
    """Set up judging rounds and record scores."""


@judging_group.command("add-round")
@click.argument("competition_id", type=ID)
@click.option("--name", required=True)
@click.option("--template", type=click.Choice(["iga_2023"]), help="Fill the rubric from a template.")
@click.option("--aggregation", type=click.Choice(["mean", "median", "trimmed_mean"]), default="mean")
@click.option("--normalise", is_flag=True, help="Per-judge z-score normalisation.")
@click.option("--advancement", type=click.Choice(["all", "top_n", "top_n_per_category", "min_score"]),
              default="all")
@click.option("--count", "advancement_count", type=COUNT, help="N for top_n rules.")
@click.option("--min-score", "advancement_min_score", type=float, help="Minimum for min_score.")
@click.option("--weight", type=float, default=1.0, help="Weight of the round in the final score.")
@click.option("--judges-per-entry", type=COUNT, default=3)
@click.option("--cap", "judge_cap", type=COUNT, help="Most entries per judge.")
@click.option("--blind", is_flag=True, help="Judges do not see the OPD.")
@actor_option
@json_option
def add_round_command(competition_id: int, name: str, template: str | None, actor_email: str, as_json: bool,
                      **options: object) -> None:
    """Add the next judging round to a competition."""
    from competition.judging.operations import add_round, apply_rubric_template

    organiser = get_user(actor_email)
    round_ = add_round(get_competition(competition_id), organiser, name=name, **options)  # type: ignore[arg-type]
    if template:
        apply_rubric_template(round_, organiser, template)
    emit(as_json, {"id": round_.id, "name": round_.name, "position": round_.position,
                   "criteria": [{"id": c.id, "name": c.name} for c in round_.criteria]},
         f"Round {round_.id}: {round_.name} (position {round_.position}, {len(round_.criteria)} criteria)")


@judging_group.command("add-criterion")
@click.argument("round_id", type=ID)
@click.option("--name", required=True)
@click.option("--weight", type=float, required=True)
@click.option("--guidance", default="")
@click.option("--min", "min_value", type=float, default=0)
@click.option("--max", "max_value", type=float, default=100)
@click.option("--step", type=float, default=1)
@click.option("--levels", help='Labelled levels instead of a numeric scale: "1=Perkada;2=Perbup;3=Perda".')
@click.option("--independent", is_flag=True, help="Recorded but weighs nothing.")
@actor_option
@json_option
def add_criterion_command(round_id: int, name: str, weight: float, guidance: str, min_value: float,
                          max_value: float, step: float, levels: str | None, independent: bool,
                          actor_email: str, as_json: bool) -> None:
    """Add a criterion to a round's rubric."""
    from competition.judging.operations import add_criterion

    parsed: list[tuple[float, str]] = []
    for part in (levels or "").split(";"):
        if part.strip():
            value, _, label = part.partition("=")
            try:
                parsed.append((float(value), label.strip()))
            except ValueError:
                raise click.ClickException(f"--levels: {part!r} is not VALUE=LABEL") from None
    criterion = add_criterion(get_round(round_id), get_user(actor_email), name=name, weight=weight,
                              guidance=guidance, scale="levels" if parsed else "numeric",
                              min_value=min_value, max_value=max_value, step=step,
                              independent=independent, levels=parsed)
    emit(as_json, {"id": criterion.id, "round_id": round_id, "name": criterion.name,
                   "weight": float(criterion.weight)},
         f"Criterion {criterion.id}: {criterion.name} (weight {criterion.weight:g})")


@judging_group.command("add-panel")
@click.argument("round_id", type=ID)
@click.option("--name", required=True)
@click.option("--judge", "judge_emails", multiple=True, required=True, help="Repeat for each judge.")
@click.option("--category", "category_name", help="Only entries of this category.")
@actor_option
@json_option
def add_panel_command(round_id: int, name: str, judge_emails: tuple[str, ...], category_name: str | None,
                      actor_email: str, as_json: bool) -> None:
    """Form a panel of judges for a round."""
    from competition.judging.operations import create_panel

    round_ = get_round(round_id)
    category = None
    if category_name:
        category = db.session.scalar(select(Category).where(
            Category.competition_id == round_.competition_id, Category.name == category_name))
        if category is None:
            raise click.ClickException(f"{round_.competition.name} has no category {category_name!r}")
    panel = create_panel(round_, get_user(actor_email), name=name,
                         judges=[get_user(e) for e in judge_emails], category=category)
    emit(as_json, {"id": panel.id, "round_id": round_id, "name": panel.name,
                   "judges": [{"id": m.judge.id, "email": m.judge.email} for m in panel.members]},
         f"Panel {panel.id}: {panel.name} with {len(panel.members)} judge(s)")


@judging_group.command("assign")
@click.argument("round_id", type=ID)
@click.option("--judges-per-entry", type=COUNT)
@click.option("--cap", type=COUNT)
@actor_option
@json_option
def assign_command(round_id: int, judges_per_entry: int | None, cap: int | None, actor_email: str,
                   as_json: bool) -> None:
    """Assign judges to every entry of a round automatically."""
    from competition.judging.operations import assign_automatically

    report = assign_automatically(get_round(round_id), get_user(actor_email),
                                  judges_per_entry=judges_per_entry, cap=cap)
    if as_json:
        emit(True, {"added": report.added, "conflicts_avoided": report.conflicts_avoided,
                    "load": report.load, "short": report.short}, "")
        return
    click.echo(f"{report.added} assignment(s) added; {report.conflicts_avoided} conflict(s) avoided.")
    for name, load in report.load.items():
        click.echo(f"  {name:<40} {load} entries")
    for title, missing in report.short.items():
        click.echo(f"  short of {missing} judge(s): {title}")


@judging_group.command("open-round")
@click.argument("round_id", type=ID)
@actor_option
def open_round_command(round_id: int, actor_email: str) -> None:
    """Open a round for scoring."""
    from competition.judging.rounds import open_round

    round_ = open_round(get_round(round_id), get_user(actor_email))
    click.echo(f"Round {round_.id} ({round_.name}) is open.")


@judging_group.command("close-round")
@click.argument("round_id", type=ID)
@click.option("--force", is_flag=True, help="Close even with unconfirmed scores (their drafts do not count).")
@actor_option
def close_round_command(round_id: int, force: bool, actor_email: str) -> None:
    """Close a round and decide who advances."""
    from competition.judging.rounds import close_round

    closure = close_round(get_round(round_id), get_user(actor_email), force=force)
    click.echo(f"Closed: {len(closure.advanced)} advanced, {len(closure.stopped)} stopped, "
               f"{len(closure.not_judged)} not judged.")


@judging_group.command("reopen-round")
@click.argument("round_id", type=ID)
@click.option("--reason", required=True, help="Why the round is reopened; kept in its history.")
@actor_option
def reopen_round_command(round_id: int, reason: str, actor_email: str) -> None:
    """Reopen a closed round: the outcomes its closing decided are undone, and the innovations it
    moved to scored go back to verified."""
    from competition.judging.rounds import reopen_round

    reopening = reopen_round(get_round(round_id), get_user(actor_email), reason)
    click.echo(f"Round {round_id} is open again: {len(reopening.undecided)} outcome(s) undone, "
               f"{len(reopening.back_to_verified)} innovation(s) back to verified.")


@judging_group.command("import-scores")
@click.argument("round_id", type=ID)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--confirm", is_flag=True, help="Confirm (lock) each judge's scores after saving them.")
@click.option("--as", "as_email", help="The organiser importing the file (named in the audit log).")
@json_option
@runs_its_own_units
def import_scores_command(round_id: int, file: Path, confirm: bool, as_email: str | None,
                          as_json: bool) -> None:
    """Record scores from a CSV or XLSX file with columns entry_id, judge, criterion, value,
    comment (the judge by e-mail, the criterion by name), as judges hand in scoring forms. Every
    row is checked first; when any row is bad nothing is saved. Runs as a job, here and now. The
    audit log names who imported it: the organiser given with --as, or else the administrator."""
    from competition.jobs.runner import enqueue, run_job
    from competition.models import Job

    with unit_of_work():
        round_ = get_round(round_id)
        importer = get_user(as_email) if as_email else None
        if importer is not None and not is_organiser(importer, round_.competition):
            raise click.ClickException(f"{as_email} is not an organiser of {round_.competition.name}: "
                                       "nothing was saved")
        job = enqueue("score_import", competition=round_.competition, start=False, by=importer,
                      params={"round_id": round_id, "path": str(file.resolve()), "confirm": confirm,
                              "display_name": file.name})
        job_id = job.id
    run_job(job_id)
    job = db.session.get_one(Job, job_id)
    if job.status != "done":
        raise click.ClickException("nothing was saved:\n  " + (job.error or "").replace("\n", "\n  "))
    emit(as_json, {"job_id": job.id, "round_id": round_id, "summary": job.summary}, job.summary or "")


@judging_group.command("declare-conflict")
@click.argument("entry_id", type=ID)
@click.option("--judge", "judge_email", required=True)
@click.option("--reason", required=True)
@json_option
def declare_conflict_command(entry_id: int, judge_email: str, reason: str, as_json: bool) -> None:
    """Record a judge's conflict of interest with an innovation."""
    from competition.judging.operations import declare_conflict

    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise click.ClickException(f"there is no innovation with id {entry_id}")
    conflict = declare_conflict(entry, get_user(judge_email), reason)
    emit(as_json, {"conflict_id": conflict.id, "entry_id": entry.id, "judge_id": conflict.judge_id},
         f"Conflict recorded; {judge_email} no longer judges '{entry.title}'.")


@judging_group.command("reopen")
@click.argument("round_id", type=ID)
@click.argument("entry_id", type=ID)
@click.option("--judge", "judge_email", required=True)
@click.option("--reason", required=True)
@actor_option
def reopen_command(round_id: int, entry_id: int, judge_email: str, reason: str, actor_email: str) -> None:
    """Reopen a judge's confirmed scores for an innovation."""
    from competition.judging.scoring import reopen_scores

    judge = get_user(judge_email)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.round_id == round_id, Assignment.entry_id == entry_id, Assignment.judge_id == judge.id,
        Assignment.status != REMOVED))
    if assignment is None:
        raise click.ClickException(
            f"{judge_email} is not assigned to innovation {entry_id} in round {round_id}")
    reopen_scores(assignment, get_user(actor_email), reason)
    click.echo("Scores reopened.")


@judging_group.command("progress")
@click.argument("round_id", type=ID)
@json_option
def progress_command(round_id: int, as_json: bool) -> None:
    """Each judge's progress in a round: confirmed of assigned."""
    round_ = get_round(round_id)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for assignment in round_.assignments:
        totals[assignment.judge.name][1] += 1
        totals[assignment.judge.name][0] += assignment.status == "confirmed"
    if as_json:
        emit(True, {"round_id": round_.id, "status": round_.status,
                    "judges": [{"name": name, "confirmed": done, "assigned": assigned}
                               for name, (done, assigned) in sorted(totals.items())]}, "")
        return
    click.echo(f"Round {round_.id} ({round_.name}) is {round_.status}")
    for name, (done, assigned) in sorted(totals.items()):
        click.echo(f"  {name:<40} {done} of {assigned} confirmed")



@click.group("round")
def round_group() -> None:
    """A judging round and its rubric."""


@round_group.command("show")
@click.argument("round_id", type=ID)
@json_option
def round_show_command(round_id: int, as_json: bool) -> None:
    """A round's rubric: each criterion's id, its name exactly as import-scores reads it, its
    weight and its range or levels."""
    from competition.judging.rounds_api import RoundOut

    round_ = get_round(round_id)
    emit(as_json, RoundOut().dump(round_), lambda: _rubric_text(round_))


def _rubric_text(round_: Round) -> str:
    lines = [f"Round {round_.id}: {round_.name} (position {round_.position} of {round_.competition.name}; "
             f"{round_.status}; {round_.aggregation}; weight {round_.weight:g})",
             "Criteria, in order (import-scores reads these names as its columns):"]
    for criterion in round_.criteria:
        if criterion.scale == "levels":
            scale = "levels " + ", ".join(f"{level.value:g}={level.label}" for level in criterion.levels)
        else:
            step = f", step {criterion.step:g}" if criterion.step else ""
            scale = f"{criterion.min_value:g} to {criterion.max_value:g}{step}"
        independent = ", independent (weighs nothing)" if criterion.independent else ""
        lines.append(f"  {criterion.position}. [id {criterion.id}] {criterion.name} | weight "
                     f"{criterion.weight:g} | {scale}{independent}")
    if not round_.criteria:
        lines.append("  (none yet)")
    return "\n".join(lines)


@click.group("assignments")
def assignments_group() -> None:
    """Who judges which innovation."""


@assignments_group.command("list")
@click.argument("round_id", type=ID)
@click.option("--judge", "judge_email", help="Only this judge's (by e-mail).")
@json_option
def list_assignments_command(round_id: int, judge_email: str | None, as_json: bool) -> None:
    """A round's assignments in id order: innovation, judge, panel, status (removed ones too)."""
    from competition.judging.queries import assignment_rows

    rows = assignment_rows(get_round(round_id), get_user(judge_email) if judge_email else None)
    emit(as_json, rows, lambda: "\n".join(
        [f"{row['id']:>6}  {row['status']:<9} {row['judge']:<32} [{row['entry_id']}] {row['entry']}"
         for row in rows] + [f"{len(rows)} assignment(s)"]))
