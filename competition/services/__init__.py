"""Verb functions that change data. Each owns its transaction: it commits on success and rolls
back on any failure, so a refused action leaves the database as it was."""
