"""Waarborg: privacy operations for small and medium organisations under the GDPR (AVG)."""

__version__ = "0.1.0"
