"""Text from the data (names of areas, sources, files, users, categories …) inside markdown: Streamlit renders
st.markdown, st.warning / info / caption, subheaders and metric labels as markdown, so a name such as
`[重新登录](https:evil.example)` would become a link, `![t](…)` an image request."""

from __future__ import annotations

import re

# Backslash-escaped (CommonMark escapes any ASCII punctuation): links and images, emphasis, code, HTML and
# autolinks, headings, tables, strikethrough, math, Streamlit's :directives: and bare `www.` / `x.y` links.
_INLINE = re.compile(r"([\\`*_{}\[\]()<>#!|~$:.&])")
_LEADING = ("-", "+", "=")   # list items and heading underlines when a value starts a line


def md(value) -> str:
    """`value` as literal text inside markdown: on one line, nothing in it is markup."""
    text = _INLINE.sub(r"\\\1", " ".join(("" if value is None else str(value)).split()))
    return "\\" + text if text.startswith(_LEADING) else text
