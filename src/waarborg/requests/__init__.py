"""Data subject requests: intake, identity, deadline, one task per system, the answer, closure."""
