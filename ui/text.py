"""User text is data, never markup: the one escape function for what Streamlit renders as Markdown.

Streamlit renders Markdown (with LaTeX, colour and icon directives, emoji codes, and links
made of bare URLs) in ``st.markdown``, ``st.caption``, ``st.title``, the messages
(``st.error`` …), ``st.toast``, ``st.metric``, widget labels, ``help`` texts, button and
page-link labels, and the options of radio buttons, pills and segmented controls.
Anything a person typed goes through :func:`md` before it reaches one of these. Tables,
charts, ``st.text``, ``st.code``, the options of select boxes and multiselects and the
values of text inputs show text as it is, and take it unescaped.
"""

from __future__ import annotations

import re

__all__ = ["md"]

# Every ASCII punctuation character: CommonMark shows a backslash-escaped one as itself.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Where a link would still be made of a bare URL or e-mail address after the escaping: GitHub's
# autolinks are found in the text once it is parsed, when the backslashes are gone.
_AUTOLINK = re.compile(r"(?i)(?=\\:\\/\\/)|(?<=www)(?=\\\.)|(?=\\@)")
WORD_JOINER = "\u2060"  # invisible, and neither a letter nor a space: no autolink starts or runs across it


def md(text: object) -> str:
    r"""Return ``text`` escaped so that Streamlit's Markdown shows it exactly as typed.

    Every ASCII punctuation character gets a backslash, so that no emphasis, link,
    image, HTML, list, heading, table, formula (``$``), directive (``:red[…]``), icon
    or emoji code (``:material/home:``) is made of it; and an invisible word joiner
    (U+2060) goes before the ``://`` of a URL, after a ``www`` and before an ``@``, so
    that no link is made of a bare URL or e-mail address either.

    Examples
    --------
    >>> print(md("![x](y.png) *bold* $x^2$ :red[alert]"))
    \!\[x\]\(y\.png\) \*bold\* \$x\^2\$ \:red\[alert\]
    >>> print(md("http://x.org www.x.org a@x.org").replace(WORD_JOINER, "⁀"))
    http⁀\:\/\/x\.org www⁀\.x\.org a⁀\@x\.org
    >>> md("Café – 3 Wünsche")
    'Café – 3 Wünsche'
    """
    return _AUTOLINK.sub(WORD_JOINER, _PUNCTUATION.sub(r"\\\1", str(text)))
