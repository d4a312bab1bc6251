"""Content-addressed cache of LLM replies: one JSON file per (prompt version, model, chunk text, schema).

The key is the sha256 of those four, so a changed prompt version, model, chunk or response schema misses the
cache and anything else is answered from disk without a request. Only the validated reply and its token usage
are stored — never the request, its headers or the API key. Files are written atomically (temp file + rename),
so concurrent runs at worst both call the LLM once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


def schema_hash(model: type[BaseModel]) -> str:
    """sha256 of the model's JSON Schema: a changed response model invalidates cached replies."""
    return hashlib.sha256(json.dumps(model.model_json_schema(), sort_keys=True).encode()).hexdigest()


def cache_key(prompt_version: str, model: str, chunk_text: str, schema: str) -> str:
    payload = json.dumps([prompt_version, model, schema, chunk_text], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Cached(Generic[T]):
    reply: T
    prompt_tokens: int
    completion_tokens: int


class ReplyCache:
    """Validated replies on disk under `folder`, one `<key>.json` each (in 256 sub-folders)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, model: type[T]) -> Cached[T] | None:
        """The stored reply, or None when absent or unreadable (a damaged entry is a miss, not an error)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            reply = model.model_validate(data["reply"])
            return Cached(reply, int(data["prompt_tokens"]), int(data["completion_tokens"]))
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None

    def put(self, key: str, reply: BaseModel, prompt_tokens: int, completion_tokens: int) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "reply": reply.model_dump(mode="json"),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
