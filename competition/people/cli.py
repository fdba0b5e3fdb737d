"""Commands for people: importing organisations (OPDs) and creating users."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from competition.cli.common import ID
from competition.extensions import db
from competition.models import Competition, Organisation, Region


@click.command("import-organisations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_name", required=True, help="The region the organisations belong to.")
@click.option("--region-kind", type=click.Choice(["provinsi", "kabupaten", "kota"]),
              help="Create the region with this kind if it does not exist.")
def import_organisations_command(file: Path, region_name: str, region_kind: str | None) -> None:
    """Import OPDs from a CSV or XLSX file with columns name, short_name, parent."""
    from competition.people.organisations import get_or_create_region, import_organisations

    region = get_or_create_region(region_name, region_kind)
    report = import_organisations(file, region)
    click.echo(f"{len(report.created)} organisations imported into {region.name}, "
               f"{len(report.unchanged)} already there.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", "organisation_name", help="Name of the user's organisation (OPD).")
@click.option("--region", "region_name",
              help="The account's region (an organisation's own, when names repeat; for an account "
                   "without one, the region whose organisers manage it). Default: the competition's.")
@click.option("--competition", "competition_id", type=ID, help="Competition to grant roles in.")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["organiser", "verifier", "judge", "submitter"]),
              help="Role in --competition; repeat for several.")
def create_user_command(email: str, name: str, password: str, organisation_name: str | None,
                        region_name: str | None, competition_id: int | None, roles: tuple[str, ...]) -> None:
    """Create a user, optionally with roles in a competition."""
    from competition.people.operations import create_user, grant_role

    if roles and competition_id is None:
        raise click.ClickException("--role needs --competition")
    organisation = None
    if organisation_name:
        query = select(Organisation).where(Organisation.name == organisation_name)
        if region_name:
            query = query.join(Region).where(Region.name == region_name)
        found = db.session.scalars(query).all()
        if not found:
            raise click.ClickException(f"there is no organisation called {organisation_name!r}")
        if len(found) > 1:
            raise click.ClickException(f"{organisation_name!r} exists in several regions; add --region")
        organisation = found[0]
    competition = None
    if competition_id is not None:
        competition = db.session.get(Competition, competition_id)
        if competition is None:
            raise click.ClickException(f"there is no competition with id {competition_id}")
    region = None
    if organisation is None and region_name:
        region = db.session.scalar(select(Region).where(Region.name == region_name))
        if region is None:
            raise click.ClickException(f"there is no region called {region_name!r}")
    elif organisation is None and competition is not None:
        region = competition.region
    user = create_user(email=email, name=name, password=password, organisation=organisation,
                       region=region)
    for role in roles:
        assert competition is not None
        grant_role(user, competition, role)
    click.echo(f"Created {user.email}" + (f" with {', '.join(roles)} in {competition.name}"
                                          if competition and roles else ""))
