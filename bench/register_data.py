"""A large register for benchmarks and query-count tests, written with bulk inserts."""

from waarborg.core.taxonomy import TermIndex
from waarborg.register.models import Party, ProcessingActivity, RetentionRule, System


def make_large_register(organisation, activities=1000, parties=500):
    index = TermIndex(organisation)
    categories = [index.get("data_category", code) for code in ("user.name", "user.contact.email")]
    subjects = [index.get("data_subject", "customer")]
    party_rows = Party.objects.bulk_create(
        Party(
            organisation=organisation,
            key=f"party-{n:04d}",
            name={"nl": f"Partij {n}", "en": f"Party {n}"},
            kind="processor",
            country="US" if n % 5 == 0 else "NL",
            locations=["NL", "DE"],
            transfer_mechanism="scc_2021" if n % 5 == 0 else "",
            scc_module="2" if n % 5 == 0 else "",
        )
        for n in range(parties)
    )
    rule = RetentionRule.objects.create(
        organisation=organisation,
        key="bulk-7y",
        name={"nl": "7 jaar"},
        duration="P7Y",
        trigger="end_of_fiscal_year",
        bound="minimum",
    )
    system = System.objects.create(organisation=organisation, key="bulk-crm", name={"nl": "CRM"})
    activity_rows = ProcessingActivity.objects.bulk_create(
        ProcessingActivity(
            organisation=organisation,
            key=f"activity-{n:04d}",
            role="controller",
            name={"nl": f"Verwerking {n}", "en": f"Activity {n}"},
            purpose={"nl": f"Doel {n}", "en": f"Purpose {n}"},
            legal_basis="contract",
        )
        for n in range(activities)
    )
    through = ProcessingActivity.recipients.through
    through.objects.bulk_create(
        through(processingactivity_id=a.pk, party_id=party_rows[(i * 7 + j) % parties].pk)
        for i, a in enumerate(activity_rows)
        for j in range(3)
    )
    for relation, targets in [("data_categories", categories), ("data_subjects", subjects)]:
        model = getattr(ProcessingActivity, relation).through
        model.objects.bulk_create(
            model(processingactivity_id=a.pk, term_id=t.pk) for a in activity_rows for t in targets
        )
    for relation, target in [("retention_rules", rule), ("systems", system)]:
        model = getattr(ProcessingActivity, relation).through
        field = model._meta.get_field(target._meta.model_name).attname
        model.objects.bulk_create(
            model(processingactivity_id=a.pk, **{field: target.pk}) for a in activity_rows
        )
    return activity_rows, party_rows
