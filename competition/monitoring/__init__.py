"""The organiser's dashboard: figures, charts and their downloads."""
