"""Judging rules that need no database: who conflicts with whom, and who judges what."""
