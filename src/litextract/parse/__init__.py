"""Parsers turn a PDF file into a Document. A new parser is a new module implementing `Parser`."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from litextract.document import Document
from litextract.settings import Settings


class ParseError(Exception):
    """A file that cannot be parsed; the message is the one-line reason shown to the user."""


class Parser(Protocol):
    name: str

    def parse(self, path: Path, data: bytes, sha256: str) -> Document:
        """Parse the PDF whose bytes are `data`; raise ParseError with a one-line reason on failure."""
        ...


def make_parser(settings: Settings) -> Parser:
    """The parser the settings ask for: PyMuPDF always, merged with GROBID when a server is configured."""
    from litextract.parse.pymupdf_parser import PyMuPDFParser

    if settings.grobid_url:
        from litextract.parse.grobid import GrobidParser

        return GrobidParser(settings)
    return PyMuPDFParser(max_pages=settings.max_pages)
