"""``flask demo``: load the demo region into an empty database."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Competition, Region


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has competitions.")
def demo_command(if_empty: bool) -> None:
    """Load a realistic Kota with its OPDs, two competitions and innovations in every status."""
    from competition.demo import load_demo

    if db.session.scalar(select(func.count()).select_from(Competition)) or \
            db.session.scalar(select(func.count()).select_from(Region)):
        if if_empty:
            click.echo("The database already has data; the demo was not loaded.")
            return
        raise click.ClickException("the database already has data; the demo needs an empty one")
    demo = load_demo()
    click.echo(f"Demo loaded: {demo.region}, {demo.organisations} organisations, "
               f"{demo.entries} innovations in {demo.competitions} competitions.")
    click.echo("Sign in with (e-mail / password):")
    for role, email, password in demo.credentials:
        click.echo(f"  {role:<10} {email:<36} {password}")
