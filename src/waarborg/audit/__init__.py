"""The audit trail: an append-only, keyed hash chain of who did what, per organisation, with
the chain keys, anchors and witness the consent ledger shares. Uses only core."""
