"""Journey Workbench: the frame around every page (configuration, sign-in, sidebar, navigation)."""

import streamlit as st

from pages import _access as access
from pages._deps import language_switch, t

st.set_page_config(page_title="Journey Workbench", page_icon=":material/route:", layout="wide")
if not access.gate():  # sign-in is configured and this user is not in: the login screen ran instead
    st.stop()


def hidden_unless(action: str) -> str:
    """A page the role may not use stays reachable by link, to say so, but is not listed."""
    return "visible" if access.can(action) else "hidden"


library = st.Page("pages/library.py", title=t("nav.library"), icon=":material/route:", default=True)
editor = st.Page(
    "pages/editor.py", title=t("nav.editor"), icon=":material/edit_note:", visibility=hidden_unless("edit")
)
scoring = st.Page(
    "pages/scoring.py", title=t("nav.scoring"), icon=":material/how_to_vote:", visibility=hidden_unless("score")
)
ideas = st.Page("pages/ideas.py", title=t("nav.ideas"), icon=":material/lightbulb:")
surveys = st.Page("pages/surveys.py", title=t("nav.surveys"), icon=":material/monitoring:")
pages = {
    t("nav.workshop"): [library, editor, scoring, ideas, surveys],
    t("nav.managers"): [
        st.Page("pages/review.py", title=t("nav.review"), icon=":material/troubleshoot:"),
        st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/compare_arrows:"),
        st.Page("pages/portfolio.py", title=t("nav.portfolio"), icon=":material/grid_view:"),
    ],
    t("nav.presenters"): [
        st.Page("pages/export.py", title=t("nav.export"), icon=":material/ios_share:"),
    ],
}
NEEDS = {editor.url_path: "edit", scoring.url_path: "score"}
page = st.navigation(pages)
language_switch()
access.sidebar()
if access.allowed(NEEDS.get(page.url_path, "review")):
    page.run()
if page.url_path == library.url_path:
    access.open_note()
