"""Optional access control: who is signed in, their role, and what that role may do.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` the workbench is open:
nobody signs in and everyone may do everything. With one, only users signed in
through ``st.login`` (the OIDC provider configured there) get in, and each gets a
role from the ``[access]`` section::

    [access]
    admins = ["ada@example.org"]                   # also restore from the trash, delete for good, back up
    editors = ["bob@example.org", "@example.org"]  # also create, edit, score, import, move to the trash
    viewers = []                                   # review and export
    default_role = "viewer"                        # everyone else who signs in: a role, or "none" to refuse

Entries are e-mail addresses, compared without regard to case; one that starts with
``@`` stands for a whole domain. The highest role a user is listed under counts.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import date

import streamlit as st

from store import backup
from ui import browser
from ui.deps import AUTHOR, author_box, session, t

ROLES = ("viewer", "editor", "admin")  # each may do what the one before may, and more
NEEDS = {  # action -> the least role that may do it
    "review": "viewer",
    "export": "viewer",
    "edit": "editor",  # create, duplicate, rename, import, the editor's Save
    "score": "editor",
    "comment": "editor",  # whoever may score or edit may comment; a viewer reads the comments
    "delete": "admin",  # into the trash (only an admin can bring it back, so only an admin deletes)
    "restore": "admin",
    "purge": "admin",
    "backup": "admin",
}


def _section(name: str) -> Mapping:
    """A section of the secrets, empty when there is none or no secrets file at all."""
    try:
        value = st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml anywhere: an open workbench
        return {}
    return value if isinstance(value, Mapping) else {}


AUTH_KEYS = ("redirect_uri", "cookie_secret")  # what [auth] itself needs
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")  # what the provider's section needs


def configured() -> bool:
    """Whether sign-in is asked for (an ``[auth]`` or an ``[access]`` section in the secrets)."""
    return bool(_section("auth") or _section("access"))


def setup_problem() -> str | None:
    """Why sign-in, though asked for, cannot work (a sentence in the user's language), or None.

    Roles in ``[access]`` without a complete ``[auth]`` would otherwise leave the workbench
    open to everyone as admin, or end in Streamlit's error on the first sign-in.
    """
    auth = _section("auth")
    if not auth:
        return t("access.misconfigured.no_auth") if _section("access") else None
    provider = auth if "client_id" in auth else next((v for v in auth.values() if isinstance(v, Mapping)), {})
    missing = [k for k in AUTH_KEYS if not str(auth.get(k) or "").strip()]
    missing += [k for k in PROVIDER_KEYS if not str(provider.get(k) or "").strip()]
    return t("access.misconfigured.missing", keys=", ".join(missing)) if missing else None


def verified() -> bool:
    """False when the provider says the e-mail address is not verified (``email_verified`` false).

    Roles are given by e-mail address, so an unverified one is not let in. Providers that
    send no such claim (Microsoft Entra ID, for one) verify addresses themselves.
    """
    return str(st.user.get("email_verified", True)).strip().lower() not in ("false", "0", "no")


def email() -> str:
    return str(st.user.get("email") or "").strip().lower()


def person() -> str:
    """Whom what the workbench keeps for a user belongs to (an unsaved draft): the signed-in user's e-mail
    address, or on an open workbench the id of this browser (:mod:`ui.browser`)."""
    return email() if configured() else browser.browser_id()


def display_name() -> str:
    """The signed-in user as they appear in the history: their name, else their e-mail."""
    return str(st.user.get("name") or st.user.get("email") or "").strip()


def _listed(address: str, entries) -> bool:
    entries = [entries] if isinstance(entries, str) else entries or []
    for entry in (str(e).strip().lower() for e in entries):
        if address and (entry == address or (entry.startswith("@") and address.endswith(entry))):
            return True
    return False


def role() -> str | None:
    """The user's role; ``admin`` on an open workbench; None when not signed in or not let in.

    Nobody gets in while sign-in is asked for but cannot work (:func:`setup_problem`), nor
    with an e-mail address the provider has not verified.
    """
    if not configured():
        return "admin"
    if setup_problem() or not st.user.get("is_logged_in") or not verified():
        return None
    access = _section("access")
    for name, key in (("admin", "admins"), ("editor", "editors"), ("viewer", "viewers")):
        if _listed(email(), access.get(key)):
            return name
    default = access.get("default_role", "viewer")
    return default if default in ROLES else None  # "none", or a typo: refuse rather than guess


def can(action: str) -> bool:
    """Whether the user's role may do ``action`` (a key of ``NEEDS``)."""
    current = role()
    return current is not None and ROLES.index(current) >= ROLES.index(NEEDS[action])


def allowed(action: str) -> bool:
    """Like :func:`can`, and says so where the user is when the answer is no."""
    if can(action):
        return True
    st.error(t("access.denied", role=t(f"access.role.{role()}")), icon=":material/lock:")
    return False


def _provider() -> str | None:
    """The provider for ``st.login``: the default one, else the first named ``[auth.<name>]``."""
    auth = _section("auth")
    if "client_id" in auth:
        return None
    return next((name for name, value in auth.items() if isinstance(value, Mapping)), None)


@st.cache_resource(show_spinner=False, max_entries=4)
def _tell_the_operator(problem: str) -> None:
    """Say once in the server's log why nobody can sign in."""
    logging.getLogger(__name__).error("Sign-in is not set up correctly, nobody can use the workbench: %s", problem)


def login_page() -> None:
    """The only page for a user who is not (or not yet) let in: sign in, or sign out of an account without a role."""
    st.title(t("access.login_title"), anchor=False)
    if problem := setup_problem():
        st.error(t("access.misconfigured", problem=problem), icon=":material/error:")
        _tell_the_operator(problem)
        return
    if st.user.get("is_logged_in"):  # signed in, but no role: say who, and let them change accounts
        shown = f"`{email().replace('`', '')}`"
        if verified():
            st.warning(t("access.no_role", email=shown), icon=":material/block:")
        else:
            st.warning(t("access.unverified", email=shown), icon=":material/block:")
        if st.button(t("access.logout"), icon=":material/logout:", key="access.logout"):
            st.logout()
        return
    st.write(t("access.login_text"))
    if st.button(t("access.login"), type="primary", icon=":material/login:", key="access.login"):
        st.login(_provider())


def sidebar() -> None:
    """Who is working: the signed-in user (the author of every save) and Sign out; open: the name to type."""
    if not configured():
        author_box()
    else:
        st.session_state[AUTHOR] = display_name()  # with sign-in the author is who signed in, not a typed name
        st.sidebar.text_input(t("app.author"), value=display_name(), disabled=True, help=t("access.author_help"))
        address = f"`{email().replace('`', '')}`"
        st.sidebar.caption(t("access.signed_in", email=address, role=t(f"access.role.{role()}")))
        if st.sidebar.button(t("access.logout"), icon=":material/logout:", key="access.logout"):
            st.logout()
    if can("backup"):
        with st.sidebar.expander(t("access.admin"), icon=":material/admin_panel_settings:"):
            st.download_button(
                t("access.backup"), data=archive, file_name=f"journeys-{date.today():%Y-%m-%d}.zip",
                mime="application/zip", icon=":material/backup:", help=t("access.backup_help"),
                on_click="ignore", key="access.backup",
            )  # fmt: skip
    if not configured():  # the browser keeps the typed name; last, as it draws nothing
        browser.remember(author=st.session_state.get(AUTHOR) or "")


def archive() -> bytes:
    """A backup of every journey with its history and scores (store/backup.py), made when it is downloaded."""
    buffer = io.BytesIO()
    with session() as s:
        backup.backup(session=s, path=buffer)
    return buffer.getvalue()


def open_note() -> None:
    """One unobtrusive line saying that the workbench is open to everyone who reaches it."""
    if not configured():
        st.caption(t("access.open"), help=t("access.open_help"))
