"""``flask results export`` and ``flask results certificates``: the ceremony's documents."""

from __future__ import annotations

from pathlib import Path

import click

from competition.cli.common import ID, emit, fail, get_award, get_competition, get_user, json_option
from competition.errors import AnugerahError
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


@results_group.command("certificate-settings")
@click.argument("competition_id", type=ID)
@click.option("--signatory-name", help="The signatory's name as printed, with academic titles.")
@click.option("--signatory-title", help="The signatory's title (jabatan): Wali Kota Kediri.")
@click.option("--signatory-nip", help="18 digits, spaces allowed; empty for none.")
@click.option("--second-name", help="A second signatory, on the left; empty for none.")
@click.option("--second-title")
@click.option("--second-nip")
@click.option("--place", help="Printed before the date; empty: the region's name.")
@click.option("--ceremony-date", help="YYYY-MM-DD; empty: the date the results were published.")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A PNG, JPEG or SVG file, at most 512 KB.")
@click.option("--remove-logo", is_flag=True)
@click.option("--as", "actor_email", required=True, help="E-mail of the organiser acting.")
@json_option
def certificate_settings_command(competition_id: int, logo: Path | None, remove_logo: bool, actor_email: str,
                                 as_json: bool, **given: str | None) -> None:
    """Show or change who signs the certificates, the place, the date and the logo (audited)."""
    from competition.ceremony.operations import (
        LOGO_MAX_BYTES,
        Logo,
        change_ceremony_settings,
        nip_shown,
        settings_data,
    )

    competition = get_competition(competition_id)
    values = {field: value for field, value in given.items() if value is not None}
    uploaded = None
    if logo is not None:
        with logo.open("rb") as handle:
            uploaded = Logo(logo.name, handle.read(LOGO_MAX_BYTES + 1))
    try:
        settings = change_ceremony_settings(competition, get_user(actor_email), values, logo=uploaded,
                                            remove_logo=remove_logo)
    except AnugerahError as error:
        raise fail(error) from error
    data = {"competition_id": competition.id, **settings_data(settings)}

    def text() -> str:
        lines = [f"Certificates of {competition.name}:"]
        for prefix, label in (("signatory", "signed by"), ("second", "and by")):
            if data[f"{prefix}_name"]:
                nip = f", NIP {nip_shown(data[f'{prefix}_nip'])}" if data[f"{prefix}_nip"] else ""
                lines.append(f"  {label} {data[f'{prefix}_name']}, {data[f'{prefix}_title']}{nip}")
        lines.append(f"  at {data['place'] or competition.region.name}, "
                     f"{data['ceremony_date'] or 'the date the results were published'}")
        lines.append(f"  logo: {data['logo']['name'] if data['logo'] else 'none'}")
        return "\n".join(lines)

    emit(as_json, data, text)
