"""Cached calls into the engine, keyed by the scenario's canonical JSON, so a rerun never recomputes."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Optional

import pandas as pd
import streamlit as st

from policy import Quote, Scenario, parse_scenario, quote
from policy.curves import compare_completion, completion_curve, days_curve, grid
from policy.eligibility import quoting_under, stage_choices
from policy.lint import Finding, lint_against
from policy.quoting import with_policy
from policy.schema import PolicyFile
from policy.versions import Basis, Catalog
from ui.codec import DAYS_MAX
from ui.registry import basis

DAYS_SHOWN = DAYS_MAX  # the days chart spans the slider
GRID_DAYS = 60  # the heatmaps: every policy's clocks have run out by day 31


def key(s: Scenario, **ignore) -> str:
    """The scenario's canonical JSON; `ignore` resets fields a result does not depend on, so moving
    that slider hits the cache (a completion curve is the same at every completion)."""
    return json.dumps({**s.model_dump(mode="json"), **ignore}, sort_keys=True)


def curve_key(s: Scenario) -> str:
    return key(s, completion_pct=0, stage=None)


def grid_key(s: Scenario) -> str:
    """The heatmaps span completion and days: the sliders' values do not change them, but for the versions the
    days put a payment without a date under (Basis.fewest_days_alike)."""
    return key(s, completion_pct=0, days_since_payment=basis().fewest_days_alike(s), stage=None)


def days_key(s: Scenario) -> str:
    """Within the slider's span the day does not change the curve, but for the versions it puts a payment without a
    date under (Basis.fewest_days_alike); past it (a payment long ago) the curve reaches the day, so the marker
    stays on the chart."""
    days = s.days_since_payment
    return key(s, days_since_payment=basis().fewest_days_alike(s) if days <= DAYS_SHOWN else days)


_BUILDERS: dict[str, Callable[[Scenario, Basis], object]] = {
    "quote": lambda s, c: replace(quote(s, c), policy=None),  # kept without its policy: cached_quote gives it back
    "completion": completion_curve,
    "days": lambda s, c: days_curve(s, c, last_day=max(DAYS_SHOWN, s.days_since_payment)),
    "compare": compare_completion,
    "grid": lambda s, c: grid(s, c, last_day=GRID_DAYS),
    "stage_choices": lambda s, c: stage_choices(s.model_dump(), quoting_under(c), progress_known=False),
}


@st.cache_data(max_entries=1024, show_spinner=False)
def _built(kind: str, scenario_json: str, revision: str, as_of: str):
    """Keyed by everything the result depends on: the scenario, the catalog's revision and the basis's day (a
    scenario without a payment date is quoted under the versions in force on it)."""
    found = basis()  # `revision` and `as_of` are its own (a version published in between: this key is not asked again)
    return _BUILDERS[kind](parse_scenario(json.loads(scenario_json), found), found)


def _cached(kind: str, scenario_json: str):
    found = basis()
    return _built(kind, scenario_json, found.catalog.revision, found.as_of.isoformat())


def cached_quote(scenario_json: str) -> Quote:
    """The quote, holding the version it was made under (a cache copy by pickle: a whole policy in it would be
    copied on every hit)."""
    return with_policy(_cached("quote", scenario_json), basis().catalog)


def cached_stage_choices(s: Scenario) -> dict[str, str]:
    """With the progress not known, the stages the work may be in (eligibility.stage_choices): about 150 quotes,
    80 ms a key press of the form through the quote cache, 14 ms at once, and nothing on a rerun that changes none."""
    return _cached("stage_choices", key(s, completion_pct=0, stage=None))


def cached_completion_curve(scenario_json: str) -> pd.DataFrame:
    return _cached("completion", scenario_json)


def cached_days_curve(scenario_json: str) -> pd.DataFrame:
    return _cached("days", scenario_json)


def cached_compare(scenario_json: str) -> pd.DataFrame:
    return _cached("compare", scenario_json)


def cached_grid(scenario_json: str) -> pd.DataFrame:
    return _cached("grid", scenario_json)


@st.cache_data(max_entries=32, show_spinner=False)
def _findings_of(content: str, _previous: Optional[PolicyFile], _policy: PolicyFile, _text: Optional[str],
                 _others: Mapping[str, str]) -> list[Finding]:
    return lint_against(_previous, _policy, _text, _others)


def findings(previous: Optional[PolicyFile], policy: PolicyFile, text: Optional[str],
             others: Mapping[str, str]) -> list[Finding]:
    """The linter's findings of a version (against `previous`, the version in force before it, where given; its
    quotes against `text`, where given; its words against `others`, the other providers' names). A lint takes
    0.13-0.25 s, and the lab lints the edit and the version before it on every rerun: a key press in the lab waited
    for both. Keyed by the whole content of all four (about 1 ms to hash), never by a version's number: a draft
    saved again keeps its number."""
    parts = [previous.model_dump_json() if previous is not None else "-", policy.model_dump_json(),
             "-" if text is None else f"+{text}", json.dumps(sorted(others.items()))]
    return _findings_of(hashlib.sha256("\0".join(parts).encode()).hexdigest(), previous, policy, text, others)


def unlisted_findings(policy: PolicyFile, catalog: Catalog) -> list[Finding]:
    """The linter's findings of a published version that none of its ambiguities lists, against the version in
    force before it (as the lab lints an edit before publishing it): where its rules and its words disagree. Not an
    ambiguity's list naming a finding the version no longer has: that is the file's bookkeeping, not its terms (Policy
    terms showed "A-SB-04 explains 'rising-refund:website:day 25...'" to everyone, a walkthrough)."""
    before = catalog.on(policy.effective_from - timedelta(days=1)).get(policy.id) if policy.effective_from else None
    return [f for f in findings(before if before is not policy else None, policy, catalog.text_of(policy),
                                catalog.other_names(policy.id))
            if f.ambiguity is None and f.severity != "info" and f.code != "explains-unmatched"]


def version_findings(policy: PolicyFile, text: str, others: Mapping[str, str]) -> list[Finding]:
    """The findings of a version as it is (the lab lists an edit's own apart from those the version before had)."""
    return findings(None, policy, text, others)
