"""User text is data, never markup: the one escape function for what Streamlit renders as Markdown.

Streamlit renders Markdown (with LaTeX, colour and icon directives, emoji codes and bare
URLs turned into links) in ``st.markdown``, ``st.caption``, ``st.title``, the messages
(``st.error`` …), ``st.toast``, widget labels, ``help`` texts, button and page-link
labels, and the options of radio buttons, pills and segmented controls. Anything a person
typed goes through :func:`md` before it reaches one of these. Tables, ``st.text``,
``st.code``, selectbox and multiselect options and text inputs show text as it is, and
take it unescaped.
"""

from __future__ import annotations

import re

__all__ = ["md"]

# Every ASCII punctuation character: CommonMark shows a backslash-escaped one as itself.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    r"""Return ``text`` escaped so that Streamlit's Markdown shows it exactly as typed.

    Every ASCII punctuation character gets a backslash, so that no emphasis, link,
    image, HTML, list, heading, table, formula (``$``), directive (``:red[…]``),
    icon or emoji code (``:material/home:``) and no link from a bare URL (``http://``,
    ``www.``, an e-mail address) is made of it.

    Examples
    --------
    >>> print(md("![x](http://host/x.png) *bold* $x^2$ :red[alert]"))
    \!\[x\]\(http\:\/\/host\/x\.png\) \*bold\* \$x\^2\$ \:red\[alert\]
    >>> md("Café – 3 Wünsche")
    'Café – 3 Wünsche'
    """
    return _PUNCTUATION.sub(r"\\\1", str(text))
