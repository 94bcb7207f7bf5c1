from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from waarborg.core.models import Organisation


def organisation_option(parser):
    parser.add_argument(
        "--org", help="short name (slug) of the organisation; needed when there are several"
    )


def find_organisation(slug):
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(_("no organisation with short name %r") % slug, returncode=2)
        return organisation
    organisations = list(Organisation.objects.all()[:2])
    if len(organisations) != 1:
        names = ", ".join(Organisation.objects.values_list("slug", flat=True)) or _("none")
        raise CommandError(
            _("choose an organisation with --org (there are: %(names)s)") % {"names": names},
            returncode=2,
        )
    return organisations[0]
