"""Shapes shared by the API's endpoints: pages of a list, and field types."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from competition.ranking.exact import as_score

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


class Score(fields.String):
    """A score as the pages show it: a decimal string with two places ("75.00"), never a float."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": "Two decimal places, as shown on the pages.", "example": "75.00",
                    "pattern": r"^-?[0-9]+\.[0-9]{2}$",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(as_score(value))
