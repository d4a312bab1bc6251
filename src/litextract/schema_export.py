"""The JSON Schemas in `schemas/`, generated from the pydantic records (a test fails when they drift).

Regenerate with `python -m litextract.schema_export [DIR]`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from litextract.extract.llm_response import LLMExtraction
from litextract.records import Extraction

SCHEMAS: dict[str, type[BaseModel]] = {
    "records.schema.json": Extraction,
    "llm_extraction.schema.json": LLMExtraction,  # what the LLM fills per chunk (docs/llm.md)
}


def render(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(path)
