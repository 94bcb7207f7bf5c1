"""The tests' dovecot is the package's (waarborg.documents.dovecot), also used by the demo."""

from waarborg.documents.dovecot import Dovecot, available, free_port, make_certificate, start

__all__ = ["Dovecot", "available", "free_port", "make_certificate", "start"]
