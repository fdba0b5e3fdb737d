"""``flask results export`` and ``flask results certificates``: the ceremony's documents."""

from __future__ import annotations

from pathlib import Path

import click

from competition.cli.common import ID, get_award, get_competition
from competition.results.cli import results_group, sealed_version


def _winners(competition_id: int, award_id: int | None, version: int | None):
    """The competition, sealed version, award and run-sheet rows a ceremony export works from."""
    from competition.ceremony.documents import run_sheet

    competition = get_competition(competition_id)
    result_set = sealed_version(competition, version)
    award = get_award(competition, award_id)
    return competition, result_set, award, run_sheet(result_set, award)


@results_group.command("export")
@click.argument("competition_id", type=ID)
@click.option("--award", "award_id", type=ID, help="Default: the first award.")
@click.option("--version", type=ID, help="Default: the latest sealed version.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx", "pdf"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(competition_id: int, award_id: int | None, version: int | None, file_format: str,
                   output: Path) -> None:
    """Export an award's run-sheet (susunan acara penganugerahan) as CSV, XLSX or an A4 PDF."""
    from competition.ceremony.documents import run_sheet_csv, run_sheet_pdf, run_sheet_xlsx

    competition, result_set, award, rows = _winners(competition_id, award_id, version)
    if file_format == "csv":
        output.write_text(run_sheet_csv(rows), encoding="utf-8")
    elif file_format == "xlsx":
        output.write_bytes(run_sheet_xlsx(rows, f"{award.name} – {competition.name}"))
    else:
        output.write_bytes(run_sheet_pdf(result_set, award, rows))
    click.echo(f"{len(rows)} winner(s) of {award.name} written to {output}")


@results_group.command("certificates")
@click.argument("competition_id", type=ID)
@click.option("--award", "award_id", type=ID, help="Default: the first award.")
@click.option("--version", type=ID, help="Default: the latest sealed version.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def certificates_command(competition_id: int, award_id: int | None, version: int | None,
                         output: Path) -> None:
    """Certificates (piagam penghargaan) as one PDF, numbered as on the run-sheet."""
    from competition.ceremony.documents import certificates_pdf

    _, result_set, award, rows = _winners(competition_id, award_id, version)
    output.write_bytes(certificates_pdf(result_set, award, rows))
    click.echo(f"{len(rows)} certificate(s) written to {output}")
