"""Refund bands for charts, as pandas DataFrames. Amounts are exact integer cents (never floats).

Days matter only through the policy's clocks, so a grid evaluates one day per span between clock
thresholds and repeats it: exact, and about ten times fewer evaluations than day by day.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional

import numpy as np
import pandas as pd

from .evaluator import Facts, day_thresholds, evaluate, stages_label
from .models import Quote, Scenario
from .money import cents_int
from .schema import PolicyFile
from .versions import Basis

COMPLETION_POINTS: tuple[Decimal, ...] = tuple(Decimal(c) for c in range(101))
DEFAULT_DAYS = 60

def curve_facts(scenario: Scenario) -> Facts:
    """The scenario as a curve across completion sees it: the stage comes from completion (an explicit
    stage would flatten the curve, and stage ids differ between providers), and at 0% work has started
    only if the user said so."""
    return Facts.of(scenario)._replace(completion=Decimal(0), started=bool(scenario.work_started), stage=None)


def marked_by_the_quote(q: Quote) -> Optional[dict[str, Any]]:
    """Where the completion curve does not follow the quote, what its marker shows instead: the quote's own band,
    verdict and stage. An explicit stage is the quote's (decisions.md 'explicit stage'), while the curve places
    stages by completion (curve_facts): the marker sat on $6,300.00 beside a headline of $4,200.00 (a walkthrough)."""
    if q.stage.placed_by != "explicit":
        return None
    return {"refund_min_cents": cents_int(Decimal(q.refund_min)), "refund_max_cents": cents_int(Decimal(q.refund_max)),
            "verdict": q.verdict, "stage": q.stage.label}


def _rows(policy: PolicyFile, service_id: str, facts_list: Sequence[Facts]) -> dict[str, list[Any]]:
    lows, highs, verdicts, stages = [], [], [], []
    for facts in facts_list:
        ev = evaluate(policy, service_id, facts, detail=False)
        lows.append(cents_int(ev.low))
        highs.append(cents_int(ev.high))
        verdicts.append(ev.verdict)
        stages.append(stages_label(ev.stages))
    return {"refund_min_cents": lows, "refund_max_cents": highs, "verdict": verdicts, "stage": stages}


def completion_curve(
    scenario: Scenario, basis: Basis, provider: Optional[str] = None,
    points: Sequence[Decimal] = COMPLETION_POINTS,
) -> pd.DataFrame:
    """The band across completion 0..100 for one provider, other facts as in the scenario."""
    registry = basis.for_scenario(scenario)
    return pd.DataFrame(_completion_columns(scenario, registry, provider or scenario.provider, points))


def _completion_columns(
    scenario: Scenario, registry: Mapping[str, PolicyFile], provider: str, points: Sequence[Decimal]
) -> dict[str, list[Any]]:
    base = curve_facts(scenario)
    rows = _rows(registry[provider], scenario.service, [base.at(completion=c) for c in points])
    n = len(points)
    return {
        "provider": [provider] * n, "provider_name": [registry[provider].name] * n,
        "completion_pct": [float(c) for c in points], **rows,
    }


def days_curve(
    scenario: Scenario, basis: Basis, provider: Optional[str] = None,
    last_day: int = DEFAULT_DAYS,
) -> pd.DataFrame:
    """The band across days 0..last_day for one provider; the scenario's stage is kept."""
    registry = basis.for_scenario(scenario)
    provider = provider or scenario.provider
    facts = Facts.of(scenario)
    if provider != scenario.provider:
        facts = curve_facts(scenario).at(completion=scenario.completion_pct)
    days = range(last_day + 1)
    rows = _rows(registry[provider], scenario.service, [facts.at(days=d) for d in days])
    return pd.DataFrame(
        {"provider": provider, "provider_name": registry[provider].name, "days_since_payment": list(days), **rows}
    )


def compare_completion(scenario: Scenario, basis: Basis) -> pd.DataFrame:
    """The completion curve of every provider for the same scenario (one DataFrame, a provider column).

    Built from the columns in one go: a frame per provider and a concat cost about a third of the time."""
    registry = basis.for_scenario(scenario)
    columns: dict[str, list[Any]] = {}
    for provider in registry:
        for name, values in _completion_columns(scenario, registry, provider, COMPLETION_POINTS).items():
            columns.setdefault(name, []).extend(values)
    return pd.DataFrame(columns)


def _day_spans(thresholds: tuple[int, ...], days: int) -> tuple[list[int], np.ndarray]:
    """One representative day per span between thresholds, and each day's span index."""
    span_of_day = np.array([bisect_left(thresholds, d) for d in range(days + 1)])
    first_day: dict[int, int] = {}
    for d, span in enumerate(span_of_day.tolist()):
        first_day.setdefault(span, d)
    spans = sorted(first_day)
    index = {span: i for i, span in enumerate(spans)}
    return [first_day[s] for s in spans], np.array([index[s] for s in span_of_day.tolist()])


def grid(
    scenario: Scenario, basis: Basis, last_day: int = DEFAULT_DAYS,
    points: Sequence[Decimal] = COMPLETION_POINTS,
) -> pd.DataFrame:
    """Completion x days for every provider: one row per (provider, completion, day)."""
    registry = basis.for_scenario(scenario)
    frames = []
    completions = np.array([float(c) for c in points])
    for provider, policy in registry.items():
        base = curve_facts(scenario)
        rep_days, span_index = _day_spans(day_thresholds(policy, scenario.service), last_day)
        lows = np.empty((len(rep_days), len(points)), dtype=np.int64)
        highs = np.empty_like(lows)
        verdicts = np.empty((len(rep_days), len(points)), dtype=object)
        for i, day in enumerate(rep_days):
            at_day = base.at(days=day)
            for j, c in enumerate(points):
                ev = evaluate(policy, scenario.service, at_day.at(completion=c), detail=False)
                lows[i, j], highs[i, j], verdicts[i, j] = cents_int(ev.low), cents_int(ev.high), ev.verdict
        frames.append(
            pd.DataFrame(
                {
                    "provider": provider,
                    "provider_name": policy.name,
                    "days_since_payment": np.repeat(np.arange(last_day + 1), len(points)),
                    "completion_pct": np.tile(completions, last_day + 1),
                    "refund_min_cents": lows[span_index].ravel(),
                    "refund_max_cents": highs[span_index].ravel(),
                    "verdict": verdicts[span_index].ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def stage_boundaries(policy: PolicyFile, service_id: str) -> pd.DataFrame:
    """Where each completion-placed stage begins after 0% (a label on the axis would overlap it), for labelling
    a chart."""
    service = policy.services.get(service_id)
    rows: dict[float, list[str]] = {}
    if service is not None:
        for stage in service.stages:
            if stage.explicit_only:
                continue
            start = float(stage.completion_above if stage.completion_above is not None else stage.completion_from)
            if start > 0:
                rows.setdefault(start, []).append(stage.label)
    return pd.DataFrame({"completion_pct": list(rows), "label": [_shared_label(v) for v in rows.values()]})


def _shared_label(labels: list[str]) -> str:
    """Stages that start together ('Design (26-50%): concepts ...', '... revisions') share one label."""
    heads = {label.split(":")[0] for label in labels}
    return heads.pop() if len(heads) == 1 else " / ".join(sorted(heads))


def most_generous(grid_frame: pd.DataFrame, by: str = "refund_min_cents") -> pd.DataFrame:
    """For each (completion, day): the provider that gives the most, by the band's minimum (what a client
    can count on) or maximum (what the policy allows at most); ties are named together."""
    offered = grid_frame[grid_frame.verdict != "not_offered"]
    best = offered.groupby(["completion_pct", "days_since_payment"])[by].transform("max")
    top = offered[(offered[by] == best) & (best > 0)]
    winners = top.groupby(["completion_pct", "days_since_payment"]).provider_name.agg(lambda p: " = ".join(sorted(p)))
    cells = grid_frame[["completion_pct", "days_since_payment"]].drop_duplicates()
    frame = cells.merge(winners.rename("most_generous").reset_index(), how="left")
    frame = frame.fillna({"most_generous": NO_ONE[by]}).reset_index(drop=True)
    # What the colour shows: one provider keeps its own colour; a tie is a tie, whoever shares it.
    frame["colour"] = frame.most_generous.where(~frame.most_generous.str.contains(" = ", regex=False), TIE)
    return frame


# Where the best is $0: by the minimum, some may still refund (nothing is guaranteed); by the maximum, none can.
NO_ONE = {"refund_min_cents": "None guarantees a refund", "refund_max_cents": "No refund from any"}
TIE = "A tie"


def breakpoints(curve: pd.DataFrame, x_field: str, step: bool = False) -> pd.DataFrame:
    """The rows a chart needs to draw a band exactly: where it bends (linear) or jumps (step), plus the
    ends. Joining them with straight lines (or steps) gives back every dropped row."""
    if len(curve) <= 2:
        return curve
    keys = ["refund_min_cents", "refund_max_cents"]
    values = curve[keys].to_numpy()
    labels = curve[["verdict"]].to_numpy()
    keep = np.zeros(len(curve), dtype=bool)
    keep[0] = keep[-1] = True
    if step:
        changed = (values[1:] != values[:-1]).any(axis=1) | (labels[1:] != labels[:-1]).any(axis=1)
        keep[1:] |= changed
    else:
        x = curve[x_field].to_numpy()
        slope_in = (values[1:-1] - values[:-2]) * (x[2:, None] - x[1:-1, None])
        slope_out = (values[2:] - values[1:-1]) * (x[1:-1, None] - x[:-2, None])
        bends = (slope_in != slope_out).any(axis=1)
        relabel = (labels[1:-1] != labels[:-2]).any(axis=1) | (labels[2:] != labels[1:-1]).any(axis=1)
        keep[1:-1] = bends | relabel
    return curve[keep]
