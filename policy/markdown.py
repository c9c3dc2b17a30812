"""A quote's explanation as Markdown, for the page and for the client's file alike.

Two escapes, because the two readers differ. On a page, Streamlit's Markdown also turns '$' into LaTeX,
':red[...]' into colour and a bare 'www.x.com' into a link, so text from a user or a policy file is shown with
every ASCII punctuation mark escaped (CommonMark renders an escaped mark as itself): it reads as typed, and no
link, image, colour, formula or HTML can come of it. A client's .md file is read in any Markdown viewer, or as
plain text, so there only the marks that start Markdown syntax are escaped ('$12,000.00' stays as written).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from string import punctuation

from .explain import Section, cite

FILE_SPECIALS = "\\`*_<>#|"  # brackets form a link only with a (url) after them: that bracket is escaped


# Streamlit links a URL or an address in the rendered text even when every mark of it is escaped; inside a code
# span it does not (checked in the browser), so those are shown as code. Linear in the text's length: a scheme
# is at most 40 characters and an address is looked for from a word's start only, so no start position scans
# the rest of a long unbroken word (unbounded, 40,000 characters took 3-8 s and held the server).
# A link ends at a quotation mark: in =HYPERLINK("http://x.com","Lumen") the code span took '","Lumen' too (a walkthrough).
LINKABLE = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]{0,40}://|\bmailto:|\bwww\.)[^\s\"'<>]*|(?<!\S)\S+@\S+")


OPENING, CLOSING = "([{<'\"", ".,:;!?)]}>'\""  # a sentence's marks around an address or a link


def md_escape(text: str) -> str:
    """Text from a user or a policy file, shown literally on a Streamlit page."""
    out, last = [], 0
    for m in LINKABLE.finditer(text):
        found = m.group()  # "Email billing@x.us: say..." showed the colon inside the address: the sentence's
        core = found.lstrip(OPENING).rstrip(CLOSING) or found  # marks around it stay outside its code span
        start = found.index(core)
        out.append(_escape_marks(text[last:m.start()] + found[:start]))
        out.append(code_span(core) + _escape_marks(found[start + len(core):]))
        last = m.end()
    out.append(_escape_marks(text[last:]))
    return "".join(out)


def _escape_marks(text: str) -> str:
    return "".join("\\" + ch if ch in punctuation else ch for ch in text)


def code_span(text: str) -> str:
    """Text as a Markdown code span, whatever backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") or longest else f"{fence}{text}{fence}"


def md_file_escape(text: str) -> str:
    """Text from a user or a policy file, literal in a Markdown file a person may also read as plain text."""
    escaped = "".join("\\" + ch if ch in FILE_SPECIALS else ch for ch in text)
    return escaped.replace("](", "]\\(")  # "[Your Project Name]" stays as written; "[x](http://y)" is no link


def sections_markdown(sections: list[Section], heading: str = "##", escape: Callable[[str], str] = md_escape) -> str:
    """Each section under its heading: clauses as quotations with their section, sentences as a list."""
    e = escape
    blocks = []
    for s in sections:
        parts = [f"{heading} {e(s.title)}"]
        for c in s.clauses:
            parts.append(f"> {e(c.quote)}\n>\n> — {e(cite(c.section))}")
        if s.items:
            parts.append("\n".join(f"- {e(item)}" for item in s.items))
        blocks.append("\n\n".join(parts))
    return "\n\n".join(blocks)
