"""``flask audit ...``: checking the audit trail."""

from __future__ import annotations

import click

from competition.audit.queries import verify_chains
from competition.cli.common import emit, json_option


@click.group("audit")
def audit_group() -> None:
    """The audit trail: rows only ever added, each chained to the one before it by its hash."""


@audit_group.command("verify")
@json_option
def verify_command(as_json: bool) -> None:
    """Walk every audit table's hash chain; name the first row edited, deleted or inserted out of
    order in each, and exit with 1 if there is any. Prints each table's rows and the hash of its
    last row: keep them, and a later run that shows a shorter table or another hash for the same
    row shows rows taken off its end."""
    reports = verify_chains()
    if as_json:
        emit(True, [{"table": r.table, "rows": r.rows, "last_hash": r.head, "problem": r.problem}
                    for r in reports], "")
        if any(r.problem is not None for r in reports):
            raise SystemExit(1)
        return
    for report in reports:
        if report.problem is None:
            click.echo(f"{report.table}: {report.rows} rows, the chain holds (last hash {report.head})")
        else:
            click.echo(f"{report.table}: {report.problem}", err=True)
    broken = [r for r in reports if r.problem is not None]
    if broken:
        raise click.ClickException(f"the audit trail is broken in {len(broken)} of {len(reports)} tables")
    click.echo("OK")
