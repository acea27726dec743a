"""Export (presenters): slide-ready images and the journey's data for other tools, each made on click."""

import ui  # noqa: F401  first, so that every module loads once, in one thread (ui/__init__.py)

# isort: split

import streamlit as st
from sqlmodel import Session

from journeys.analysis.scoring import consensus
from journeys.charts import images
from journeys.io import deck, exports
from store import analysis, journey_sections, presenting
from ui import frame
from ui.deps import author, engine, lang, session, t, translated
from ui.journey import journey_picker, load
from ui.text import md

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "zip": "application/zip",
    "json": "application/json",
    "csv": "text/csv",
    "graphml": "application/xml",
    "mermaid": "text/plain",
    "flowchart": "text/plain",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
DECK_FILES = {"pptx": ("pptx", ".pptx"), "pdf": ("pdf", "-deck.pdf"), "poster": ("pdf", "-poster-a3.pdf")}


def size_options(G) -> dict:
    """Width, height and scale of the images, and the persona whose emotion curve the map draws."""
    a, b, c, d = st.columns(4)
    width = a.number_input(t("export.width"), 320, 7680, 1920, 10, key="export.width")
    height = b.number_input(t("export.height"), 240, 4320, 1080, 10, key="export.height")
    scale = c.selectbox(t("export.scale"), (1, 2, 3, 4), key="export.scale", help=t("export.scale_help"))
    personas = {p["id"]: p["name"] for p in G.graph["personas"]}
    persona = d.selectbox(
        t("export.persona"),
        [None, *personas],
        format_func={None: t("export.persona_none"), **personas}.get,
        key=translated("export.persona"),
    )
    return {"width": int(width), "height": int(height), "scale": scale, "persona": persona}


def image_buttons(G, table, stem: str, options: dict, browser: bool) -> None:
    """A PNG and an SVG button per figure; each image is drawn only when its button is clicked."""
    size = {k: options[k] for k in ("width", "height")}
    lg, persona, pixels = lang(), options["persona"], {**size, "scale": options["scale"]}
    db = engine()  # the deferred downloads run outside the page's thread: hand them the engine itself

    def figure(kind: str):
        if kind != "portfolio":
            return images.journey_slide(kind, G, table, lang=lg, persona=persona)
        with Session(db) as s:
            return images.portfolio_slide(analysis.portfolio(session=s, rows="journey", columns="stage"), lang=lg)

    blocked = {"disabled": not browser, "help": None if browser else t("export.no_browser_short")}
    for kind in (*images.FIGURES, "portfolio"):
        name, png, svg = st.columns([4, 1, 1], vertical_alignment="center")
        name.markdown(t(f"export.figure.{kind}"))
        png.download_button(
            "PNG",
            data=lambda kind=kind: images.to_png(figure(kind), **pixels),
            file_name=exports.figure_file(stem, kind, "png"),
            mime=MIME["png"],
            key=f"export.png.{kind}",
            on_click="ignore",
            icon=":material/image:",
            width="stretch",
            **blocked,
        )
        svg.download_button(
            "SVG",
            data=lambda kind=kind: images.to_svg(figure(kind), **size),
            file_name=exports.figure_file(stem, kind, "svg"),
            mime=MIME["svg"],
            key=f"export.svg.{kind}",
            on_click="ignore",
            icon=":material/draw:",
            width="stretch",
            **blocked,
        )
    name, button = st.columns([4, 2], vertical_alignment="center")
    name.markdown(t("export.figure.stages"), help=t("export.stages_help"))
    stage_pngs = lambda: images.image_files(G, table, figures=(), stages=True, lang=lg, persona=persona, **pixels)  # noqa: E731
    button.download_button(
        "ZIP",
        data=lambda: exports.zip_files(stage_pngs()),
        file_name=f"{stem}-stages.zip",
        mime=MIME["zip"],
        key="export.stages",
        on_click="ignore",
        icon=":material/folder_zip:",
        width="stretch",
        **blocked,
    )


def deck_buttons(jid: str, stem: str, persona: str | None, browser: bool) -> None:
    """The presentation deck (PPTX and PDF) and the A3 poster, each drawn when its button is clicked."""
    lg, db = lang(), engine()  # the deferred downloads run outside the page's thread: hand them the engine itself

    def made(fmt: str) -> bytes:
        with Session(db) as s:
            inputs = presenting.deck_inputs(session=s, journey_id=jid)
        if fmt == "poster":
            return deck.poster_pdf(inputs.graph, inputs.table, lang=lg, persona=persona)
        slides = deck.deck_slides(inputs.graph, inputs.table, lang=lg, persona=persona, **inputs.slides_kwargs())
        return deck.to_pptx(slides) if fmt == "pptx" else deck.to_pdf(slides)

    for column, (fmt, (mime, ending)) in zip(st.columns(len(DECK_FILES)), DECK_FILES.items(), strict=True):
        column.download_button(
            t(f"deck.{fmt}"),
            data=lambda fmt=fmt: made(fmt),
            file_name=f"{stem}{ending}",
            mime=MIME[mime],
            key=f"export.deck.{fmt}",
            on_click="ignore",
            icon=":material/slideshow:" if fmt != "poster" else ":material/picture_as_pdf:",
            width="stretch",
            disabled=not browser,
            help=t(f"deck.{fmt}_help") if browser else t("export.no_browser_short"),
        )


def data_buttons(G, scores: dict, stem: str, sections: dict) -> None:
    """JSON (the whole journey: with its ratings, ideas, surveys and comments), CSV, GraphML and Mermaid (a journey diagram and a flowchart); the Mermaid texts are
    also shown to copy."""
    lg, by = lang(), author()
    for column, fmt in zip(st.columns(len(exports.DATA_FORMATS)), exports.DATA_FORMATS, strict=True):
        column.download_button(
            t(f"export.{fmt}"),
            data=lambda fmt=fmt: exports.data_text(G, fmt, scores, lang=lg, exported_by=by, sections=sections),
            file_name=f"{stem}{exports.DATA_FORMATS[fmt]}",
            mime=MIME[fmt],
            key=f"export.{fmt}",
            on_click="ignore",
            icon=":material/download:",
            help=t(f"export.{fmt}_help"),
            width="stretch",
        )
    with st.expander(t("export.mermaid_show"), icon=":material/content_copy:"):
        st.code(exports.to_mermaid(G, scores, lang=lg), language=None)
    with st.expander(t("export.flowchart_show"), icon=":material/content_copy:"):
        st.code(exports.to_flowchart(G, lang=lg), language=None)


def pack_button(G, scores: dict, table, stem: str, options: dict, browser: bool, sections: dict) -> None:
    """Everything about the journey in one ZIP: the figures (when a browser is there) and the data."""
    lg, by = lang(), author()
    pixels = {k: options[k] for k in ("width", "height", "scale")}

    def pack() -> bytes:
        files = exports.data_files(G, scores, lang=lg, exported_by=by, stem=stem, sections=sections)
        if browser:
            files |= images.image_files(G, table, lang=lg, persona=options["persona"], stem=stem, **pixels)
        return exports.zip_files(files, folder=stem)

    st.download_button(
        t("export.pack" if browser else "export.pack_no_images"),
        data=pack,
        file_name=f"{stem}.zip",
        mime=MIME["zip"],
        key="export.pack",
        on_click="ignore",
        type="primary",
        icon=":material/inventory_2:",
        help=t("export.pack_help"),
    )


def main() -> None:
    frame.page("export")
    jid = journey_picker("export.title")
    if not jid:
        return
    G, _ = load(jid)
    st.title(t("export.title"))
    st.caption(t("export.intro", journey=md(G.graph["name"])))
    browser = images.browser_path() is not None
    if not browser:
        st.warning(t("export.no_browser"), icon=":material/warning:")
    with session() as s:
        scores = consensus(analysis.list_ratings(session=s, journey_id=jid))
        sections = journey_sections(session=s, journey_id=jid, touchpoints=set(G))  # the JSON's ratings, ideas …
    table, stem = exports.touchpoint_scores(G, scores), exports.file_stem(G)
    st.subheader(t("export.images"))
    options = size_options(G)
    if G:
        image_buttons(G, table, stem, options, browser)
        st.subheader(t("deck.heading"))
        deck_buttons(jid, stem, options["persona"], browser)
    else:  # a blank journey: its pictures would be empty frames
        st.info(t("export.no_touchpoints"), icon=":material/info:")
    st.subheader(t("export.data"))
    data_buttons(G, scores, stem, sections)
    st.divider()
    pack_button(G, scores, table, stem, options, browser, sections)


main()
