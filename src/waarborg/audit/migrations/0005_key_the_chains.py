"""Key the existing chains: a keyed anchor over each chain's present head (and over its
retention anchor, if entries were pruned), so the entries hashed before keep verifying and
none of them can be rewritten from now on."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

GENESIS_HASH = "0" * 64


def key_the_chains(apps, schema_editor):
    from waarborg.audit.keys import current_key
    from waarborg.audit.models import anchor_text

    key = current_key()
    ChainAnchor = apps.get_model("audit", "ChainAnchor")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditAnchor = apps.get_model("audit", "AuditAnchor")
    ChainHead = apps.get_model("consent", "ChainHead")

    def anchor(organisation_id, chain, kind, seq, head_hash):
        last = (
            ChainAnchor.objects.filter(organisation_id=organisation_id, chain=chain)
            .order_by("-number")
            .first()
        )
        row = ChainAnchor(
            organisation_id=organisation_id,
            chain=chain,
            number=last.number + 1 if last else 1,
            kind=kind,
            seq=seq,
            head_hash=head_hash,
            key_id=key.id,
            created_at=timezone.now(),
            prev_mac=last.mac if last else GENESIS_HASH,
        )
        row.mac = key.mac(anchor_text(row))
        row.save()

    newest = AuditEntry.objects.values("organisation_id").annotate(seq=Max("seq"))
    for organisation_id, seq in newest.values_list("organisation_id", "seq"):
        hash_ = AuditEntry.objects.get(organisation_id=organisation_id, seq=seq).hash
        if ChainAnchor.objects.filter(organisation_id=organisation_id, chain="audit").exists():
            continue
        pruned = AuditAnchor.objects.filter(organisation_id=organisation_id).first()
        if pruned is not None:
            anchor(organisation_id, "audit", "prune", pruned.seq, pruned.hash)
        anchor(organisation_id, "audit", "upgrade", seq, hash_)
    for head in ChainHead.objects.filter(seq__gt=0):
        if not ChainAnchor.objects.filter(
            organisation_id=head.organisation_id, chain="consent"
        ).exists():
            anchor(head.organisation_id, "consent", "upgrade", head.seq, head.hash)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_chainanchor"),
        ("consent", "0001_initial"),
    ]

    operations = [migrations.RunPython(key_the_chains, migrations.RunPython.noop)]
