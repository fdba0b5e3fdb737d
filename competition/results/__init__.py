"""Awards, rules, the ranking of a competition, and sealed and published results."""
