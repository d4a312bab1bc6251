"""Extractors turn a Document into an Extraction. A new extractor is a new module implementing `Extractor`.

An extractor only reads the Document: it opens no database and orchestrates nothing. What happens to its records
next (canonical names, grounding, combining several extractors, storing) is the pipeline's (`prepare.process`).
"""

from __future__ import annotations

from typing import Protocol

from litextract.document import Document
from litextract.records import Extraction
from litextract.settings import Settings


class Extractor(Protocol):
    name: str
    version: str

    def extract(self, doc: Document) -> Extraction:
        """Records with evidence; `verified` flags are left to the grounding check."""
        ...


def make_extractors(settings: Settings) -> list[Extractor]:
    """The extractors the settings ask for: the offline extractor, and an LLM's after it when one is configured."""
    from litextract.extract.offline import OfflineExtractor

    if settings.llm_model:
        from litextract.extract.llm import LLMExtractor

        return [OfflineExtractor(), LLMExtractor(settings)]
    return [OfflineExtractor()]
