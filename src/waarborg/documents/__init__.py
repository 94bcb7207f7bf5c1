"""The documents app: mailboxes (IMAP) and folders of files as sources of personal data, their
encrypted full-text index in the data directory, and Dutch-aware matching of a person in it.
Uses core (encryption, access), audit, jobs (the worker), register (systems) and requests."""
