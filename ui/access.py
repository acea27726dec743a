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
from collections.abc import Mapping
from datetime import date

import streamlit as st

from store import backup
from ui.deps import AUTHOR, author_box, session, t

ROLES = ("viewer", "editor", "admin")  # each may do what the one before may, and more
NEEDS = {  # action -> the least role that may do it
    "review": "viewer",
    "export": "viewer",
    "edit": "editor",  # create, duplicate, rename, import, the editor's Save
    "score": "editor",
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


def configured() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in the secrets)."""
    return bool(_section("auth"))


def email() -> str:
    return str(st.user.get("email") or "").strip().lower()


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
    """The user's role; ``admin`` on an open workbench; None when not signed in or not let in."""
    if not configured():
        return "admin"
    if not st.user.get("is_logged_in"):
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


def login_page() -> None:
    """The only page for a user who is not (or not yet) let in: sign in, or sign out of an account without a role."""
    st.title(t("access.login_title"), anchor=False)
    if st.user.get("is_logged_in"):  # signed in, but no role: say who, and let them change accounts
        st.warning(t("access.no_role", email=f"`{email().replace('`', '')}`"), icon=":material/block:")
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
