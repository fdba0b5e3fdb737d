"""The audit trail: rows that are only ever added, chained by their hashes, and a general log of
what has no event table of its own (edits, roles, sign-ins, set-up, draft scores)."""
