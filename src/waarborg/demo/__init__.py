"""The demo: a fictional Dutch installation firm and a physiotherapy practice it advises.

Every row is made through the same actions the product uses, so the demo's audit trail is real.
One module per part of the product (register, consent, requests, breach, website, DPIA,
processors); `build` puts them together.
"""

from waarborg.core import actions
from waarborg.demo.breach import build_breach, demo_breach_moment
from waarborg.demo.consent import build_consent
from waarborg.demo.dpia import build_dpia
from waarborg.demo.firm import (
    DEMO_CLIENT_WORK,
    DEMO_HOSTING,
    DEMO_PASSWORD,
    DEMO_REGISTER,
    DEMO_TOTP_SECRET,
    FIRM,
    PEOPLE,
    PRACTICE,
    RECIPIENTS,
)
from waarborg.demo.processors import build_processors
from waarborg.demo.register import build_register, build_sources, build_statement
from waarborg.demo.requests import build_documents, build_requests
from waarborg.demo.website import DEMO_SITE_PAGES, DEMO_TRACKER, build_website, write_website

__all__ = [
    "DEMO_CLIENT_WORK",
    "DEMO_HOSTING",
    "DEMO_PASSWORD",
    "DEMO_REGISTER",
    "DEMO_SITE_PAGES",
    "DEMO_TOTP_SECRET",
    "DEMO_TRACKER",
    "FIRM",
    "PEOPLE",
    "PRACTICE",
    "RECIPIENTS",
    "build",
    "build_breach",
    "build_consent",
    "build_documents",
    "build_dpia",
    "build_processors",
    "build_register",
    "build_requests",
    "build_sources",
    "build_statement",
    "build_website",
    "demo_breach_moment",
    "write_website",
]


def build(mail_server=None):
    """Create the demo organisations and logins; return (e-mail, password, role, recovery
    codes) per login: the owner has an authenticator app (DEMO_TOTP_SECRET) and recovery
    codes, the others set up theirs on signing in. `mail_server`: the demo's own dovecot
    (documents.demo_files), whose mailbox is connected beside the shared folder."""
    from waarborg.signin.actions import activate_totp

    users = {
        email: actions.create_user(email=email, password=DEMO_PASSWORD, name=name)
        for email, name, _ in PEOPLE
    }
    owner = users[PEOPLE[0][0]]
    firm = actions.create_organisation(actor=owner, owner=owner, **FIRM)
    for email, _, role in PEOPLE[1:]:
        actions.add_member(firm, actor=owner, user=users[email], role=role)
    # The owner also keeps the register of a client practice: two organisations, one login.
    actions.create_organisation(actor=owner, owner=owner, **PRACTICE)
    actions.mark_active(firm.memberships.get(user=owner))
    build_register(firm, owner)
    build_sources(firm, owner)
    build_consent(firm, owner)
    build_requests(firm, owner, users)
    build_documents(firm, owner, users[PEOPLE[1][0]], mail_server)
    build_website(firm, owner)
    build_dpia(firm, owner)
    build_breach(firm, owner, users[PEOPLE[1][0]])
    build_processors(firm, owner)
    build_statement(firm, owner)
    codes = activate_totp(owner, secret=DEMO_TOTP_SECRET)
    return [
        (email, DEMO_PASSWORD, role.label, codes if users[email] == owner else [])
        for email, _, role in PEOPLE
    ]
