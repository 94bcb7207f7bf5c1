"""The demo firm's DPIA."""


def build_dpia(firm, owner):
    """The showroom cameras screened as needing a DPIA (the AP's camera category and WP248's
    systematic monitoring) and assessed with two risks and a new measure, signed; the
    newsletter screened as not needing one."""
    from datetime import timedelta

    from django.utils import timezone

    from waarborg.dpia import actions as dpia_actions
    from waarborg.register.models import ProcessingActivity

    activities = {a.key: a for a in ProcessingActivity.objects.filter(organisation=firm)}
    camera = activities["camera-showroom"]
    dpia_actions.screen_activity(
        camera,
        actor=owner,
        answers={"ap.camera_surveillance": True, "wp248.systematic_monitoring": True},
        note="Twee camera's in een ruimte waar iedereen binnen kan lopen.",
    )
    dpia_actions.screen_activity(
        activities["newsletter"],
        actor=owner,
        answers={},
        note="Alleen naam en e-mailadres van mensen die zich zelf aanmelden; afmelden kan altijd.",
    )
    assessment = dpia_actions.start_assessment(firm, actor=owner, activities=[camera])
    access = dpia_actions.save_risk(
        assessment,
        actor=owner,
        kind="access",
        title="Onbevoegden bekijken of kopiëren de camerabeelden",
        impacts="Bezoekers worden herkend en gevolgd; beelden komen online.",
        threats="Inloggen op de recorder met het standaardwachtwoord; diefstal van de recorder.",
        sources="Inbrekers, medewerkers zonder taak, de leverancier op afstand.",
        severity=3,
        likelihood=3,
        residual_severity=3,
        residual_likelihood=1,
        measures=list(camera.security_measures.all()),
    )
    dpia_actions.save_risk(
        assessment,
        actor=owner,
        kind="disappearance",
        title="Beelden van een incident zijn weg voordat ze zijn bekeken",
        impacts="Een bezoeker die iets overkwam kan het niet aantonen.",
        threats="De recorder overschrijft na 4 weken; een storing.",
        sources="Techniek, vergeten melding.",
        severity=2,
        likelihood=2,
        residual_severity=2,
        residual_likelihood=1,
    )
    dpia_actions.add_measure(
        assessment,
        actor=owner,
        risk=access,
        key="camera-recorder",
        name={
            "nl": "Recorder achter slot, eigen wachtwoord, alleen de eigenaar kijkt terug",
            "en": "Recorder locked away, own password, only the owner views recordings",
        },
        kind="technical",
    )
    today = timezone.localdate()
    dpia_actions.sign_assessment(
        assessment,
        actor=owner,
        advice="De camera's zijn nodig tegen diefstal; richt ze niet op de werkplekken.",
        advice_by="Anna de Vries, privacyfunctionaris",
        decision="accept",
        decision_reason="Het restrisico is laag na de maatregelen.",
        signed_by="Anna de Vries",
        signed_on=today,
        review_on=today + timedelta(days=365),
    )
