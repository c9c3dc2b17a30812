"""Cached calls into the engine, keyed by the scenario's canonical JSON, so a rerun never recomputes."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from policy import Quote, Scenario, parse_scenario, quote
from policy.curves import compare_completion, completion_curve, days_curve, grid

DAYS_SHOWN = 60


def key(s: Scenario, **ignore) -> str:
    """The scenario's canonical JSON; `ignore` resets fields a result does not depend on, so moving
    that slider hits the cache (a completion curve is the same at every completion)."""
    return json.dumps({**s.model_dump(mode="json"), **ignore}, sort_keys=True)


def curve_key(s: Scenario) -> str:
    return key(s, completion_pct=0, stage=None)


def days_key(s: Scenario) -> str:
    return key(s, days_since_payment=0)


def _scenario(scenario_json: str) -> Scenario:
    return parse_scenario(json.loads(scenario_json))


@st.cache_data(max_entries=512, show_spinner=False)
def cached_quote(scenario_json: str) -> Quote:
    return quote(_scenario(scenario_json))


@st.cache_data(max_entries=256, show_spinner=False)
def cached_completion_curve(scenario_json: str) -> pd.DataFrame:
    return completion_curve(_scenario(scenario_json))


@st.cache_data(max_entries=256, show_spinner=False)
def cached_days_curve(scenario_json: str) -> pd.DataFrame:
    return days_curve(_scenario(scenario_json), last_day=DAYS_SHOWN)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_compare(scenario_json: str) -> pd.DataFrame:
    return compare_completion(_scenario(scenario_json))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_grid(scenario_json: str) -> pd.DataFrame:
    return grid(_scenario(scenario_json), last_day=DAYS_SHOWN)
