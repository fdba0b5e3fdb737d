"""Innovations (entries): drafting, evidence, submission and verification."""
