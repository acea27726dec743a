"""The words on the journey map: touchpoint labels, hover details, stage and persona names.

Everything is escaped for plotly's small HTML subset and goes through
:func:`journeys.i18n.t`, so the map speaks the user's language.
"""

from __future__ import annotations

import html
import textwrap
from numbers import Real

import networkx as nx

from journeys.i18n import MESSAGES, label, number, t

__all__ = [
    "is_number",
    "signed",
    "escape",
    "wrap",
    "stage_names",
    "stage_label",
    "group_label",
    "find_persona",
    "persona_name",
    "touchpoint_label",
    "details",
]


def is_number(value) -> bool:
    """Return True for a real number (not a bool).

    Examples
    --------
    >>> is_number(2), is_number(True), is_number(None)
    (True, False, False)
    """
    return isinstance(value, Real) and not isinstance(value, bool)


def signed(value: float, lang: str = "en") -> str:
    """Return a score with its sign and a true minus sign, as on an emotion scale, as ``lang`` writes it.

    Examples
    --------
    >>> signed(2), signed(0), signed(-1.5), signed(-1.5, "de")
    ('+2', '0', '−1.5', '−1,5')
    """
    return "0" if value == 0 else number(value, lang, sign=True).replace("-", "−")


def escape(value) -> str:
    """Return ``value`` as text that plotly shows literally (``None`` is empty)."""
    return html.escape(str(value if value is not None else ""), quote=False)


def wrap(text: str, width: int, lines: int = 3) -> str:
    """Wrap ``text`` into at most ``lines`` HTML lines of about ``width`` characters.

    Examples
    --------
    >>> wrap("Remote line measurement by the network team", 12, 2)
    'Remote line<br>measurement…'
    """
    return "<br>".join(escape(p) for p in wrap_lines(text, width, lines))


def wrap_lines(text: str, width: int, lines: int = 3) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``width`` characters, the last one shortened with "…"."""
    parts = textwrap.wrap(text, width=width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder="…")]
    return parts


def stage_names(G: nx.DiGraph, lang: str = "en") -> dict[str, str]:
    """Return the shown name of every stage id.

    A stage keeps the name the team gave it; a stage still carrying the tool's own
    English default name (or none) is shown in ``lang``.

    Examples
    --------
    >>> from journeys.demo import ebike_demo
    >>> stage_names(ebike_demo(), "de")["use-experience"]
    'Nutzungserlebnis'
    """
    names = {}
    for stage in G.graph.get("stages", []):
        sid, name = stage.get("id"), stage.get("name") or ""
        key = f"stage.{sid}"
        if key in MESSAGES["en"] and name in ("", MESSAGES["en"][key]):
            name = t(key, lang)
        names[sid] = name or str(sid)
    return names


_DEFAULT_STAGES = {text: key for key, text in MESSAGES["en"].items() if key.startswith("stage.")}


def stage_label(name: str, lang: str = "en") -> str:
    """Return a stage's name as shown: the tool's own English name of a stage in ``lang``, a team's name as it is.

    Examples
    --------
    >>> stage_label("Onboarding", "de"), stage_label("Kick-off", "de")
    ('Einrichtung', 'Kick-off')
    """
    key = _DEFAULT_STAGES.get(name)
    return t(key, lang) if key else name


def group_label(grouping: str, value, lang: str = "en") -> str:
    """Return a group of a heatmap or roll-up as shown: a channel the workbench knows, or a stage with
    the tool's own name, in ``lang``; everything else (journeys, owners, a team's names) as it is."""
    if grouping == "channel":
        return label("channel", value, lang)
    if grouping == "stage":
        return stage_label(str(value), lang)
    return "" if value is None else str(value)


def find_persona(G: nx.DiGraph, persona: str | None) -> dict | None:
    """Return the persona of ``G`` whose id or name is ``persona``, or None."""
    return next((p for p in G.graph.get("personas", []) if persona in (p.get("id"), p.get("name"))), None)


def persona_name(G: nx.DiGraph, persona: str | None) -> str:
    """Return the name of the persona with id (or name) ``persona``, or ``""``."""
    found = find_persona(G, persona)
    return str(found.get("name") or found.get("id")) if found else ""


def touchpoint_label(G: nx.DiGraph, n, width: int) -> str:
    """Return the wrapped name of touchpoint ``n``; a moment of truth is bold with a star.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> touchpoint_label(broadband_demo(), "hotline", 10)
    '<b>★ Call the<br>hotline</b>'
    """
    label = wrap(str(G.nodes[n].get("name") or n), width)
    return f"<b>★ {label}</b>" if G.nodes[n].get("moment_of_truth") is True else label


def details(G: nx.DiGraph, n, stages: dict, lang: str) -> str:
    """Return the hover text of touchpoint ``n``: where it is, who owns it, how it scores, what hurts.

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> G = broadband_demo()
    >>> print(details(G, "install-router", stage_names(G), "en").replace("<br>", "\\n"))
    <b>Set up the router</b>  ★ Moment of truth
    Stage: Onboarding
    Channel: Product · Owner: Product
    Expectation 4 → experience 2 (gap −2)
    Emotions: Petra, busy parent −2; Jonas, home-office worker −1
    Needs: 1 · Pain points: 2
    Top pain point: Default setting makes the Wi-Fi drop every few minutes (5/5)
    """
    d = G.nodes[n]
    head = f"<b>{escape(d.get('name') or n)}</b>"
    if d.get("moment_of_truth") is True:
        head += f"  ★ {t('map.moment_of_truth', lang)}"
    channel = d.get("channel") or ""
    lines = [
        head,
        f"{t('map.stage', lang)}: {escape(stages.get(d.get('stage'), d.get('stage')))}",
        f"{t('map.channel', lang)}: {escape(label('channel', channel, lang) if channel else '–')} · "
        f"{t('map.owner', lang)}: {escape(d.get('owner') or '–')}",
    ]
    exp, got = (d.get(k) if is_number(d.get(k)) else None for k in ("expectation", "experience"))
    if exp is not None or got is not None:
        gap = f" ({t('map.gap', lang)} {signed(got - exp, lang)})" if exp is not None and got is not None else ""
        shown = [number(v, lang) if v is not None else "–" for v in (exp, got)]
        lines.append(f"{t('map.expectation', lang)} {shown[0]} → {t('map.experience', lang)} {shown[1]}{gap}")
    names = {p.get("id"): p.get("name") for p in G.graph.get("personas", [])}
    emotions = [
        f"{escape(names.get(p, p))} {signed(v, lang)}" for p, v in d.get("emotions", {}).items() if is_number(v)
    ]
    if emotions:
        lines.append(f"{t('map.emotions', lang)}: {'; '.join(emotions)}")
    pains = [p for p in d.get("pains", []) if isinstance(p, dict)]
    lines.append(f"{t('map.needs', lang)}: {len(d.get('needs', []))} · {t('map.pains', lang)}: {len(pains)}")
    if pains:
        top = max(pains, key=lambda p: p.get("severity") if is_number(p.get("severity")) else 0)
        lines.append(f"{t('map.top_pain', lang)}: {wrap(str(top.get('text')), 60, 2)} ({top.get('severity')}/5)")
    return "<br>".join(lines)
