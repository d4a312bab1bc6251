"""The embedded offline extractor: vocabulary and pattern matching over the Document, no server needed."""

from __future__ import annotations

from litextract.document import Document
from litextract.records import Evidence, Extraction, Paper


class OfflineExtractor:
    name = "offline"
    version = "0.1"

    def extract(self, doc: Document) -> Extraction:
        h = doc.header
        evidence = {}
        if h.title:
            evidence["title"] = Evidence(page=1, quote=h.title, source=self.name)
        paper = Paper(title=h.title, authors=h.authors, year=h.year, venue=h.venue, doi=h.doi, arxiv_id=h.arxiv_id,
                      evidence=evidence)
        return Extraction(paper=paper, extractor=f"{self.name}/{self.version}")
