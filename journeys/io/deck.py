"""A ready deck of one journey for presenters: a 16:9 PowerPoint file, the same deck as PDF, and an A3 poster.

Everything here works on what the caller has computed already: the journey graph, its
weakness table (:func:`journeys.analysis.scoring.weakness_table`), its ranked ideas
(:func:`journeys.analysis.ideas.ranked_ideas`) and the comparison with its to-be
(:func:`journeys.analysis.comparison.compare`). Nothing reads a database.

:func:`deck_slides` decides the slides, their titles and speaker notes; :func:`to_pptx` writes
them with python-pptx (chart slides carry the chart as a PNG picture under a native title, the
title slide and the weakest touchpoints are real text and a native table), :func:`to_pdf` draws
every slide as one landscape page with kaleido and joins the pages with pypdf, and
:func:`poster_pdf` lays the map and its heatmap out on one A3 page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date as Date

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from journeys.analysis.comparison import Comparison
from journeys.charts import images
from journeys.charts.captions import escape, stage_names, wrap
from journeys.charts.comparison import weakness_change
from journeys.charts.ideas import value_effort_matrix
from journeys.charts.review import importance_performance_frame
from journeys.i18n import date as format_date
from journeys.i18n import number, percent, t

__all__ = [
    "SLIDES",
    "WEAKEST_ROWS",
    "SLIDE_SIZE",
    "POSTER_SIZES",
    "DeckSlide",
    "deck_slides",
    "weakest_rows",
    "to_pptx",
    "to_pdf",
    "poster_figure",
    "poster_pdf",
]

SLIDES = ("title", "map", "stage", "heatmap", "weakest", "emotions", "matrix", "ideas", "to-be")
"""The kinds of slide, in the order a deck shows them (``stage``: one per stage, for long journeys only)."""
WEAKEST_ROWS = 8  # touchpoints in the table of the weakest: what a slide holds readably
SLIDE_SIZE = (1920, 1080)  # pixels of a slide's picture and page (a PDF page of 1440 × 810 points)
POSTER_SIZES = {"landscape": (1587, 1123), "portrait": (1123, 1587)}
"""A3 in pixels at 96 per inch: Chromium prints 0.75 points per pixel, so 1190 × 842 points (420 × 297 mm)."""
_TEXT = "263238"
_MUTED = "546E7A"
_HEADER = "37474F"


@dataclass(frozen=True)
class DeckSlide:
    """One slide: its ``kind`` (one of :data:`SLIDES`), native ``title`` and ``subtitle``, the speaker ``notes``,
    and what it shows: a chart ``figure`` (without title, for the PPTX picture), a ``table`` (header row first)
    or ``lines`` of text (the title slide)."""

    kind: str
    title: str
    subtitle: str = ""
    notes: str = ""
    figure: go.Figure | None = None
    table: list[list[str]] | None = None
    lines: list[str] = field(default_factory=list)


def _share(value, lang: str) -> str:
    return percent(float(value), lang) if pd.notna(value) else "–"


def _num(value, lang: str, digits: int = 2) -> str:
    return number(float(value), lang, digits) if value is not None and pd.notna(value) else "–"


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values("weakness", ascending=False, kind="stable") if not table.empty else table


def weakest_rows(G: nx.DiGraph, table: pd.DataFrame, *, lang: str = "en", top: int = WEAKEST_ROWS) -> list[list[str]]:
    """Return the table of the weakest touchpoints as text, header first: touchpoint, stage, weakness, why.

    The touchpoints are those with a weakness above 0, worst first, as Review ranks them; ``why`` is
    the reason Review gives (the lens that adds the most).

    Examples
    --------
    >>> from journeys.demo import broadband_demo
    >>> from journeys.io.exports import touchpoint_scores
    >>> G = broadband_demo()
    >>> rows = weakest_rows(G, touchpoint_scores(G), top=2)
    >>> rows[0], rows[1][0]
    (['Touchpoint', 'Stage', 'Weakness', 'Why'], 'Set up the router')
    """
    stages = stage_names(G, lang)
    ranked = _ranked(table)
    ranked = ranked[ranked["weakness"] > 0].head(top) if not ranked.empty else ranked
    header = [t("scoring.touchpoint", lang), t("deck.stage", lang), t("lens.weakness", lang), t("review.why", lang)]
    rows = [
        [
            str(row["name"]),
            stages.get(row["stage"], str(row["stage"] or "")),
            _num(row["weakness"], lang),
            t(f"lens.{row['why']}", lang) if row["why"] else "",
        ]
        for _, row in ranked.iterrows()
    ]
    return [header, *rows]


def _plain_figure(fig: go.Figure) -> go.Figure:
    """``fig`` without its own title (the slide gives one), with a margin on top that fits no title."""
    out = go.Figure(fig, _validate=False)
    out.layout.title = None
    out.layout.margin.t = min(out.layout.margin.t or 60, 60)
    return out


def _touchpoint_lines(G: nx.DiGraph, table: pd.DataFrame, lang: str, top: int = WEAKEST_ROWS) -> list[str]:
    stages = stage_names(G, lang)
    ranked = _ranked(table).head(top)
    return [
        t(
            "deck.notes.touchpoint",
            lang,
            name=row["name"],
            stage=stages.get(row["stage"], row["stage"] or ""),
            weakness=_num(row["weakness"], lang),
            share=_share(row["flow"], lang),
            desirable=_num(row["desirable"], lang, 1),
            viable=_num(row["viable"], lang, 1),
            feasible=_num(row["feasible"], lang, 1),
        )
        for _, row in ranked.iterrows()
    ]


def deck_slides(
    G: nx.DiGraph,
    table: pd.DataFrame,
    *,
    ideas: pd.DataFrame | None = None,
    comparison: Comparison | None = None,
    team: list[str] | tuple[str, ...] = (),
    lang: str = "en",
    persona: str | None = None,
    day: Date | None = None,
) -> list[DeckSlide]:
    """Return the slides of journey ``G``'s deck in order.

    ``table`` is its weakness table, ``ideas`` its :func:`journeys.analysis.ideas.ranked_ideas` (the value ×
    effort slide only when there is an idea), ``comparison`` the as-is → to-be comparison (a slide only when
    given), ``team`` the people who saved or rated the journey (on the title slide). Each slide's speaker
    notes hold its numbers: weakness, the share of customers reaching a touchpoint, the scores, the ideas.
    """
    day = day or Date.today()
    name = G.graph.get("name", "")
    state = t(f"state.{G.graph.get('state', 'as-is')}", lang)
    subtitle = t("export.subtitle", lang, journey=name, state=state, date=format_date(day, lang))
    stages = stage_names(G, lang)
    ideas = ideas if ideas is not None else pd.DataFrame()
    total = float(table["weakness"].sum()) if not table.empty else 0.0
    worst = _ranked(table).iloc[0] if not table.empty else None
    lines = [
        t("deck.state", lang, state=state),
        t("deck.date", lang, date=format_date(day, lang)),
        t("deck.team", lang, names=", ".join(team)) if team else t("deck.no_team", lang),
    ]
    summary = [
        t("deck.notes.journey", lang, touchpoints=G.number_of_nodes(), stages=len(stages)),
        t("deck.notes.total", lang, weakness=_num(total, lang)),
        t("deck.notes.ideas", lang, count=len(ideas)),
    ]
    if worst is not None and worst["weakness"] > 0:
        summary.append(t("deck.notes.worst", lang, name=worst["name"], weakness=_num(worst["weakness"], lang)))
    slides = [DeckSlide("title", name, notes="\n".join(summary), lines=lines)]

    def chart(kind: str, fig: go.Figure, notes: list[str], title: str | None = None, sub: str = subtitle):
        slides.append(
            DeckSlide(kind, title or t(f"deck.slide.{kind}", lang), sub, "\n".join(notes), figure=_plain_figure(fig))
        )

    tp_lines = _touchpoint_lines(G, table, lang)
    chart("map", images.journey_figure("map", G, table, lang=lang, persona=persona), summary[:2] + tp_lines)
    if images.is_long(G):
        parts = images.stage_slides(G, lang=lang, persona=persona, day=day)
        for n, (sid, fig) in enumerate(parts, start=1):
            part = table[table["stage"] == sid] if not table.empty else table
            notes = [t("deck.notes.stage", lang, count=len(part), weakness=_num(part["weakness"].sum(), lang))]
            notes += _touchpoint_lines(G, part, lang)
            title = t("export.stage_title", lang, n=n, total=len(parts), stage=stages.get(sid, sid))
            sub = _unescape(fig.layout.title.subtitle.text or "")
            slides.append(DeckSlide("stage", title, sub, "\n".join(notes), figure=_plain_figure(fig)))
    chart("heatmap", images.journey_figure("heatmap", G, table, lang=lang), summary[1:2] + tp_lines)
    rows = weakest_rows(G, table, lang=lang)
    slides.append(
        DeckSlide("weakest", t("deck.slide.weakest", lang), subtitle, "\n".join(tp_lines[: len(rows) - 1]), table=rows)
    )
    emotion_notes = []
    for p in G.graph.get("personas", []):
        felt = [G.nodes[n].get("emotions", {}).get(p["id"]) for n in G]
        felt = [v for v in felt if v is not None]
        if felt:
            emotion_notes.append(
                t("deck.notes.emotion", lang, persona=p["name"], mean=_num(sum(felt) / len(felt), lang, 1),
                  low=number(min(felt), lang), count=len(felt))
            )  # fmt: skip
    chart("emotions", images.journey_figure("emotions", G, table, lang=lang), emotion_notes)
    ipa = importance_performance_frame(table) if not table.empty else pd.DataFrame()
    ipa_notes = [
        t("deck.notes.importance", lang, name=row["name"], importance=_num(row["importance"], lang),
          performance=_num(row["performance"], lang, 1), share=_share(row["flow"], lang))
        for _, row in (ipa.sort_values("importance", ascending=False).head(WEAKEST_ROWS).iterrows() if not ipa.empty else [])
    ]  # fmt: skip
    chart("matrix", images.journey_figure("matrix", G, table, lang=lang), ipa_notes)
    if not ideas.empty:
        idea_notes = [t("deck.notes.ideas", lang, count=len(ideas))] + [
            t("deck.notes.idea", lang, title=row["title"], value=_num(row["value"], lang, 1),
              effort=_num(row["effort"], lang, 0), relief=_num(row["relief"], lang),
              quadrant=t(f"ideas.quadrant.{row['quadrant']}", lang) if isinstance(row["quadrant"], str) else "–")
            for _, row in ideas.iterrows()
        ]  # fmt: skip
        chart("ideas", value_effort_matrix(ideas, journey=name, lang=lang), idea_notes)
    if comparison is not None:
        before, after = comparison.before.graph.get("name", ""), comparison.after.graph.get("name", "")
        changed = comparison.touchpoints
        changed = changed[changed["delta"].abs() > 1e-9]
        cmp_notes = [
            t("deck.notes.to_be", lang, before=_num(comparison.total_before, lang), after=_num(comparison.total_after, lang),
              change=percent(comparison.relative, lang, sign=True) if comparison.relative is not None else "–"),
            *(t("deck.notes.change", lang, name=row["name"], before=_num(row["weakness_before"], lang),
                after=_num(row["weakness_after"], lang)) for _, row in changed.iterrows()),
        ]  # fmt: skip
        sub = t("deck.to_be_subtitle", lang, before=before, after=after)
        chart("to-be", weakness_change(comparison, lang=lang), cmp_notes, sub=sub)
    return slides


def _unescape(text: str) -> str:
    """Plain text of a plotly subtitle that :func:`journeys.charts.captions.escape` made (line breaks kept)."""
    import html

    return html.unescape(text.replace("<br>", "\n"))


# --- PowerPoint ---


def _text(frame, lines: list[str], *, size: int, color: str = _TEXT, bold: bool = False) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor.from_string(color)


def _heading(pptx_slide, slide: DeckSlide, width) -> None:
    from pptx.util import Emu, Inches

    box = pptx_slide.shapes.add_textbox(Inches(0.4), Inches(0.2), width - Inches(0.8), Inches(0.7))
    box.name = "Title"
    _text(box.text_frame, [slide.title], size=28, bold=True)
    if slide.subtitle:
        sub = pptx_slide.shapes.add_textbox(Inches(0.4), Inches(0.85), width - Inches(0.8), Emu(Inches(0.6)))
        sub.name = "Subtitle"
        _text(sub.text_frame, slide.subtitle.split("\n"), size=13, color=_MUTED)


def to_pptx(slides: list[DeckSlide], *, pictures: dict[int, bytes] | None = None) -> bytes:
    """Return ``slides`` as a 16:9 PowerPoint file.

    A chart slide carries its figure as a PNG picture (drawn here, once each, by kaleido in Chromium;
    ``pictures`` may hand them in by slide index) under a native title; the weakest touchpoints are a
    native table and the title slide real text. Raises :class:`journeys.charts.images.BrowserMissing`
    when a chart is to be drawn and no browser is installed.
    """
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9, 13⅓ × 7½ inches
    blank = deck.slide_layouts[6]
    width, height = deck.slide_width, deck.slide_height
    pictures = dict(pictures or {})
    for i, slide in enumerate(slides):
        page = deck.slides.add_slide(blank)
        if slide.kind == "title":
            box = page.shapes.add_textbox(Inches(0.8), Inches(2.2), width - Inches(1.6), Inches(1.6))
            box.name = "Title"
            _text(box.text_frame, [slide.title], size=40 if len(slide.title) <= 60 else 28, bold=True)
            info = page.shapes.add_textbox(Inches(0.8), Inches(4.0), width - Inches(1.6), Inches(2.0))
            info.name = "Details"
            _text(info.text_frame, slide.lines, size=20, color=_MUTED)
        else:
            _heading(page, slide, width)
        if slide.table is not None:
            rows, cols = len(slide.table), len(slide.table[0])
            top = Inches(1.6)
            shape = page.shapes.add_table(rows, cols, Inches(0.4), top, width - Inches(0.8), Inches(0.5) * rows)
            shape.name = "Weakest touchpoints"
            grid = shape.table
            for c, share in enumerate((0.34, 0.24, 0.12, 0.30)[:cols]):
                grid.columns[c].width = int((width - Inches(0.8)) * share)
            for r, values in enumerate(slide.table):
                for c, value in enumerate(values):
                    cell = grid.cell(r, c)
                    cell.text = value
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(16)
                            run.font.bold = r == 0
        if slide.figure is not None:
            png = pictures.get(i) or images.to_png(slide.figure, width=SLIDE_SIZE[0], height=SLIDE_SIZE[1] - 240)
            top = Inches(1.5)
            picture_height = height - top - Inches(0.2)
            picture_width = int(picture_height * SLIDE_SIZE[0] / (SLIDE_SIZE[1] - 240))
            left = int((width - picture_width) / 2)
            page.shapes.add_picture(io.BytesIO(png), left, top, picture_width, picture_height).name = "Chart"
        if slide.notes:
            page.notes_slide.notes_text_frame.text = slide.notes
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# --- PDF ---

_FONT = {"family": "Liberation Sans, DejaVu Sans, Arial, sans-serif"}


def _title_figure(slide: DeckSlide) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(
        text=f"<b>{wrap(slide.title, 52, 3)}</b>", x=0.04, y=0.62, xref="paper", yref="paper", xanchor="left",
        yanchor="bottom", align="left", showarrow=False, font={"size": 48, "color": f"#{_TEXT}"},
    )  # fmt: skip
    fig.add_annotation(
        text="<br>".join(wrap(line, 110, 3) for line in slide.lines), x=0.04, y=0.55, xref="paper", yref="paper",
        xanchor="left", yanchor="top", align="left", showarrow=False, font={"size": 26, "color": f"#{_MUTED}"},
    )  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(margin={"l": 40, "r": 40, "t": 40, "b": 40}, font=_FONT)
    return fig


def _table_figure(slide: DeckSlide) -> go.Figure:
    header, *rows = slide.table
    columns = [[row[c] for row in rows] for c in range(len(header))]
    fig = go.Figure(
        go.Table(
            columnwidth=[34, 24, 12, 30],
            header={"values": [f"<b>{escape(h)}</b>" for h in header], "fill_color": f"#{_HEADER}",
                    "font": {"color": "white", "size": 20}, "height": 44, "align": "left"},
            cells={"values": [[escape(v) for v in col] for col in columns], "font": {"size": 19, "color": f"#{_TEXT}"},
                   "height": 42, "align": "left", "fill_color": [["#eceff1", "white"] * len(rows)]},
        )
    )  # fmt: skip
    return images.slide(fig, title=slide.title, subtitle=slide.subtitle)


def page_figure(slide: DeckSlide) -> go.Figure:
    """Return ``slide`` as one figure for its PDF page: the chart under its title, the table, or the title page."""
    if slide.kind == "title":
        return _title_figure(slide)
    if slide.table is not None:
        return _table_figure(slide)
    return images.slide(slide.figure, title=slide.title, subtitle=slide.subtitle)


def to_pdf(slides: list[DeckSlide]) -> bytes:
    """Return ``slides`` as a PDF, one landscape page (1440 × 810 points, 16:9) a slide, drawn by kaleido.

    Raises :class:`journeys.charts.images.BrowserMissing` when no browser is installed.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for slide in slides:
        page = images.to_image(page_figure(slide), "pdf", width=SLIDE_SIZE[0], height=SLIDE_SIZE[1])
        writer.append(PdfReader(io.BytesIO(page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the A3 poster ---


_POSTER_PARTS = {
    "landscape": ((0.5, 1.0), 0.49, 0.425, (0.0, 0.375)),
    "portrait": ((0.57, 1.0), 0.56, 0.45, (0.0, 0.4)),
}


def _moved(ref: str | None, axis: str) -> str | None:
    return ref.replace(axis, f"{axis}2", 1) if ref and ref.startswith(axis) and not ref.startswith(f"{axis}2") else ref


def poster_figure(
    G: nx.DiGraph, table: pd.DataFrame, *, lang: str = "en", persona: str | None = None, day: Date | None = None,
    orientation: str = "landscape",
) -> go.Figure:  # fmt: skip
    """Return one figure with the journey map on top and its weakness heatmap below, laid out for an A3 page."""
    if orientation not in POSTER_SIZES:
        raise ValueError(f"no orientation {orientation!r}; choose one of {', '.join(POSTER_SIZES)}")
    # the map, its legend below it (two lines or more on a portrait page), the heatmap's heading and the heatmap
    top, legend, heading, bottom = _POSTER_PARTS[orientation]
    the_map = images.journey_figure("map", G, table, lang=lang, persona=persona)
    heat = images.journey_figure("heatmap", G, table, lang=lang)
    fig = go.Figure(the_map, _validate=False)
    span = top[1] - top[0]
    for shape in fig.layout.shapes:
        if shape.yref == "paper":
            shape.y0, shape.y1 = top[0] + shape.y0 * span, top[0] + shape.y1 * span
    for note in fig.layout.annotations:
        if note.yref == "paper":
            note.y = top[0] + note.y * span
    for trace in fig.data:
        bar = getattr(getattr(trace, "marker", None), "colorbar", None)
        if bar is not None and bar.len is not None:
            bar.update(len=bar.len * span, y=top[0] + (1 if bar.y is None else bar.y) * span)
    fig.layout.yaxis.domain = top
    fig.layout.legend.update(y=legend, yanchor="top")
    for trace in heat.data:
        trace = go.Figure(trace, _validate=False).data[0]
        trace.xaxis, trace.yaxis = "x2", "y2"
        if getattr(trace, "colorbar", None) is not None:
            trace.colorbar.update(y=bottom[0], yanchor="bottom", len=bottom[1] - bottom[0], lenmode="fraction")
        fig.add_trace(trace)
    fig.layout.xaxis2 = heat.layout.xaxis.to_plotly_json() | {"anchor": "y2", "domain": [0, 1]}
    fig.layout.yaxis2 = heat.layout.yaxis.to_plotly_json() | {"anchor": "x2", "domain": list(bottom)}
    for shape in heat.layout.shapes:
        fig.add_shape(shape.update(xref=_moved(shape.xref, "x"), yref=_moved(shape.yref, "y")))
    for note in heat.layout.annotations:
        fig.add_annotation(note.update(xref=_moved(note.xref, "x"), yref=_moved(note.yref, "y")))
    fig.add_annotation(
        text=f"<b>{escape(t('export.figure.heatmap', lang))}</b>", x=0, y=heading, xref="paper",
        yref="paper", xanchor="left", yanchor="bottom", showarrow=False, font={"size": 20},
    )  # fmt: skip
    fig.layout.height = fig.layout.width = None
    state = t(f"state.{G.graph.get('state', 'as-is')}", lang)
    day = day or Date.today()
    sub = t("export.subtitle", lang, journey=G.graph.get("name", ""), state=state, date=format_date(day, lang))
    return images.slide(fig, title=t("export.figure.map", lang), subtitle=sub)


def poster_pdf(G: nx.DiGraph, table: pd.DataFrame, *, orientation: str = "landscape", **kwargs) -> bytes:
    """Return the A3 poster (:func:`poster_figure`) as a one-page PDF of 420 × 297 mm (or portrait).

    Raises :class:`journeys.charts.images.BrowserMissing` when no browser is installed.
    """
    width, height = POSTER_SIZES[orientation]
    fig = poster_figure(G, table, orientation=orientation, **kwargs)
    return images.to_image(fig, "pdf", width=width, height=height)
