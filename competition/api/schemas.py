"""Shapes shared by the API's endpoints: pages of a list, and field types."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from competition.documents.inputs import ID_MAX

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


class Problem(Schema):
    """An error as RFC 9457 problem details (``application/problem+json``)."""

    type = fields.String(required=True, metadata={"description": "about:blank: the status says it all."})
    title = fields.String(required=True, metadata={"description": "The status's phrase."})
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "What went wrong, in the user's language."})
    instance = fields.String(required=True, metadata={"description": "The path asked for."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Each field's problems (`_`: the request as a whole)."})
