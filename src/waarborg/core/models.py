from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

kvk_validator = RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who logs in to the staff side. Signs in with an e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # chosen with the language switch while signed in: every page and staff e-mail then
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, blank=True, default=""
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def language_in(self, organisation=None):
        """The language this person reads: their own choice, else the organisation's."""
        if self.language:
            return self.language
        return getattr(organisation, "default_language", "") or settings.LANGUAGE_CODE

    def get_short_name(self):
        return self.name or self.email


class Organisation(models.Model):
    """A tenant: the controller (or processor) whose privacy practice Waarborg keeps.

    Every domain row belongs to exactly one organisation.
    """

    name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL")
    privacy_email = models.EmailField(_("privacy contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("e-mail of the data protection officer"), blank=True)
    representative = models.CharField(
        _("representative in the EU (Art. 27)"), max_length=300, blank=True
    )
    supervisory_authority = models.CharField(
        _("supervisory authority"), max_length=200, default="Autoriteit Persoonsgegevens"
    )
    default_language = models.CharField(
        _("default language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    time_zone = models.CharField(_("time zone"), max_length=60, default="Europe/Amsterdam")
    # On for every new organisation: a member without a second factor is sent to set one up
    # on signing in (waarborg/signin). Organisations from before the setting start with it off.
    mfa_required = models.BooleanField(
        _("MFA required for every member"),
        default=True,
        help_text=_(
            "Members sign in with a second factor: an authenticator app or a passkey. "
            "A member without one is asked to set it up when signing in."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Roles within one organisation, from most to least powerful."""

    OWNER = "owner", _("Owner")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    HANDLER = "handler", _("Handler")
    VIEWER = "viewer", _("Viewer")

    @classmethod
    def rank(cls, role):
        order = [cls.VIEWER, cls.HANDLER, cls.PRIVACY_OFFICER, cls.OWNER]
        return order.index(role)

    @classmethod
    def at_least(cls, role, minimum):
        return cls.rank(role) >= cls.rank(minimum)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Which organisation a user lands in after logging in: the one they last worked in.
    last_active_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"

    def has_role(self, minimum):
        return Role.at_least(self.role, minimum)


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail as a signed, expiring link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None


class TermKind(models.TextChoices):
    DATA_CATEGORY = "data_category", _("Data category")
    DATA_SUBJECT = "data_subject", _("Group of people")
    PURPOSE = "purpose", _("Purpose")
    LEGAL_BASIS = "legal_basis", _("Legal basis")
    ART9_GROUND = "art9_ground", _("Exception for special categories (Art. 9(2))")
    TRANSFER_MECHANISM = "transfer_mechanism", _("Transfer mechanism")
    COUNTRY = "country", _("Country")


# Kinds an organisation may extend with entries of its own; the others are closed by law.
OPEN_KINDS = (TermKind.DATA_CATEGORY, TermKind.DATA_SUBJECT, TermKind.PURPOSE, TermKind.COUNTRY)


class Adequacy(models.TextChoices):
    EEA = "eea", _("In the EEA")
    ADEQUATE = "adequate", _("Adequacy decision")
    DPF = "dpf", _("Only certified importers (EU-US Data Privacy Framework)")
    NONE = "none", _("No adequacy decision")


class Term(models.Model):
    """One entry of a taxonomy: shipped with Waarborg (no organisation) or an organisation's own."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="terms"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=TermKind.choices)
    code = models.CharField(_("code"), max_length=120)
    label_nl = models.CharField(_("Dutch label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    special = models.BooleanField(_("special category (Art. 9)"), default=False)
    criminal = models.BooleanField(_("criminal data (Art. 10)"), default=False)
    national_id = models.BooleanField(_("national identification number"), default=False)
    article = models.CharField(_("article"), max_length=20, blank=True)
    vocabulary = models.CharField(_("public vocabulary term"), max_length=120, blank=True)
    adequacy = models.CharField(_("adequacy"), max_length=10, choices=Adequacy.choices, blank=True)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=models.Q(organisation__isnull=True),
                name="shipped_term_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "code"], name="own_term_unique"
            ),
        ]

    def __str__(self):
        return self.label()

    def label(self, language=None):
        from django.utils.translation import get_language

        language = (language or get_language() or "nl")[:2]
        return self.label_en if language == "en" else self.label_nl

    @property
    def outside_eea(self):
        return self.kind == TermKind.COUNTRY and self.adequacy != Adequacy.EEA


class Attempt(models.Model):
    """One counted attempt at a form, for rate limits per IP address and per e-mail address
    (both stored as keyed hashes; see core/limits.py). Old rows go as new ones are counted."""

    scope = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "at"])]

    def __str__(self):
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"


class OpaqueToken(models.Model):
    """The opaque id in an e-mailed link: random, stored only as its SHA-256, so a link carries
    no address, name or number, and a copy of the database no working link. Each app keeps its
    own table of them (see core/links.py for making, finding and pruning them)."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # empty: never

    class Meta:
        abstract = True

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


def language_of(address, organisation):
    """The language of a staff member by their e-mail address (the organisation's when the
    address is nobody's account, or they chose none)."""
    user = User.objects.filter(email__iexact=address).only("language").first()
    return user.language_in(organisation) if user else organisation.default_language
