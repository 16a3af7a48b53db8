"""The layout's rules that import-linter (`lint-imports`, in `make test`) cannot see:
every query lives in collector/store, and collector/ keeps its modules in rooms."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# SQL is built only in collector/store: these are the names that build it.
QUERY_BUILDERS = {"select", "insert", "update", "delete", "func", "text", "or_", "and_"}
MAX_TOP_LEVEL_MODULES = 8


def _sql_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            names = {alias.name for alias in node.names}
            if node.module.startswith("sqlalchemy.dialects") or names & QUERY_BUILDERS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
    return found


def test_queries_are_built_only_in_the_store() -> None:
    store = ROOT / "collector" / "store"
    offenders = [
        hit
        for path in sorted((ROOT / "collector").rglob("*.py"))
        if store not in path.parents
        for hit in _sql_imports(path)
    ]
    assert offenders == []


def test_collector_keeps_few_modules_at_its_top_level() -> None:
    modules = sorted(p.name for p in (ROOT / "collector").glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
