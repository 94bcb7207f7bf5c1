"""Source URLs with their passwords hidden: the helper is core's (core/masking.py), since the
audit trail shows them too; kept importable here."""

from waarborg.core.masking import MASK, SECRET_NAMES, mask_url  # noqa: F401
