"""How a count reads: "1 saved quote", "2 saved quotes", never "1 saved quote(s)"."""
from __future__ import annotations

import re
from typing import Optional


def counted(n: int, one: str, many: Optional[str] = None) -> str:
    """'1 rule', '1,250 rules'; `many` where the plural is not `one` + 's' ("sample clients change")."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def clipped(text: str, limit: int) -> str:
    """Text cut to at most `limit` characters at a word's end, "…" said where it was cut (a lint finding's quote ended
    "review your reque'", a walkthrough)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    at_word = cut.rsplit(" ", 1)[0] if " " in cut and not text[limit - 1].isspace() else cut
    return at_word.rstrip(" ,;:") + "…"


def mid_sentence(label: str) -> str:
    """A label inside a sentence: its first letter small unless the word is an abbreviation ('Website design' ->
    'website design', but 'SEO' stays 'SEO': "does not sell seo" read as a fault, a walkthrough)."""
    first = label.split(" ", 1)[0]
    return label if sum(c.isupper() for c in first) > 1 else label[:1].lower() + label[1:]


_SPEC_CITED = re.compile(r"decisions\.md '[^']*':\s*")
_SPEC_ROW = re.compile(r"decisions\.md '([^']*)'")


def decisions_cited(adopted: str) -> tuple[str, ...]:
    """The decisions.md rows an adopted reading cites ("decisions.md 'SB bands': ..." -> ('SB bands',))."""
    return tuple(_SPEC_ROW.findall(adopted))


def adopted_in_words(adopted: str) -> str:
    """An ambiguity's adopted reading without the team's reference to its own spec ("decisions.md 'SI window': ..."
    cited a file no client has, a walkthrough); authors read it as written."""
    said = _SPEC_CITED.sub("", adopted)
    return said[:1].upper() + said[1:]
