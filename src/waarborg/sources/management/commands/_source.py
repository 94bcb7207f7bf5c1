"""Options shared by the `waarborg source ...` commands."""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.register.models import System
from waarborg.sources.annotation import AnnotationError
from waarborg.sources.engine import SourceError, jsonable
from waarborg.sources.models import SqlSource


def system_options(parser):
    organisation_option(parser)
    parser.add_argument("--system", required=True, help="key of the system in the register")


def person_options(parser):
    system_options(parser)
    parser.add_argument("--email", action="append", default=[], help="e-mail address")
    parser.add_argument("--phone", action="append", default=[], help="phone number")
    parser.add_argument("--customer-number", action="append", default=[], help="customer number")
    parser.add_argument(
        "--identity",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other identity the annotation declares",
    )
    parser.add_argument("--reason", default="", help="why (e.g. the request reference)")


def identities(options):
    for address in options["email"]:  # one that is none would find nothing, silently
        try:
            validate_email(address.strip())
        except ValidationError:
            raise CommandError(
                _("--email %r is not an e-mail address") % address, returncode=2
            ) from None
    found = {
        "email": options["email"],
        "phone_number": options["phone"],
        "customer_number": options["customer_number"],
    }
    for item in options["identity"]:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(_("--identity needs NAME=VALUE, not %r") % item, returncode=2)
        found.setdefault(name.strip(), []).append(value)
    return found


def find_system(options):
    organisation = find_organisation(options.get("org"))
    system = System.objects.filter(organisation=organisation, key=options["system"]).first()
    if system is None:
        raise CommandError(
            _("%(org)s has no system with key %(key)r")
            % {"org": organisation.slug, "key": options["system"]},
            returncode=2,
        )
    return organisation, system


def find_source(options):
    organisation, system = find_system(options)
    source = SqlSource.objects.filter(system=system).first()
    if source is None:
        raise CommandError(
            _("the system %r has no database; connect one with `waarborg source connect`")
            % system.key,
            returncode=2,
        )
    return source


def fail(error):
    if isinstance(error, AnnotationError):
        raise CommandError(
            _("the annotation cannot be used:") + "\n  " + "\n  ".join(error.problems)
        )
    raise CommandError(str(error))


def print_json(data):
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=jsonable)
    sys.stdout.write("\n")


def print_evidence(stdout, evidence):
    for table, entry in evidence.items():
        details = ", ".join(
            f"{key}={value}" for key, value in entry.items() if key not in ("action", "rows")
        )
        rows = ngettext("%(count)s row", "%(count)s rows", entry["rows"]) % {"count": entry["rows"]}
        stdout.write(f"  {table}: {entry['action']} {rows}  {details}".rstrip())


ERRORS = (SourceError, AnnotationError)
