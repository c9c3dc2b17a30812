"""Load and validate policy files (TOML, one per provider). A bad file fails loudly, naming file and field."""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomli_w
from pydantic import ValidationError

from .errors import PolicyFileError, describe_all
from .schema import PolicyFile

DATA_DIR = Path(__file__).parent / "data"
TEXTS_DIR = Path(__file__).parent / "texts"


POLICY_FILE_MAX = 262_144  # characters of a policy file (the largest shipped is 39,785): bounds all the work
POLICY_TEXT_MAX = 200_000  # characters of a policy's own text (the longest shipped is 10,923)


def policy_data(text: str, name: str = "<policy>") -> dict[str, Any]:
    """A policy file's TOML as data, before the schema; PolicyFileError naming the file where it cannot be. A
    byte-order mark is ignored, as the editor that wrote it would expect; the size is bounded before parsing."""
    text = text.removeprefix("\ufeff")
    if len(text) > POLICY_FILE_MAX:
        raise PolicyFileError(f"{name}: has {len(text):,} characters; a policy file may have at most "
                              f"{POLICY_FILE_MAX:,}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(f"{name}: not valid TOML: {exc}") from None
    except RecursionError:
        raise PolicyFileError(f"{name}: its tables or arrays are nested too deeply to be a policy file") from None


def parse_policy(text: str, name: str = "<policy>") -> PolicyFile:
    """A policy from its TOML, validated by the schema; PolicyFileError naming the file and the problem."""
    raw = policy_data(text, name)
    try:
        return PolicyFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(describe_all(exc, raw)[:5])
        raise PolicyFileError(f"{name}: {problems}") from None


def load_policy(path: Path) -> PolicyFile:
    policy = parse_policy(path.read_text(encoding="utf-8"), path.name)
    if policy.id != path.stem:
        raise PolicyFileError(f"{path.name}: id {policy.id!r} must match the file name {path.stem!r}")
    return policy


def load_any(path: Path) -> PolicyFile:
    """A policy file by path, whatever its name (a version of a provider: socialbeat-2027.toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyFileError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    return parse_policy(text, path.name)


def load_directory(directory: Path) -> Mapping[str, PolicyFile]:
    policies = {p.stem: load_policy(p) for p in sorted(directory.glob("*.toml"))}
    if not policies:
        raise PolicyFileError(f"{directory}: no policy files (*.toml)")
    return MappingProxyType(policies)


@lru_cache(maxsize=1)
def shipped_policies() -> Mapping[str, PolicyFile]:
    """The shipped policy files alone, loaded once per process (the seeds of a catalog; what the app quotes
    under is a Basis: policy/versions.py)."""
    return load_directory(DATA_DIR)


def source_text(policy: PolicyFile) -> str:
    """The published policy text the file encodes (bundled copies of shared/policies)."""
    return (TEXTS_DIR / policy.source).read_text(encoding="utf-8")


def _plain(value: Any) -> Any:
    """A dumped policy's values as TOML writes them: a whole Decimal as an integer, others as their float (TOML
    has no decimal type; a percent reads back exactly through pydantic's str conversion)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def policy_toml(policy: PolicyFile) -> str:
    """A policy as a TOML file that loads back into the same policy (tested)."""
    return tomli_w.dumps(_plain(policy.model_dump(mode="python", exclude_none=True)))
