"""One kind of error for everything a user typed: it names the field and what is allowed."""
from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails


class InputError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PolicyFileError(ValueError):
    """A policy file that does not load; the message names the file and the field."""


def _location(loc: tuple) -> str:
    parts = [str(p) for p in loc if not str(p).startswith("function-")]
    return ".".join(parts) or "input"


def _clean(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = message.replace("Input should be a valid decimal", "must be a number, e.g. 5000 or 5000.00")
    message = message.replace("Decimal input should", "must")
    return message.replace("Input should be", "must be").replace("Input should", "must")


def _split(loc: tuple, message: str) -> tuple[str, str]:
    """A model-level check names its field as 'field: message'; lift it into the location."""
    field = _location(loc)
    if field == "input" and ": " in message:
        head, rest = message.split(": ", 1)
        if head.isidentifier():
            return head, rest
    return field, message


def _describe(err: ErrorDetails) -> InputError:
    field, message = _split(err["loc"], _clean(err["msg"]))
    if err["type"] == "extra_forbidden":
        message = "is not a known field (check the spelling)"
    elif err["type"] == "missing":
        message = "is required"
    elif err["type"] == "literal_error" and "expected" in (err.get("ctx") or {}):
        message = f"must be one of {err['ctx']['expected']}"
    return InputError(field, message)


def first_error(exc: ValidationError) -> InputError:
    """The first problem of a pydantic error, as one line: 'field: what is allowed'."""
    return _describe(exc.errors(include_url=False)[0])


def describe_all(exc: ValidationError) -> list[str]:
    return [str(_describe(e)) for e in exc.errors(include_url=False)]
