"""The policies side by side: one row per term, one column per provider, 'not stated' where a policy is silent."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

import pandas as pd

from .loader import policies as shipped_policies
from .schema import PolicyFile
from .taxonomy import TERMS

NOT_STATED = "not stated"


def cell_text(policy: PolicyFile, term: str) -> str:
    found = policy.terms.get(term)
    if found is None:
        return NOT_STATED
    quotes = " | ".join(f'[{c.section}] "{c.quote}"' for c in found.clauses)
    return f"{found.summary} {quotes}"


def terms_matrix(registry: Optional[Mapping[str, PolicyFile]] = None) -> pd.DataFrame:
    registry = registry or shipped_policies()
    rows = [
        {"term": label, **{p.name: cell_text(p, term) for p in registry.values()}}
        for term, label in TERMS.items()
    ]
    return pd.DataFrame(rows)


def ambiguity_table(policy: PolicyFile) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"id": a.id, "title": a.title, "kind": a.kind, "readings": " / ".join(a.readings), "adopted": a.adopted}
            for a in policy.ambiguities
        ]
    )
