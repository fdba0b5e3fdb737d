"""The statements that make the database itself refuse to change or delete audit rows: triggers
on ``UPDATE`` and ``DELETE`` (and ``TRUNCATE`` on PostgreSQL) that raise. Created with the tables
(``competition.audit.models.keep_audit_rows``) and by migration 0011. Someone with the rights to
drop a trigger can still change rows; the hash chain then shows it (``flask audit verify``)."""

from __future__ import annotations

KEEP_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_row_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION USING MESSAGE = 'audit rows are never changed or deleted: ' || TG_OP || ' on ' "
    "|| TG_TABLE_NAME, ERRCODE = 'restrict_violation'; END $$")


def guard_statements(table: str, dialect: str) -> list[str]:
    """The statements that make the database refuse ``UPDATE`` and ``DELETE`` of ``table``'s rows
    (and ``TRUNCATE`` on PostgreSQL)."""
    if dialect == "postgresql":
        return [KEEP_FUNCTION,
                f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_row_kept()",
                f"CREATE TRIGGER {table}_kept_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_row_kept()"]
    return [f"CREATE TRIGGER {table}_kept_{operation.lower()} BEFORE {operation} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'audit rows are never changed or deleted: {operation} on {table}'); END"
            for operation in ("UPDATE", "DELETE")]


def unguard_statements(table: str, dialect: str) -> list[str]:
    """The statements that take :func:`guard_statements` away again."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_kept ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_kept_truncate ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_kept_{operation}" for operation in ("update", "delete")]
