"""One kind of error for everything a user typed: it names the field and what is allowed."""
from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Union

from pydantic import ValidationError
from pydantic_core import ErrorDetails


class InputError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PolicyFileError(ValueError):
    """A policy file that does not load; the message names the file and the field."""


NAMED_BY = ("id", "field", "flag", "method", "label")  # what names an item of a policy file's lists


def _location(loc: tuple[Union[int, str], ...], data: Any = None) -> str:
    """Where in the input: with the input's data, an item of a list is named as its file names it
    ("stages[discovery]"), else counted from 1 ("processing_times #2"), not by a 0-based index."""
    out = ""
    node = data
    for part in (p for p in loc if not str(p).startswith("function-")):
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            item = node[part]
            name = next((item[k] for k in NAMED_BY if isinstance(item, dict) and item.get(k)), None)
            out += f"[{name}]" if name is not None else f" #{part + 1}"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "input"


def _clean(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = message.replace("Input should be a valid decimal", "must be a number, e.g. 5000 or 5000.00")
    message = message.replace("Decimal input should", "must")
    return message.replace("Input should be", "must be").replace("Input should", "must")


def _split(loc: tuple[Union[int, str], ...], message: str, data: Any = None) -> tuple[str, str]:
    """A model-level check names its field as 'field: message'; lift it into the location."""
    field = _location(loc, data)
    if field == "input" and ": " in message:
        head, rest = message.split(": ", 1)
        if head.isidentifier():
            return head, rest
    return field, message


NUMBER_TYPES = ("decimal_type", "decimal_parsing", "int_type", "int_parsing", "float_type", "float_parsing")
BOUND_TYPES = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
Ranges = Mapping[str, tuple[Any, Any]]  # field -> its least and most, where a message should give both
NO_RANGES: Ranges = MappingProxyType({})


def _bound(value: Any) -> str:
    """A bound as the app's other messages write it: a number with thousands separators (1,000,000,000)."""
    return f"{value:,}" if isinstance(value, (int, Decimal)) else str(value)


def _describe(err: ErrorDetails, known: Sequence[str] = (), data: Any = None, ranges: Ranges = NO_RANGES) -> InputError:
    field, message = _split(err["loc"], _clean(err["msg"]), data)
    kind = err["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, known, n=1)
        message = f"is not a known field (did you mean {close[0]}?)" if close else "is not a known field (check the spelling)"
    elif kind == "missing":
        message = "is required"
    elif kind == "literal_error" and "expected" in (err.get("ctx") or {}):
        message = f"must be one of {str(err['ctx']['expected']).replace(chr(39), '')}"
    elif kind in ("bool_type", "bool_parsing"):
        message = "must be true or false"
    elif kind in NUMBER_TYPES:
        message = "must be a number"
    elif kind in BOUND_TYPES and field in ranges:  # 'must be less than or equal to 100' left the least unsaid
        low, high = ranges[field]
        message = f"must be from {_bound(low)} to {_bound(high)}"
    return InputError(field, message)


def first_error(exc: ValidationError, known: Sequence[str] = (), ranges: Ranges = NO_RANGES) -> InputError:
    """The first problem of a pydantic error, as one line: 'field: what is allowed'. A misspelt field comes
    first: it is why a required one seems missing (`known`: the field names, for 'did you mean'; `ranges`: the
    bounds a message gives whole)."""
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    return _describe(errors[0], known, ranges=ranges)


def each_error(exc: ValidationError, known: Sequence[str] = (), ranges: Ranges = NO_RANGES) -> list[InputError]:
    """Every problem of a pydantic error, each naming its field (a batch row reports them all)."""
    return [_describe(e, known, ranges=ranges) for e in exc.errors(include_url=False)]


def describe_all(exc: ValidationError, data: Any = None) -> list[str]:
    """Every problem as 'where: what', a field not known first; `data`, the input validated, names list items as the
    file does. A list that is too short only because an item of it failed is no second problem ('tiers: Tuple should
    have at least 1 item after validation, not 0' after its one tier's error, a walkthrough)."""
    # a field not known first: a misspelt one is what leaves the field it meant "required" (a walkthrough's "provider
    # = ..." was said after five required fields, cut off before it)
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    inner = [tuple(e["loc"]) for e in errors]
    return [str(_describe(e, data=data)) for e in errors
            if not (e["type"] == "too_short" and any(len(loc) > len(e["loc"]) and loc[:len(e["loc"])] == tuple(e["loc"])
                                                     for loc in inner))]
