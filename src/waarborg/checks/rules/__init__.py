"""Waarborg's own rules, one module per area; importing this package registers them."""

from waarborg.checks.rules import (  # noqa: F401
    activities,
    breaches,
    cookies,
    dpia,
    marketing,
    operations,
    organisation,
    processors,
    transfers,
)
