"""Date and number formats per language, where Django's own differ from how people write here:
English in British style ("1 December 2026", "22:30"); Dutch as Django has it."""
