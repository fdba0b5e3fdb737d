"""``flask export-competition``, ``import-competition``, ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click

from competition.cli.common import ID


@click.command("export-competition")
@click.argument("competition_id", type=ID)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_competition_command(competition_id: int, file: Path) -> None:
    """Write one competition (its rows, the shared rows they need, its audit trail and evidence
    files) to FILE, a zip archive; written whole or not at all."""
    from competition.backups.operations import export_competition

    summary = export_competition(competition_id, file)
    click.echo(f"Exported competition {summary.competition_id} ({summary.name}) to {file}: "
               f"{summary.total_rows} rows in {len(summary.rows)} tables, {summary.files} evidence "
               f"file(s) of {summary.file_bytes} bytes, {file.stat().st_size} bytes in all.")


@click.command("import-competition")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_competition_command(file: Path) -> None:
    """Add the competition archived in FILE to this database (ids kept; refused, with nothing
    added, when they are taken or the archive is damaged)."""
    from competition.backups.operations import import_competition

    summary = import_competition(file)
    reused = ", ".join(f"{count} {name}" for name, count in summary.reused.items())
    click.echo(f"Imported competition {summary.competition_id} ({summary.name}): {summary.total_rows} rows, "
               f"{summary.files} evidence file(s)" + (f"; already here: {reused}" if reused else "") + ".")
    click.echo("Accounts new to this database have no password: each chooses one through "
               "\"Lupa kata sandi\" (password reset).")
