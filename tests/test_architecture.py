"""What the design promises: layers that import only downwards (docs/architecture.md), a pure engine, immutable
quotes and policies, no state shared between quotes."""
import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from shipped import BASIS, TODAY

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.curves import completion_curve
from policy.versions import Basis

ROOT = Path(__file__).resolve().parent.parent
SHARED_DECISIONS = ROOT.parent / "shared" / "spec" / "decisions.md"


# docs/architecture.md: each layer and what it may not import (whether at the top of a module or inside a function).
TOOLS = {"deploy", "bench", "load", "tests"}
CONTRACTS = {
    "policy": {"store", "ui", "pages", "app", "streamlit", "sqlalchemy", "alembic"} | TOOLS,
    "store": {"ui", "pages", "app", "streamlit"} | TOOLS,
    "ui": {"pages", "app"} | TOOLS,
    "pages": {"app"} | TOOLS,
    "app": {"pages"} | TOOLS,
    "deploy": {"ui", "pages", "app", "streamlit", "bench", "load", "tests"},
}
PURE_IN_UI = {"ui/codec.py": {"streamlit", "store"}}  # the URL's codec: no Streamlit, no database


def imported_roots(source: str, package: str) -> set[str]:
    """The top-level names a module imports, a relative import counted as its own package."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
    return found


def modules(layer: str) -> list[Path]:
    path = ROOT / (layer + ".py" if layer == "app" else layer)
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def breaches(layer: str, forbidden: set[str]) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}"
            for path in modules(layer)
            for name in sorted(imported_roots(path.read_text(encoding="utf-8"), layer) & forbidden)]


@pytest.mark.parametrize("layer", sorted(CONTRACTS))
def test_each_layer_imports_only_what_its_contract_allows(layer):
    assert modules(layer), f"no module found for {layer}"
    assert breaches(layer, CONTRACTS[layer]) == []


def module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def imported_names(path: Path) -> set[str]:
    """The dotted names a module imports (a relative import made absolute), with their parent packages."""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]  # a module's package, or __init__'s own
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
            module = ".".join(p for p in (base, node.module or "") if p)
            names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 2)}


def everything_imported(path: Path) -> set[str]:
    """Every name a module brings in, through the project's own modules it imports (at any depth)."""
    seen, todo, found = set(), [path], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in imported_names(current):
            found.add(name)
            where = module_file(name)
            if where is not None:
                todo.append(where)
    return found


def test_the_url_codec_is_pure():
    """ui/codec.py: no Streamlit and no database, not even through the modules it imports."""
    for name, forbidden in PURE_IN_UI.items():
        roots = {n.split(".")[0] for n in everything_imported(ROOT / name)}
        assert roots & forbidden == set()
        assert not {n for n in everything_imported(ROOT / name) if n.startswith("ui.") and n != "ui.codec"}


def test_the_transitive_check_follows_the_projects_own_modules():
    """It can fail: ui/state.py imports Streamlit, and through ui/registry.py the register."""
    roots = {n.split(".")[0] for n in everything_imported(ROOT / "ui" / "state.py")}
    assert {"streamlit", "store", "policy"} <= roots


def test_the_contract_check_sees_every_form_of_import():
    """The check above can fail: each way of writing an import is seen, at the top or inside a function."""
    source = ("import streamlit as st\nfrom store.db import x\nfrom . import y\n"
              "def f():\n    import ui.page\n    from sqlalchemy import text\n")
    assert imported_roots(source, "policy") == {"streamlit", "store", "policy", "ui", "sqlalchemy"}
    assert imported_roots(source, "policy") & CONTRACTS["policy"] == {"streamlit", "store", "ui", "sqlalchemy"}


def test_the_command_line_finds_the_register_through_the_declared_entry_point():
    """policy/ never imports store/: pyproject declares the catalog, policy.cli.installed_catalog finds it."""
    import tomllib

    from policy.cli import CATALOG_GROUP, installed_catalog
    from store import register_catalog

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][CATALOG_GROUP]
    assert declared == {"register": "store:register_catalog"}
    assert installed_catalog() is register_catalog


def test_the_policy_package_imports_without_streamlit():
    code = (
        "import importlib, pkgutil, sys, policy\n"
        "for m in pkgutil.walk_packages(policy.__path__, 'policy.'):\n"
        "    if m.name != 'policy.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'streamlit'))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_the_command_line_imports_a_commands_modules_only_when_it_runs():
    """python -m policy quote starts without the batch's worker pool, the linter, the diff or pandas."""
    code = ("import sys, policy.cli\n"
            "print(sorted(n for n in ('policy.batch', 'policy.lint', 'policy.diff', 'policy.explain', 'multiprocessing', "
            "'pandas', 'sqlalchemy', 'alembic', 'store') if n in sys.modules))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout.strip()) == (0, "[]"), r.stderr


@pytest.mark.skipif(not SHARED_DECISIONS.is_file(), reason="../shared/spec is not beside this checkout")
def test_the_decisions_copy_matches_the_shared_spec():
    assert (ROOT / "docs" / "decisions.md").read_bytes() == SHARED_DECISIONS.read_bytes()


def _quote(**fields):
    return quote(parse_scenario({"amount_paid": "1000", "completion_pct": 0, "days_since_payment": 3, **fields}, BASIS), BASIS)


def test_a_quote_and_its_parts_are_immutable():
    q = _quote(provider="socialbeat", service="website")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.stage.label = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.clauses[0].quote = "changed"  # type: ignore[misc]
    assert isinstance(q.clauses, tuple) and isinstance(q.stage.candidates, tuple)


def test_stage_labels_follow_the_provider_not_the_stage_id():
    """Stage ids repeat across providers ('completed'): a label must come from the policy that placed it."""
    ppc = parse_scenario(dict(provider="socialbeat", service="ppc", amount_paid="1000", completion_pct=100,
                              days_since_payment=3), BASIS)
    assert completion_curve(ppc, BASIS).set_index("completion_pct").loc[100.0, "stage"] == "Completed campaigns"
    website = parse_scenario(dict(provider="itmedia", service="website", amount_paid="1000", completion_pct=100,
                                  days_since_payment=3), BASIS)
    assert completion_curve(website, BASIS).set_index("completion_pct").loc[100.0, "stage"] == "Completed or delivered"


def test_a_changed_copy_of_a_policy_is_evaluated_by_its_own_rules():
    """Plans are built with the policy; a copy with other rules gets its own (no cache keyed by identity)."""
    shipped = policies()["stepinto"]
    window = shipped.model_dump()
    stages = window["services"]["ppc"]["stages"]
    stages[0]["tiers"][1]["when"]["days_max"] = 14
    longer = shipped.model_copy(update={"services": window["services"]})
    registry = Basis.of({**policies(), "stepinto": longer}.values(), TODAY)
    s = parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="900", completion_pct=0,
                            days_since_payment=10), BASIS)
    assert quote(s, registry).refund_max == "900.00"
    assert quote(s, BASIS).refund_max == "0.00"


def _bare_expressions(source: str) -> list[str]:
    """The statements Streamlit's "magic" would draw: a bare value on its own line (not a call, not a docstring)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            for i, stmt in enumerate(block if isinstance(block, list) else ()):
                if not isinstance(stmt, ast.Expr) or isinstance(stmt.value, (ast.Call, ast.Yield, ast.YieldFrom, ast.Await)):
                    continue
                docstring = i == 0 and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str) \
                    and isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef))
                if not docstring:
                    found.append(f"line {stmt.lineno}: {ast.unparse(stmt)[:60]}")
    return found


def test_magic_is_off_and_no_page_relies_on_it():
    """.streamlit/config.toml turns Streamlit's magic off (AppTest compiled every page with its rewrite on every
    run): a bare value on its own line in a page would now draw nothing, so none may be there."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["magicEnabled"] is False
    scripts = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), ROOT / "bench" / "reference_app.py"]
    assert {s.name: _bare_expressions(s.read_text()) for s in scripts} == {s.name: [] for s in scripts}
    assert _bare_expressions('"""doc"""\nimport streamlit as st\nx = 1\nx\nif x:\n    "said"\nst.write(x)\n') == [
        "line 4: x", "line 6: 'said'"]  # the check finds them
