"""The layering the code promises: extractors store nothing, and text forms have one home."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "litextract"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (at any depth of the file: lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_extractors_open_no_database_and_orchestrate_nothing() -> None:
    outside = ("litextract.store", "litextract.prepare", "litextract.ingest", "litextract.dedup")
    outside += ("litextract.reextract",)
    for path in sorted((SRC / "extract").glob("*.py")):
        reached = sorted(name for name in imports_of(path) if name.startswith(outside) or name == "duckdb")
        assert reached == [], f"extract/{path.name} imports {reached}"


def test_text_forms_are_only_in_the_text_module() -> None:
    """Unicode folding, DOI parsing and content hashing are litextract.text's (record ids and the LLM reply cache
    hash their own keys)."""
    own = {"unicodedata": {"text.py"}, "idutils": set(), "hashlib": {"text.py", "records.py", "llm_cache.py"}}
    for path in sorted(SRC.rglob("*.py")):
        for module, allowed in own.items():
            if module in imports_of(path):
                assert path.name in allowed, f"{path.relative_to(SRC)} imports {module}"
