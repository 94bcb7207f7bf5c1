"""Staff sign-in: django-allauth with e-mail and password, a second factor (TOTP with recovery
codes, passkeys), each organisation's own Entra ID or Google Workspace, throttling and audit.

May use core and audit; the domain apps know nothing of it."""
