"""Shapes shared by the API's endpoints: pages of a list, and field types."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 100


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
