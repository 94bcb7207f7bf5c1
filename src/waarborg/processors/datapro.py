"""The Data Pro Statement of a service (NLdigital Data Pro Code, model statement): built from
the register as a snapshot of recorded facts, and rendered in Dutch or English from it.

It says only what is recorded: no adherence to the Code unless the organisation recorded that
it joined, no sub-processor, location or measure that the register does not hold."""

from django.template.loader import render_to_string
from django.utils import translation

from waarborg.core.models import TermKind
from waarborg.core.taxonomy import TermIndex


def _label(index, kind, code):
    term = index.get(kind, code)
    return {"nl": term.label_nl, "en": term.label_en} if term else {"nl": code, "en": code}


def _terms(terms):
    return [{"code": t.code, "nl": t.label_nl, "en": t.label_en} for t in terms]


def snapshot(service):
    """The facts of the statement, as JSON-ready data (no time: two snapshots of an unchanged
    register are equal)."""
    from waarborg.processors.actions import settings_for

    organisation = service.organisation
    index = TermIndex(organisation)
    own = settings_for(organisation)
    activities, measures, special, criminal = [], {}, False, False
    for activity in service.activities.prefetch_related(
        "data_categories", "data_subjects", "security_measures"
    ).order_by("key"):
        categories = list(activity.data_categories.all())
        special = special or any(t.special for t in categories) or bool(activity.art9_ground)
        criminal = criminal or any(t.criminal for t in categories)
        activities.append(
            {
                "key": activity.key,
                "name": activity.name,
                "purpose": activity.purpose,
                "data_categories": _terms(categories),
                "data_subjects": _terms(activity.data_subjects.all()),
            }
        )
        for measure in activity.security_measures.all():
            measures[measure.key] = {
                "name": measure.name,
                "kind": measure.kind,
                "description": measure.description,
            }
    sub_processors, locations = [], {}
    for party in service.sub_processors.order_by("key"):
        codes = list(party.locations or []) or [party.country]
        for code in codes:
            locations[code] = _label(index, TermKind.COUNTRY, code)
        sub_processors.append(
            {
                "key": party.key,
                "name": party.name,
                "description": party.description,
                "country": _label(index, TermKind.COUNTRY, party.country),
                "locations": [_label(index, TermKind.COUNTRY, code) for code in codes],
                "transfer_mechanism": (
                    _label(index, TermKind.TRANSFER_MECHANISM, party.transfer_mechanism)
                    if party.transfer_mechanism
                    else None
                ),
            }
        )
    return {
        "organisation": {
            "name": organisation.name,
            "slug": organisation.slug,
            "joined_on": own.data_pro_joined_on,
            "drawn_up_by": own.drawn_up_by,
            "contact": own.contact,
            "updates_announced": own.updates_announced,
            "certifications": own.certifications,
            "breach_protocol": own.breach_protocol,
            "rights_help": own.rights_help,
            "end_of_service": own.end_of_service,
        },
        "service": {"key": service.key, "name": service.name, "description": service.description},
        "activities": activities,
        "special_data": special,
        "criminal_data": criminal,
        "sub_processors": sub_processors,
        "locations": [locations[code] for code in sorted(locations)],
        "security_measures": [measures[key] for key in sorted(measures)],
    }


def gaps(data):
    """What the statement says is not recorded: the organisation has to fill it in (the common
    part in the processor settings, the measures in the register)."""
    from django.utils.translation import gettext as _

    own = data["organisation"]
    missing = [
        (_("help with requests of data subjects"), own.get("rights_help")),
        (_("deletion or return at the end"), own.get("end_of_service")),
        (_("security measures of the processing"), data.get("security_measures")),
        (_("breach protocol"), own.get("breach_protocol")),
    ]
    return [label for label, value in missing if not value]


def render(data, language):
    """The statement's HTML (a fragment) in `language`."""
    with translation.override(language):
        return render_to_string("processors/datapro.html", {"s": data, "language": language})
