"""The rate limits of the public pages are core's (core/limits.py); kept importable here."""

from waarborg.core.limits import PER_ADDRESS, PER_IP, allow, within  # noqa: F401
