"""The privacy statement, generated from the register (Art. 13 and 14 GDPR)."""
