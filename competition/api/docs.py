"""``/api/v1/docs``: the API's documentation, drawn by the app from its own OpenAPI document
(no script, no asset from elsewhere)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, in path order: method, path, summary, parameters,
    request body and responses, with schema names rather than references."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append({
                "method": method.upper(), "path": path, "tag": (operation.get("tags") or [""])[0],
                "summary": with_code(operation.get("summary", "")),
                "description": with_code(operation.get("description", "")),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "body": _name(body.get("schema")),
                "responses": [(code, answer.get("description", ""),
                               _name(answer.get("content", {}).get("application/json", {}).get("schema")))
                              for code, answer in sorted(operation.get("responses", {}).items())],
            })
    return found


def with_code(text: str) -> Markup:
    """The text escaped, with its Markdown code spans (``name`` or `name`) as <code>."""
    return Markup(re.sub(r"``(.+?)``|`([^`]+)`", lambda m: f"<code>{m.group(1) or m.group(2)}</code>",
                         str(escape(text))))


def _name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_name(schema.get('items'))}]"
    return str(schema.get("type", ""))


@bp.get("/api/v1/docs")
def docs() -> str:
    spec = current_app.extensions["anugerah.api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, operations=operations(spec),
                           schemas=sorted(spec.get("components", {}).get("schemas", {}).items()))
