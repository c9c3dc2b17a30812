"""A quote's explanation as Markdown, for the page and for the client's file alike.

Every text from a user or a policy file goes through md_escape: in Streamlit a '$' would start LaTeX.
"""
from __future__ import annotations

from .explain import Section

MARKDOWN_SPECIALS = "\\`*_[]<>#|$~"


def md_escape(text: str) -> str:
    """Text from a user or a policy file, safe inside Markdown."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in text)


def sections_markdown(sections: list[Section], heading: str = "##") -> str:
    """Each section under its heading: clauses as quotations with their section, sentences as a list."""
    e = md_escape
    blocks = []
    for s in sections:
        parts = [f"{heading} {e(s.title)}"]
        for c in s.clauses:
            reading = f" · read as: *{e(c.decision)}*" if c.decision else ""
            parts.append(f"> {e(c.quote)}\n>\n> — section **{e(c.section)}**{reading}")
        if s.items:
            parts.append("\n".join(f"- {e(item)}" for item in s.items))
        blocks.append("\n\n".join(parts))
    return "\n\n".join(blocks)
