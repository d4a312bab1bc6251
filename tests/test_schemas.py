from pathlib import Path

from litextract.schema_export import SCHEMAS, render

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def test_committed_json_schemas_match_the_records() -> None:
    for name, model in SCHEMAS.items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == render(model), f"schemas/{name} is stale: run python -m litextract.schema_export"
