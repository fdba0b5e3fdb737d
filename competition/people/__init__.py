"""Regions, organisations (OPDs), users and their roles; signing in."""
