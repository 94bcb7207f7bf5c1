"""The processor side (Art. 28 and 30(2) GDPR): the services a firm runs for its clients, their
processing agreements, client instructions, sub-processor changes and Data Pro Statements.

Uses core, audit, jobs and register (activities and parties); it reads requests for a client's
page. Nothing reads it but the API, the demo and the statement (its certifications).
"""
