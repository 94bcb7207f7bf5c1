"""The documents app: mailboxes (IMAP) and folders of files as sources of personal data, their
encrypted full-text index in the data directory, Dutch-aware matching of a person in it, and
their staff pages and API routes.
Uses core (encryption, access), audit, jobs (the worker), register (systems) and requests."""
