"""``flask serve``: the application on Werkzeug's server, as ``make run`` starts it, without the
Server header that names Werkzeug and Python (:mod:`competition.web.headers`)."""

from __future__ import annotations

import click
from flask import current_app
from werkzeug.serving import run_simple

from competition.unit_of_work import runs_its_own_units
from competition.web.headers import RequestHandler


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, help="The port to listen on.")
@runs_its_own_units
def serve_command(host: str, port: int) -> None:
    """Serve the application (each request is a unit of work of its own)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_simple(host, port, app, request_handler=RequestHandler, threaded=True)
