"""Every whole number an API request may carry is bounded by what the database holds: an id or
count beyond INTEGER (or a sum beyond BIGINT) is refused as 422 naming the field, never sent to the
database (where PostgreSQL would fail the request with a 500)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tests.api.test_api import Api, bearer, problem_of


def unbounded_whole_numbers(app) -> list[str]:
    found = []

    def walk(schema: Schema | type[Schema], where: str) -> None:
        schema = schema() if isinstance(schema, type) else schema
        for name, field in schema.fields.items():
            if field.dump_only:
                continue
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Nested):
                walk(inner.schema, f"{where}.{name}")
            elif isinstance(inner, fields.Integer) and not any(
                    isinstance(rule, validate.Range) and rule.max is not None for rule in inner.validators):
                found.append(f"{where}.{name}")

    for endpoint, view in app.view_functions.items():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            walk(argument["schema"], endpoint)
    return sorted(found)


def test_every_whole_number_a_request_carries_has_a_ceiling(app):
    assert unbounded_whole_numbers(app) == []


def test_an_id_beyond_the_database_is_named_not_a_server_error(client, app):
    api = Api()
    secret = api.token(api.operator, "read", "write")
    answer = client.post("/api/v1/notifications/read", headers=bearer(secret),
                         json={"notification_id": 275652980841105293312})
    assert set(problem_of(answer, 422)["errors"]) == {"notification_id"}
