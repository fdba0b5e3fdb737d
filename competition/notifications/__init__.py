"""E-mail through an outbox, and the in-app notifications."""
