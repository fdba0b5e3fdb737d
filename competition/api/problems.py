"""Errors of /api/v1 as RFC 9457 problem details (``application/problem+json``): ``type``
(``about:blank``: the status says it all), ``title`` (the status's phrase), ``status``,
``detail`` (in the user's language), ``instance`` (the path), and ``errors`` naming each
field's problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import json, request
from werkzeug.wrappers import Response

API_PREFIX = "/api/v1"
PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def field_errors(problems: Iterable[str]) -> dict[str, list[str]]:
    """"field: message" texts (as services word them) by field; a text naming no field goes
    under ``_``. The field is named as in the English text (:class:`workflows.messages.Text`),
    the message is in the caller's language."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field, separator, message = problem.partition(": ")
        english_field, english_separator, _ = getattr(problem, "english", problem).partition(": ")
        if english_separator and " " not in english_field.strip():
            field, message = english_field, message if separator else problem
            separator = english_separator
        if not separator or " " in field.strip():
            field, message = "_", problem
        errors.setdefault(field.strip(), []).append(message)
    return errors


def problem(status: int, title: str, detail: str | None = None, *,
            errors: Mapping[str, list[str]] | None = None,
            headers: Iterable[tuple[str, str]] = ()) -> Response:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = dict(errors)
    body["instance"] = request.path
    return Response(json.dumps(body), status, headers=list(headers),
                    mimetype=PROBLEM_TYPE)
