"""``flask export-competition``, ``import-competition``, ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click

from competition.cli.common import ID, emit, json_option
from competition.unit_of_work import runs_its_own_units


@click.command("export-competition")
@click.argument("competition_id", type=ID)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def export_competition_command(competition_id: int, file: Path, as_json: bool) -> None:
    """Write one competition (its rows, the shared rows they need, its audit trail and evidence
    files) to FILE, a zip archive; written whole or not at all."""
    from competition.backups.operations import export_competition

    summary = export_competition(competition_id, file)
    if as_json:
        emit(True, {"competition_id": summary.competition_id, "name": summary.name, "file": str(file),
                    "rows": summary.rows, "files": summary.files, "file_bytes": summary.file_bytes,
                    "bytes": file.stat().st_size}, "")
        return
    click.echo(f"Exported competition {summary.competition_id} ({summary.name}) to {file}: "
               f"{summary.total_rows} rows in {len(summary.rows)} tables, {summary.files} evidence "
               f"file(s) of {summary.file_bytes} bytes, {file.stat().st_size} bytes in all.")


@click.command("import-competition")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def import_competition_command(file: Path, as_json: bool) -> None:
    """Add the competition archived in FILE to this database (ids kept; refused, with nothing
    added, when they are taken or the archive is damaged)."""
    from competition.backups.operations import import_competition

    summary = import_competition(file)
    if as_json:
        emit(True, {"competition_id": summary.competition_id, "name": summary.name, "rows": summary.rows,
                    "files": summary.files, "reused": summary.reused}, "")
        return
    reused = ", ".join(f"{count} {name}" for name, count in summary.reused.items())
    click.echo(f"Imported competition {summary.competition_id} ({summary.name}): {summary.total_rows} rows, "
               f"{summary.files} evidence file(s)" + (f"; already here: {reused}" if reused else "") + ".")
    click.echo("Accounts new to this database have no password: each chooses one through "
               "\"Lupa kata sandi\" (password reset).")


@click.command("backup")
@click.argument("target", type=click.Path(path_type=str))
@json_option
def backup_command(target: str, as_json: bool) -> None:
    """Write the whole database (pg_dump -Fc on PostgreSQL, the online backup API on SQLite) and
    the evidence folder to one file with a manifest of their SHA-256. TARGET is the file, or a
    folder to put anugerah-backup-<time>.zip in. Written whole or not at all."""
    from competition.backups.database import backup

    summary = backup(target)
    if as_json:
        emit(True, {"file": str(summary.path), "bytes": summary.path.stat().st_size,
                    "database": summary.database, "database_bytes": summary.database_bytes,
                    "files": summary.files, "file_bytes": summary.file_bytes, "damaged": summary.damaged}, "")
        return
    click.echo(f"Backed up the {summary.database} database ({summary.database_bytes} bytes) and "
               f"{summary.files} evidence file(s) ({summary.file_bytes} bytes) to {summary.path} "
               f"({summary.path.stat().st_size} bytes).")
    for name in summary.damaged:
        click.echo(f"warning: evidence file {name} does not hash to its name; it was kept as it is", err=True)


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore over a database that holds rows (they are replaced).")
@runs_its_own_units
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup made by `backup` into this database and the evidence folder, then verify
    the audit chains, every sealed result and the evidence files, and report what was checked.
    Refuses a damaged backup, and a database that holds rows unless --force. Exits 1 when a check
    fails."""
    from competition.backups.database import restore

    report = restore(source, force=force)
    for check in report.checks:
        click.echo(f"OK  {check}")
    if report.problems:
        for problem in report.problems:
            click.echo(f"FAILED  {problem}", err=True)
        raise click.ClickException(
            f"the restored database does not verify: {len(report.problems)} problem(s)")
    click.echo("Restored and verified.")
