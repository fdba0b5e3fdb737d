"""Background jobs: a queue (RQ on Redis, or a small thread pool in the web process), the job
page with its progress, and the kinds of job (the outbox, the schedule, documents, imports)."""
