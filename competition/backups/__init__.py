"""Backups that restore: a competition's archive (export and import, across SQLite and
PostgreSQL) and the whole database with its evidence folder (backup and restore)."""
