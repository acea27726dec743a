"""The one translation table of the workbench: English and German.

Every user-facing string goes through :func:`t`. Keys are dotted, grouped by where
they appear (``stage.*``, ``channel.*``, ``library.*`` ...). Both languages must
hold the same keys; a test enforces it.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "MESSAGES", "t", "missing_keys"]

LANGUAGES = {"en": "English", "de": "Deutsch"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # stage sets and their stages
        "stageset.lifecycle": "Customer lifecycle (awareness → advocacy)",
        "stageset.experiences": "Three experiences (communication / purchase / use)",
        "stageset.usage": "Before / during / after use",
        "stage.awareness": "Awareness",
        "stage.consideration": "Consideration",
        "stage.purchase": "Purchase",
        "stage.onboarding": "Onboarding",
        "stage.use": "Use",
        "stage.support": "Support",
        "stage.loyalty": "Loyalty & advocacy",
        "stage.communication": "Communication experience",
        "stage.purchase-experience": "Purchase experience",
        "stage.use-experience": "Use experience",
        "stage.before": "Before use",
        "stage.during": "During use",
        "stage.after": "After use",
        # channels
        "channel.web": "Web",
        "channel.app": "App",
        "channel.shop": "Shop",
        "channel.phone": "Phone",
        "channel.email": "E-mail",
        "channel.letter": "Letter",
        "channel.social": "Social media",
        "channel.partner": "Partner",
        "channel.product": "Product",
        # vocabularies
        "state.as-is": "as-is",
        "state.to-be": "to-be",
        "kind.functional": "functional",
        "kind.emotional": "emotional",
        "kind.economic": "economic",
        "evidence.interview": "interview",
        "evidence.observation": "observation",
        "evidence.survey": "survey",
        "evidence.assumption": "assumption",
        # templates
        "template.blank": "Blank journey",
        "template.broadband": "Demo: broadband router set-up",
        "template.ebike": "Demo: buying an e-bike",
    },
    "de": {
        "stageset.lifecycle": "Kundenlebenszyklus (Aufmerksamkeit → Empfehlung)",
        "stageset.experiences": "Drei Erlebnisse (Kommunikation / Kauf / Nutzung)",
        "stageset.usage": "Vor / während / nach der Nutzung",
        "stage.awareness": "Aufmerksamkeit",
        "stage.consideration": "Abwägung",
        "stage.purchase": "Kauf",
        "stage.onboarding": "Einrichtung",
        "stage.use": "Nutzung",
        "stage.support": "Service",
        "stage.loyalty": "Treue & Empfehlung",
        "stage.communication": "Kommunikationserlebnis",
        "stage.purchase-experience": "Kauferlebnis",
        "stage.use-experience": "Nutzungserlebnis",
        "stage.before": "Vor der Nutzung",
        "stage.during": "Während der Nutzung",
        "stage.after": "Nach der Nutzung",
        "channel.web": "Web",
        "channel.app": "App",
        "channel.shop": "Filiale",
        "channel.phone": "Telefon",
        "channel.email": "E-Mail",
        "channel.letter": "Brief",
        "channel.social": "Soziale Medien",
        "channel.partner": "Partner",
        "channel.product": "Produkt",
        "state.as-is": "Ist",
        "state.to-be": "Soll",
        "kind.functional": "funktional",
        "kind.emotional": "emotional",
        "kind.economic": "wirtschaftlich",
        "evidence.interview": "Interview",
        "evidence.observation": "Beobachtung",
        "evidence.survey": "Umfrage",
        "evidence.assumption": "Annahme",
        "template.blank": "Leere Journey",
        "template.broadband": "Demo: Router-Einrichtung beim Internetanschluss",
        "template.ebike": "Demo: Kauf eines E-Bikes",
    },
}


def t(key: str, lang: str = "en", /, **values) -> str:
    """Return the text for ``key`` in ``lang`` with ``values`` filled in.

    An unknown language falls back to English; an unknown key is returned as is,
    so a missing text shows up visibly instead of crashing a page.

    Examples
    --------
    >>> t("stage.awareness", "de")
    'Aufmerksamkeit'
    >>> t("stage.awareness", "fr")
    'Awareness'
    """
    table = MESSAGES.get(lang, MESSAGES["en"])
    text = table.get(key) or MESSAGES["en"].get(key, key)
    return text.format(**values) if values else text


def missing_keys() -> dict[str, set[str]]:
    """Return, per language, the keys that another language has and it lacks."""
    every = set().union(*(set(m) for m in MESSAGES.values()))
    return {lang: every - set(m) for lang, m in MESSAGES.items() if every - set(m)}
