"""The policies side by side: one row per term, one column per provider, 'not stated' where a policy is silent."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .schema import PolicyFile
from .spreadsheet import rows_text
from .taxonomy import TERMS

NOT_STATED = "not stated"


def cell_text(policy: PolicyFile, term: str) -> str:
    found = policy.terms.get(term)
    if found is None:
        return NOT_STATED
    quotes = " | ".join(f'[{c.section}] "{c.quote}"' for c in found.clauses)
    return f"{found.summary} {quotes}"


def column_names(registry: Mapping[str, PolicyFile]) -> dict[str, str]:
    """Each provider's column: its name, and its id beside it where two share a name (neither column is lost)."""
    names = [p.name.casefold() for p in registry.values()]
    return {pid: p.name if names.count(p.name.casefold()) == 1 else f"{p.name} ({pid})" for pid, p in registry.items()}


def terms_matrix(registry: Mapping[str, PolicyFile]) -> pd.DataFrame:
    columns = column_names(registry)
    rows = [
        {"term": label, **{columns[pid]: cell_text(p, term) for pid, p in registry.items()}}
        for term, label in TERMS.items()
    ]
    return pd.DataFrame(rows)


def terms_csv(registry: Mapping[str, PolicyFile]) -> str:
    """The matrix as a spreadsheet-safe CSV: a policy's text that starts like a formula is shown, never run."""
    matrix = terms_matrix(registry)
    return rows_text([list(matrix.columns), *matrix.astype(str).values.tolist()])


def ambiguity_table(policy: PolicyFile) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"id": a.id, "title": a.title, "kind": a.kind, "readings": " / ".join(a.readings), "adopted": a.adopted}
            for a in policy.ambiguities
        ]
    )
