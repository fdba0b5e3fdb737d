"""Shapes shared by the API's endpoints: pages of a list, field types, and problem details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from marshmallow import Schema, fields, validate

from competition.documents.inputs import ID_MAX
from competition.ranking.exact import as_score

F = TypeVar("F", bound=Callable[..., Any])

MAX_PER_PAGE = 100
# An id in a query or a body: what an id column holds (INTEGER on PostgreSQL, which refuses a
# larger number with an error rather than finding nothing).
AN_ID = validate.Range(min=1, max=ID_MAX)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000),
                          metadata={"description": "Page number, from 1."})
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Items per page, at most {MAX_PER_PAGE}."})


class PageOf(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items in all pages."})


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of ``item``: ``items`` plus the page's place in the whole list."""
    return type(name, (PageOf,), {"items": fields.List(fields.Nested(item), required=True)})


class Score(fields.String):
    """A score as the pages show it: a decimal string with two places ("75.00"), never a float."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": "Two decimal places, as shown on the pages.", "example": "75.00",
                    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(as_score(value))


class Problem(Schema):
    """An error as RFC 9457 problem details (``application/problem+json``)."""

    type = fields.String(required=True, metadata={"description": "about:blank: the status says it all."})
    title = fields.String(required=True, metadata={"description": "The status's phrase."})
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "What went wrong, in the user's language."})
    instance = fields.String(required=True, metadata={"description": "The path asked for."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Each field's problems (`_`: the request as a whole)."})


REFUSALS = {
    400: "The body is not JSON.",
    401: "No token, or a wrong, expired or revoked one.",
    403: "Known to the user but not theirs to do, or the token lacks the scope.",
    404: "No such thing, or not one the user may know of.",
    409: "The state of things does not allow it now; the detail says why.",
    412: "If-Match names an old version: read it again.",
    422: "Fields that cannot be accepted, each named.",
    428: "Send the ETag in If-Match.",
}


def refusals(blueprint: Any, *statuses: int) -> Callable[[F], F]:
    """Declare in the OpenAPI document the problem details an endpoint answers with, besides
    401 and 403 (every endpoint may answer those)."""

    def decorate(view: F) -> F:
        for status in sorted({401, 403, *statuses}, reverse=True):
            view = blueprint.alt_response(status, schema=Problem, content_type="application/problem+json",
                                          description=REFUSALS[status])(view)
        return view

    return decorate
