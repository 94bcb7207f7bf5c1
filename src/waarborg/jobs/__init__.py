"""Background jobs that survive a crash: a lease on each django-tasks-db task, a worker that
renews it, takes over expired ones and stops between items, and its supervisor. Uses only
django-tasks-db and the audit trail; every app's tasks may call `checkpoint` and `progress`."""
