"""Extractors turn a Document into an Extraction. A new extractor is a new module implementing `Extractor`."""

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


def make_extractor(settings: Settings) -> Extractor:
    """The extractor the settings ask for: the offline extractor, combined with an LLM when one is configured."""
    from litextract.extract.offline import OfflineExtractor

    if settings.llm_model:
        from litextract.extract.combine import CombinedExtractor
        from litextract.extract.llm import LLMExtractor

        return CombinedExtractor(OfflineExtractor(), LLMExtractor(settings))
    return OfflineExtractor()
