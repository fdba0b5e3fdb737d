"""A competition: its set-up, schedule, categories and phases, and the organiser's area."""
