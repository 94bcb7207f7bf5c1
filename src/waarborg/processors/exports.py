"""The Art. 30(2) register per client (XLSX, PDF) and the Data Pro Statement as a PDF."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.core.fields import translated
from waarborg.core.models import TermKind
from waarborg.core.spreadsheets import staff_xlsx
from waarborg.core.taxonomy import TermIndex


class PdfUnavailable(Exception):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


def _pdf(html):
    try:
        from weasyprint import HTML
    except OSError as error:
        raise PdfUnavailable(str(error)) from error
    return HTML(string=html).write_pdf()


def statement_pdf(version):
    with translation.override(version.language):
        html = render_to_string(
            "processors/statement_pdf.html",
            {"version": version, "organisation": version.organisation},
        )
    return _pdf(html)


def register_rows(organisation, client, language):
    """One row per processing activity carried out for `client` (Art. 30(2)(a)-(d)): the
    processor and the controller, the category of processing, transfers with their
    safeguards, and the security measures."""
    from waarborg.processors.models import Service

    index = TermIndex(organisation)
    processor = ", ".join(
        part
        for part in (organisation.name, organisation.privacy_email, organisation.dpo_name)
        if part
    )
    rows, seen = [], set()
    services = Service.objects.filter(organisation=organisation, clients=client).order_by("key")
    for service in services.prefetch_related("activities__security_measures", "sub_processors"):
        transfers = []
        # The sub-processors in use for this client: a change it objected to is not yet.
        for party in service.sub_processors_for(client):
            outside = index.outside_eea(list(party.locations or []) or [party.country])
            if outside:
                term = index.get(TermKind.TRANSFER_MECHANISM, party.transfer_mechanism)
                mechanism = term.label(language) if term else party.transfer_mechanism or "-"
                countries = ", ".join(t.label(language) if t else c for c, t in outside)
                transfers.append(f"{translated(party.name, language)}: {countries} ({mechanism})")
        for activity in service.activities.all():
            if (service.pk, activity.pk) in seen:
                continue
            seen.add((service.pk, activity.pk))
            rows.append(
                {
                    _("Processor"): processor,
                    _(
                        "Controller"
                    ): f"{translated(client.name, language)} {client.contact}".strip(),
                    _("Service"): translated(service.name, language),
                    _("Processing"): translated(activity.name, language),
                    _("Transfers to third countries"): "; ".join(transfers) or _("None"),
                    _("Security measures"): "; ".join(
                        translated(m.name, language) for m in activity.security_measures.all()
                    ),
                }
            )
    return rows


def register_headers():
    return [
        _("Processor"),
        _("Controller"),
        _("Service"),
        _("Processing"),
        _("Transfers to third countries"),
        _("Security measures"),
    ]


def register_xlsx(organisation, client, language):
    with translation.override(language):
        return staff_xlsx(
            register_headers(), register_rows(organisation, client, language), "Art. 30(2)"
        )


def register_html(organisation, client, language):
    with translation.override(language):
        return render_to_string(
            "processors/register_pdf.html",
            {
                "organisation": organisation,
                "client": client,
                "headers": register_headers(),
                "rows": register_rows(organisation, client, language),
            },
        )


def register_pdf(organisation, client, language):
    return _pdf(register_html(organisation, client, language))
