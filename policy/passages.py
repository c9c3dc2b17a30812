"""A policy text in the passages its clauses cite where the text numbers no sections of its own (ITMedia, Step-Into):
'¶n' the n-th paragraph, 'Bn' the n-th bullet point (explain.cite reads them so). Social Beat numbers its own."""
from __future__ import annotations

import re

from .schema import PolicyFile

_BULLET = re.compile(r"^[-•*]\s+")
PASSAGE = re.compile(r"¶\d+|B\d+")  # a section that names a passage


def passages(text: str) -> list[tuple[str, str]]:
    """Each non-empty line of the text with its label: a bullet point ('- ...') counts among the bullets, any other
    line among the paragraphs."""
    found: list[tuple[str, str]] = []
    counts = {"¶": 0, "B": 0}
    for line in text.splitlines():
        bare = line.strip()
        if not bare:
            continue
        kind = "B" if _BULLET.match(bare) else "¶"
        counts[kind] += 1
        found.append((f"{kind}{counts[kind]}", _BULLET.sub("", bare)))
    return found


def cites_passages(policy: PolicyFile) -> bool:
    """Whether the policy's clauses name passages (its text has no numbered sections of its own)."""
    return any(PASSAGE.fullmatch(c.section) for c in policy.all_clauses())


def numbered(text: str) -> str:
    """The text with each passage's label before it, as the clauses cite it: 'paragraph 4' was counted by hand (a
    walkthrough)."""
    return "\n\n".join(f"{label}  {said}" for label, said in passages(text))
