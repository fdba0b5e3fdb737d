"""``flask --app wsgi api METHOD PATH --as EMAIL``: any API v1 request, made from the command line
as the person named, inside this process. It goes through the same endpoint, policy, checks,
If-Match and unit of work as the same request over HTTP, so everything the API does (and with it
everything a user does in the browser) can be scripted on the server without a token.

The person is handed to the request in a WSGI environment key (:data:`CLI_USER`) that only this
command sets: an HTTP server never puts a client's input under such a key (headers arrive as
``HTTP_…``), so no request from outside can claim it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app

from competition.api import CLI_USER
from competition.api.problems import API_PREFIX
from competition.cli.common import get_user
from competition.unit_of_work import runs_its_own_units

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _body(data: str | None) -> Any:
    """--data as JSON: the text itself, @FILE for a file's, - for standard input's."""
    if data is None:
        return None
    if data == "-":
        text = sys.stdin.read()
    elif data.startswith("@"):
        text = Path(data[1:]).read_text("utf-8")
    else:
        text = data
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--data") from error


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, separator, rest = value.partition("=")
        if not separator or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint=option)
        pairs.append((name, rest))
    return pairs


@click.command("api")
@click.argument("method", type=click.Choice(METHODS, case_sensitive=False))
@click.argument("path")
@click.option("--as", "actor_email", required=True, help="E-mail of the person making the request.")
@click.option("--data", default=None, help="A JSON body; @FILE reads it from a file, - from standard input.")
@click.option("--file", "files", multiple=True, metavar="FIELD=PATH",
              help="A file sent as multipart/form-data (repeatable; with --field for other fields).")
@click.option("--field", "form_fields", multiple=True, metavar="NAME=VALUE",
              help="A multipart form field besides the files.")
@click.option("--if-match", "if_match", default=None, help="The ETag of what is being changed.")
@runs_its_own_units
def api_command(method: str, path: str, actor_email: str, data: str | None, files: tuple[str, ...],
                form_fields: tuple[str, ...], if_match: str | None) -> None:
    """Make an API v1 request as a person: METHOD PATH (e.g. GET /competitions/2/innovations?status=
    submitted). Prints the answer's JSON on standard output and its status, ETag and Location on
    standard error; exits 1 when the API refuses (4xx/5xx), with the problem details printed."""
    user = get_user(actor_email)
    if not path.startswith(API_PREFIX):
        path = API_PREFIX + "/" + path.lstrip("/")
    options: dict[str, Any] = {"method": method.upper(), "environ_base": {CLI_USER: user.id},
                               "base_url": current_app.config["BASE_URL"],
                               "headers": {"If-Match": if_match} if if_match else {}}
    if files or form_fields:
        form: dict[str, Any] = dict(_pairs(form_fields, "--field"))
        for name, location in _pairs(files, "--file"):
            file_path = Path(location)
            if not file_path.is_file():
                raise click.BadParameter(f"there is no file {location}", param_hint="--file")
            form[name] = (file_path.open("rb"), file_path.name)
        options.update(data=form, content_type="multipart/form-data")
    elif data is not None:
        options["json"] = _body(data)
    with current_app.test_client() as client:
        response = client.open(path, **options)
    described = " ".join(f"{name}: {response.headers[name]}" for name in ("ETag", "Location")
                         if name in response.headers)
    click.echo(f"{response.status_code} {described}".rstrip(), err=True)
    if response.mimetype in ("application/json", "application/problem+json"):
        click.echo(json.dumps(response.get_json(), ensure_ascii=False, indent=2))
    elif response.status_code != 204:
        sys.stdout.buffer.write(response.get_data())
    if response.status_code >= 400:
        sys.exit(1)
