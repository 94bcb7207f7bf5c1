"""The breach register (Art. 33/34 GDPR): every breach with its facts, effects and measures, the
72-hour clock, the risk advice and decisions, the AP notification and the letters to people.
Reads the register (activities, systems, parties, terms); sends mail through `jobs.mailing`."""
