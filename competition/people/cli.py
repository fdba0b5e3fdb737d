"""Commands for people: importing organisations (OPDs), creating users and importing them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from competition.cli.common import ID, emit, get_competition, get_user, json_option
from competition.extensions import db
from competition.models import Organisation, Region
from competition.policy import require_organiser


@click.command("import-organisations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_name", required=True, help="The region the organisations belong to.")
@click.option("--region-kind", type=click.Choice(["provinsi", "kabupaten", "kota"]),
              help="Create the region with this kind if it does not exist.")
@json_option
def import_organisations_command(file: Path, region_name: str, region_kind: str | None,
                                 as_json: bool) -> None:
    """Import OPDs from a CSV or XLSX file with columns name, short_name, parent."""
    from competition.people.organisations import get_or_create_region, import_organisations

    region = get_or_create_region(region_name, region_kind)
    report = import_organisations(file, region)
    emit(as_json, {"region_id": region.id, "region": region.name,
                   "created": _organisations(region, report.created),
                   "unchanged": _organisations(region, report.unchanged)},
         f"{len(report.created)} organisations imported into {region.name}, "
         f"{len(report.unchanged)} already there.")


def _organisations(region: Region, names: list[str]) -> list[dict[str, object]]:
    """The region's organisations of these names, with their ids, in the order named."""
    found = {o.name: o for o in db.session.scalars(select(Organisation).where(
        Organisation.region_id == region.id, Organisation.name.in_(names)))}
    return [{"id": found[name].id, "name": name, "parent_id": found[name].parent_id}
            for name in names if name in found]


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", help="The password; other users of the machine can see it in the list of "
                                 "processes, so prefer --password-stdin, the prompt or --invite.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@click.option("--invite", is_flag=True,
              help="No password: e-mail the user an invitation to choose one (valid for a week).")
@click.option("--organisation", "organisation_name", help="Name of the user's organisation (OPD).")
@click.option("--region", "region_name",
              help="The account's region (an organisation's own, when names repeat; for an account "
                   "without one, the region whose organisers manage it). Default: the competition's.")
@click.option("--competition", "competition_id", type=ID, help="Competition to grant roles in.")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["organiser", "verifier", "judge", "submitter"]),
              help="Role in --competition; repeat for several.")
@json_option
def create_user_command(email: str, name: str, password: str | None, password_stdin: bool, invite: bool,
                        organisation_name: str | None, region_name: str | None, competition_id: int | None,
                        roles: tuple[str, ...], as_json: bool) -> None:
    """Create a user, optionally with roles in a competition. The password is asked for (twice,
    not shown) unless it comes on standard input (--password-stdin) or the user is invited to
    choose it (--invite)."""
    from competition.jobs.kinds import inviter
    from competition.people.operations import create_user, grant_role

    if roles and competition_id is None:
        raise click.ClickException("--role needs --competition")
    if (password is not None) + password_stdin + invite > 1:
        raise click.ClickException("give one of --password, --password-stdin and --invite")
    organisation = _organisation_named(organisation_name, region_name) if organisation_name else None
    competition = get_competition(competition_id) if competition_id is not None else None
    region = None
    if organisation is None and region_name:
        region = db.session.scalar(select(Region).where(Region.name == region_name))
        if region is None:
            raise click.ClickException(f"there is no region called {region_name!r}")
    elif organisation is None and competition is not None:
        region = competition.region
    user = create_user(email=email, name=name, password=_password(password, password_stdin, invite),
                       organisation=organisation, region=region)
    if invite:
        inviter(None)(user)
    for role in roles:
        assert competition is not None
        grant_role(user, competition, role)
    granted = f" with {', '.join(roles)} in {competition.name}" if competition and roles else ""
    emit(as_json, {"id": user.id, "email": user.email, "name": user.name,
                   "organisation_id": user.organisation_id, "region_id": user.region_id,
                   "competition_id": competition_id, "roles": list(roles), "invited": invite},
         f"Created {user.email}{granted}"
         + ("; an invitation to choose a password is queued" if invite else ""))


def _password(given: str | None, from_stdin: bool, invite: bool) -> str:
    from competition.people.operations import unguessable_password

    if given is not None:
        return given
    if invite:
        return unguessable_password()
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.ClickException("--password-stdin: standard input holds no password")
        return line
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _organisation_named(name: str, region_name: str | None) -> Organisation:
    query = select(Organisation).where(Organisation.name == name)
    if region_name:
        query = query.join(Region).where(Region.name == region_name)
    found = db.session.scalars(query).all()
    if not found:
        raise click.ClickException(f"there is no organisation called {name!r}")
    if len(found) > 1:
        raise click.ClickException(f"{name!r} exists in several regions; add --region")
    return found[0]


@click.group("users")
def users_group() -> None:
    """Users in bulk."""


@users_group.command("import")
@click.argument("competition_id", type=ID)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", help="The organiser importing (the file is then held to what they may "
                                       "do, as in the browser); without it, the administrator.")
@json_option
def import_users_command(competition_id: int, file: Path, as_email: str | None, as_json: bool) -> None:
    """Import users from a CSV or XLSX file with columns email, name, organisation (an OPD's name or
    short name) and role (organiser, verifier, judge, submitter, or empty): all rows, or none with
    every bad row named. New users are e-mailed an invitation to choose their password."""
    from competition.jobs.kinds import inviter
    from competition.people.operations import import_users

    competition = get_competition(competition_id)
    by = get_user(as_email) if as_email else None
    if by is not None:
        require_organiser(by, competition)
    report = import_users(file, competition, by=by, invite=inviter(by))
    emit(as_json, {"created": [{"id": u.id, "email": u.email, "name": u.name,
                                "organisation_id": u.organisation_id} for u in report.created],
                   "roles_granted": report.roles_granted, "unchanged": report.unchanged},
         f"{len(report.created)} user(s) created (each invited to choose a password), "
         f"{len(report.roles_granted)} role(s) granted, {len(report.unchanged)} unchanged.")
