"""Rules about processors and sub-processors (Art. 28 AVG)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, WARNING, Hit, rule

PROCESSOR_KINDS = ("processor", "sub_processor")


@rule(
    "processor.no_agreement",
    area="processors",
    severity=ERROR,
    article="Art. 28(3) AVG",
    title=gettext_lazy("Processor without a signed processing agreement"),
    explanation=gettext_lazy(
        "A processor works for you only under a contract with the elements of Art. 28(3): "
        "record when it was signed and where the document is."
    ),
    statement="warning",
)
def no_agreement(context):
    for key, party in context.parties.items():
        # A document on record is an agreement, even when the date it was signed is not.
        if party["kind"] == "processor" and not (
            party.get("agreement_signed_on") or party.get("agreement_document")
        ):
            yield Hit(
                "parties",
                key,
                _("no processing agreement recorded with %(party)s")
                % {"party": context.name(party)},
            )


@rule(
    "processor.sub_processor_not_authorised",
    area="processors",
    severity=WARNING,
    article="Art. 28(2), 28(4) AVG",
    title=gettext_lazy("Sub-processor without written authorisation"),
    explanation=gettext_lazy(
        "A processor may engage a sub-processor only with the controller's prior written "
        "authorisation, usually given in the processing agreement. Without a signed "
        "agreement there is none."
    ),
)
def sub_processor_not_authorised(context):
    parties = context.parties
    for key, party in parties.items():
        if party["kind"] not in PROCESSOR_KINDS or party.get("agreement_signed_on"):
            continue
        for sub_key in party.get("sub_processors", []):
            if sub_key in parties:
                yield Hit(
                    "parties",
                    key,
                    _("%(sub)s works for %(party)s without an authorisation on record.")
                    % {"sub": context.name(parties[sub_key]), "party": context.name(party)},
                    part=sub_key,
                )
    # Our own sub-processors when we process for a client: that client must authorise them.
    for item in context.activities:
        client = parties.get(item.get("controller") or "")
        if item["role"] != "processor" or client is None or client.get("agreement_signed_on"):
            continue
        for key in item.get("recipients", []):
            if key in parties and parties[key]["kind"] in PROCESSOR_KINDS:
                yield Hit(
                    "activities",
                    item["key"],
                    _("%(sub)s is engaged for %(client)s, whose agreement is not on record.")
                    % {"sub": context.name(parties[key]), "client": context.name(client)},
                    part=key,
                )
