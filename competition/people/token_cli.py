"""``flask --app wsgi tokens ...``: personal API tokens from the command line (for the user named
by e-mail, as an administrator at the server)."""

from __future__ import annotations

from typing import Any

import click

from competition.cli.common import emit, get_user, json_option
from competition.people.models import TOKEN_SCOPES
from competition.people.tokens import MAX_DAYS, create_token, revoke_token, tokens_of


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens: create (shown once), list, revoke."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(TOKEN_SCOPES), default=("read",),
              show_default=True, help="Repeat for several.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=90, show_default=True)
@json_option
def create_command(email: str, name: str, scopes: tuple[str, ...], days: int, as_json: bool) -> None:
    """Make a token for EMAIL and print it (it is not kept, so copy it now)."""
    made = create_token(get_user(email), name=name, scopes=scopes, days=days)
    emit(as_json, {"id": made.token.id, "token": made.secret, "scopes": made.token.scopes.split(","),
                   "expires_at": made.token.expires_at.isoformat()},
         f"Token {made.token.id} for {email} ({made.token.scopes}), until "
         f"{made.token.expires_at:%Y-%m-%d}:\n{made.secret}")


@tokens_group.command("list")
@click.argument("email")
@json_option
def list_command(email: str, as_json: bool) -> None:
    """EMAIL's tokens: id, name, scopes, expiry, last use, revoked."""
    rows: list[dict[str, Any]] = [
        {"id": token.id, "name": token.name, "prefix": token.prefix, "scopes": token.scopes.split(","),
             "expires_at": token.expires_at.isoformat(),
             "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
             "revoked": token.revoked_at is not None} for token in tokens_of(get_user(email))]
    emit(as_json, rows, lambda: "\n".join(
        f"[{row['id']}] {row['name']} ({row['prefix']}…) {','.join(row['scopes'])} until "
        f"{row['expires_at'][:10]}" + (" revoked" if row["revoked"] else "") for row in rows))


@tokens_group.command("revoke")
@click.argument("email")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
def revoke_command(email: str, token_id: int) -> None:
    """Revoke EMAIL's token TOKEN_ID."""
    token = revoke_token(get_user(email), token_id)
    click.echo(f"Token {token.id} ({token.name}) revoked.")
