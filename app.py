"""Journey Workbench: the frame around every page (configuration, sidebar, navigation)."""

import streamlit as st

from pages._deps import author_box, language_switch, t

st.set_page_config(page_title="Journey Workbench", page_icon=":material/route:", layout="wide")

pages = {
    t("nav.workshop"): [
        st.Page("pages/library.py", title=t("nav.library"), icon=":material/route:", default=True),
        st.Page("pages/editor.py", title=t("nav.editor"), icon=":material/edit_note:"),
        st.Page("pages/scoring.py", title=t("nav.scoring"), icon=":material/how_to_vote:"),
    ],
    t("nav.managers"): [
        st.Page("pages/review.py", title=t("nav.review"), icon=":material/troubleshoot:"),
        st.Page("pages/portfolio.py", title=t("nav.portfolio"), icon=":material/grid_view:"),
    ],
    t("nav.presenters"): [
        st.Page("pages/export.py", title=t("nav.export"), icon=":material/ios_share:"),
    ],
}
page = st.navigation(pages)
language_switch()
author_box()
page.run()
