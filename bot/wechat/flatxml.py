"""WeChat's usual message body read without an XML parser: a flat ``<xml>`` of named leaves.

Nearly every delivery is ``<xml><ToUserName><![CDATA[…]]></ToUserName>…</xml>``: one level,
each leaf either one CDATA section or plain text without markup. For a few hundred bytes
setting up expat is most of the parse: a report's body took ~11 us through ElementTree and
takes ~6 us here. :func:`read_flat` reads exactly that shape and gives up (None) on
anything else — nesting, a repeated element, attributes, entities, comments, a carriage
return (which XML turns into a newline), a character XML does not allow — so the caller's XML
parser still decides every other body, and for the shape read here both give the same values
(tests/test_flatxml.py compares them).
"""

from __future__ import annotations

import re

# One leaf: <Name>, then one CDATA section or plain text (no markup, no entity, no "]": a
# plain "]]>" is an error in XML), then </Name>. Whitespace between leaves is ignored, as
# the parser's tree ignores it.
_LEAF = re.compile(
    r"[ \t\n]*<([A-Za-z_][A-Za-z0-9_]*)>(?:<!\[CDATA\[(.*?)\]\]>|([^<&\]]*))</\1>", re.DOTALL
)
_END = re.compile(r"[ \t\n]*</xml>[ \t\n]*")
# What XML 1.0 allows in a document, less the carriage return (normalised by a parser).
_NOT_XML_CHAR = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def read_flat(text: str) -> dict[str, str | None] | None:
    """The leaves of a flat ``<xml>`` document (an empty leaf: None, as a parser's tree
    gives it), or None when ``text`` is not exactly that shape."""
    if not text.startswith("<xml>") or _NOT_XML_CHAR.search(text):
        return None
    out: dict[str, str | None] = {}
    at = 5
    leaf = _LEAF.match
    while (found := leaf(text, at)) is not None:
        name, cdata, plain = found.groups()
        if name in out:
            return None  # a repeated element becomes a list: the parser's path does that
        value = cdata if cdata is not None else plain
        if value is not None and "]]>" in value:
            return None  # the CDATA match ran past its own "]]>" (<![CDATA[a]]>b]]>): not XML
        out[name] = value or None
        at = found.end()
    if not out or _END.fullmatch(text, at) is None:
        return None
    return out
