"""The consent and objection ledger: purposes with versioned wording, an append-only,
hash-chained event log per organisation, the current state per person and purpose, and hashed
suppression entries that outlive the erasure of a person's data."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField, translated
from waarborg.core.models import OpaqueToken, Organisation
from waarborg.register.models import ProcessingActivity

GENESIS_HASH = "0" * 64


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    SMS = "sms", _("text message")
    POST = "post", _("post")
    COOKIE = "cookie", _("cookie or device")
    OTHER = "other", _("other")


class Mechanism(models.TextChoices):
    OPT_IN = "opt_in", _("opt-in consent")
    OPT_OUT = "opt_out", _("opt-out (legitimate interest, soft opt-in for own customers)")
    NOTICE = "notice", _("notice only")


class CookieCategory(models.TextChoices):
    """What kind of cookies a banner purpose covers, as the cookie scan classifies them."""

    NECESSARY = "necessary", _("strictly necessary")
    FUNCTIONAL = "functional", _("functional")
    ANALYTICS = "analytics", _("analytics")
    MARKETING = "marketing", _("marketing")


class Asked(models.TextChoices):
    NO = "no", _("not asked")
    OPTIONAL = "optional", _("asked, optional")
    REQUIRED = "required", _("asked, required")


class ConsentPurpose(models.Model):
    """Something a person can agree to or object to: “Nieuwsbrief”, “Telefonische acties”,
    “Advertentiecookies”. Its wording is versioned; each version is hashed (Art. 7(1))."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("key"), max_length=80)
    name = TranslatedTextField(_("name"), blank=False)
    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processing activity"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    mechanism = models.CharField(_("mechanism"), max_length=10, choices=Mechanism.choices)
    direct_marketing = models.BooleanField(
        _("direct marketing"),
        default=False,
        help_text=_("An objection to direct marketing stops every such purpose at once."),
    )
    cookie_category = models.CharField(
        _("cookie category"),
        max_length=12,
        choices=CookieCategory.choices,
        blank=True,
        help_text=_(
            "For a cookie purpose: the scanned cookies it covers. Scripts tagged "
            'data-waarborg-category="analytics" run only after consent to such a purpose.'
        ),
    )
    consumers = models.BooleanField(
        _("aimed at consumers"),
        default=False,
        help_text=_("Sign-up asks for the age: under 16 needs a parent's consent."),
    )
    asks_name = models.CharField(
        _("sign-up asks for the name"), max_length=10, choices=Asked.choices, default=Asked.NO
    )
    asks_address = models.CharField(
        _("sign-up asks for the postal address"),
        max_length=10,
        choices=Asked.choices,
        default=Asked.NO,
        help_text=_("Only where the purpose needs it, e.g. a magazine sent by post."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="purpose_key_per_org")
        ]

    def __str__(self):
        return translated(self.name) or self.key

    def current_version(self):
        return self.versions.order_by("-number").first()


class PurposeVersion(models.Model):
    """The wording a person agreed to. Never changed: new wording is a new version."""

    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    wording = models.JSONField()  # {"nl": ..., "en": ...}
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["purpose", "number"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="purpose_version_number")
        ]

    def __str__(self):
        return f"{self.purpose.key} v{self.number}"

    @staticmethod
    def compute_hash(wording):
        text = json.dumps(wording, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class Action(models.TextChoices):
    GRANTED = "granted", _("granted")
    CONFIRMED = "confirmed", _("confirmed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    OBJECTED = "objected", _("objected")


class Source(models.TextChoices):
    FORM = "form", _("form")
    BANNER = "banner", _("cookie banner")
    DOUBLE_OPT_IN = "double_opt_in", _("double opt-in link")
    EMAIL_LINK = "email_link", _("link in an e-mail")
    PHONE = "phone", _("phone")
    STAFF = "staff", _("staff")
    IMPORT = "import", _("import")
    API = "api", _("API")
    MAILING_SERVICE = "mailing_service", _("mailing service")


class KeyKind(models.TextChoices):
    EMAIL = "email", _("e-mail address")
    PHONE = "phone", _("phone number")
    COOKIE = "cookie", _("cookie consent id")


class ConsentEvent(models.Model):
    """One thing a person did about a purpose, with proof. Append-only; once sealed into its
    organisation's chain it holds its number there and the previous event's hash
    (`waarborg consent verify`). Events are written at full speed and sealed right after
    their commit, in batches, by whichever writer gets the chain head first."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(null=True)  # the place in the chain, once sealed
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(
        PurposeVersion, on_delete=models.PROTECT, null=True, related_name="events"
    )
    person_key = models.CharField(max_length=254)
    key_kind = models.CharField(max_length=10, choices=KeyKind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    occurred_at = models.DateTimeField()
    ip = models.CharField(max_length=64, blank=True)  # truncated to /24 or /48
    user_agent = models.CharField(max_length=300, blank=True)
    page = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["organisation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="consent_seq_per_org")
        ]
        indexes = [
            models.Index(fields=["organisation", "person_key"]),
            models.Index(
                fields=["organisation", "id"],
                condition=models.Q(seq__isnull=True),
                name="consent_event_unsealed",
            ),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.purpose_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("consent events cannot be changed (sealing uses bulk_update)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("consent events cannot be deleted")

    # The content the chain vouches for: every field but its place in the chain, by the name
    # it has in the canonical form and the attribute that holds it.
    BODY = (
        ("organisation", "organisation_id"),
        ("purpose", "purpose_id"),
        ("version", "version_id"),
        ("person_key", "person_key"),
        ("key_kind", "key_kind"),
        ("action", "action"),
        ("source", "source"),
        ("occurred_at", "occurred_at"),
        ("ip", "ip"),
        ("user_agent", "user_agent"),
        ("page", "page"),
        ("actor_label", "actor_label"),
        ("details", "details"),
    )

    def canonical(self):
        return self.canonical_of([getattr(self, attribute) for _name, attribute in self.BODY])

    @classmethod
    def canonical_of(cls, values):
        """The canonical text of an event's BODY values (in BODY's order): sealing reads them
        as plain rows, without building model instances."""
        body = dict(zip((name for name, _attribute in cls.BODY), values, strict=True))
        body["occurred_at"] = body["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
        return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)

    def body_hash(self):
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    @staticmethod
    def link(seq, prev_hash, body_hash, key):
        """The event's hash: its number, the previous hash and its content, chained, as an
        HMAC with the chain key (`audit.keys`); key None gives the plain SHA-256 of events
        sealed before chains were keyed (their head is held by a keyed anchor)."""
        text = f"{seq}|{prev_hash}|{body_hash}"
        if key is None:
            return hashlib.sha256(text.encode()).hexdigest()
        return key.mac(text)

    def compute_hash(self, key):
        return self.link(self.seq, self.prev_hash, self.body_hash(), key)


class ChainHead(models.Model):
    """The last event number and hash per organisation: the one row a writer locks, briefly."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="consent_head"
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self):
        return f"{self.organisation_id}: #{self.seq}"


class ConsentState(models.Model):
    """The current state per person and purpose, kept with each event for fast checks."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        GRANTED = "granted", _("consent given")
        WITHDRAWN = "withdrawn", _("withdrawn")
        OBJECTED = "objected", _("objected")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.CASCADE, related_name="states")
    person_key = models.CharField(max_length=254)
    key_kind = models.CharField(max_length=10, choices=KeyKind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    since = models.DateTimeField()
    version = models.ForeignKey(
        PurposeVersion, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "person_key"], name="one_state_per_person")
        ]
        indexes = [models.Index(fields=["organisation", "person_key"])]

    def __str__(self):
        return f"{self.person_key} · {self.purpose_id}: {self.status}"


class Suppression(models.Model):
    """A keyed hash of a person who withdrew or objected: kept when their data is erased, so a
    later import or sign-up check still says no (Art. 17(3) and 21(3) GDPR)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    purpose = models.ForeignKey(
        ConsentPurpose, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # empty: every direct-marketing purpose
    reason = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "key_hash"])]

    def __str__(self):
        return f"{self.key_hash[:12]}… {self.reason}"


class LinkToken(OpaqueToken):
    """The opaque id in an e-mailed link (double opt-in, unsubscribe, preferences; see
    core/links.py). The address it stands for stays here, in Waarborg, until the person's data
    is erased."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("confirmation")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribe")
        PREFERENCES = "preferences", _("preferences")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(
        ConsentPurpose, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # unsubscribe links are given again as they were (one per person and purpose, for good)
    token_encrypted = models.TextField(blank=True)
    person_key = models.CharField(max_length=254)
    language = models.CharField(max_length=5, default="nl")

    class Meta:
        indexes = [models.Index(fields=["kind", "purpose", "person_key"])]

    def __str__(self):
        return f"{self.kind} {self.token_hash[:12]}…"


class MailingHook(models.Model):
    """A webhook address given to a mailing service (Mailchimp, Laposta) for one purpose: its
    unsubscribes and complaints become withdrawals here. The secret is the last part of the
    address; only its SHA-256 is kept, and the address is shown once, when it is made."""

    class Service(models.TextChoices):
        MAILCHIMP = "mailchimp", "Mailchimp"
        LAPOSTA = "laposta", "Laposta"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.CASCADE, related_name="hooks")
    service = models.CharField(_("mailing service"), max_length=10, choices=Service.choices)
    list_id = models.CharField(
        _("list id"),
        max_length=100,
        blank=True,
        help_text=_("The service's id of the list; events of other lists are ignored."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_service_display()} · {self.purpose.key}"
