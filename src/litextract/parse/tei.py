"""GROBID TEI → Document: header metadata, sections, tables, figure captions and references.

Follows GROBID's TEI (0.6–0.8): header in `teiHeader/fileDesc/sourceDesc/biblStruct`, abstract in
`profileDesc/abstract`, body divs with `head`, `figure` (tables as `figure[@type="table"]`) and references in
`back//listBibl/biblStruct`. Page numbers come from `coords="page,x,y,w,h;..."` attributes when GROBID was
asked for them (teiCoordinates); where a TEI carries none, the page is 0 (unknown) and the overlay on the
PyMuPDF parse (parse/overlay.py) places the item by its text.
"""

from __future__ import annotations

import re

from lxml import etree

from litextract.document import Cell, Document, Header, Section, Table
from litextract.text import arxiv_id, doi

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.:])")
_NUMERIC_CELL = re.compile(r"^[(\[]?[±+\-−–]?\d+(?:[.,]\d+)?\s*%?")
_TABLE_NUMBER = re.compile(r"^\s*(?:Table|TABLE)\s+([0-9]+[a-z]?|[IVX]+|S\d+)\b")


class TEIError(ValueError):
    """The TEI cannot be read; the message is a one-line reason."""


def text_of(el: etree._Element | None) -> str:
    """All text under `el` with whitespace collapsed ('' for None)."""
    if el is None:
        return ""
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def page_of(el: etree._Element) -> int:
    """The first page named by a `coords` attribute on `el` or below it; 0 when there is none."""
    for node in el.iter():
        coords = node.get("coords") if isinstance(node.tag, str) else None
        if coords:
            head = coords.split(",", 1)[0].strip()
            if head.isdigit():
                return int(head)
    return 0


def parse_tei(tei: bytes | str) -> etree._Element:
    """The TEI root element; raises TEIError when the text is not GROBID TEI."""
    data = tei.encode() if isinstance(tei, str) else tei
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise TEIError(f"malformed TEI: {exc}") from exc
    if root.tag != f"{{{NS['tei']}}}TEI":
        raise TEIError(f"not GROBID TEI (root element is {etree.QName(root).localname})")
    return root


def tei_to_document(tei: bytes | str, *, file: str, path: str, sha256: str) -> Document:
    """A Document from GROBID TEI alone (no page text: `pages` is empty); raises TEIError on bad input."""
    root = parse_tei(tei)
    surfaces = root.findall("tei:facsimile/tei:surface", NS)
    sections, tables, figures = _body(root)
    refs = [_reference(b) for b in root.iterfind("tei:text/tei:back//tei:listBibl/tei:biblStruct", NS)]
    n_pages = max([len(surfaces), *(page_of(el) for el in root.iterfind(".//*[@coords]"))])
    header = header_of(root)
    return Document(
        file=file,
        path=path,
        sha256=sha256,
        n_pages=n_pages,
        pages=[],
        sections=sections,
        tables=tables,
        figures=figures,
        references=[r for r in refs if r],
        header=header,
        parser="grobid",
        field_sources={k: "grobid" for k, v in header.model_dump().items() if v},
    )


def header_of(root: etree._Element) -> Header:
    """Title, authors, affiliations, venue, year, DOI, arXiv id and abstract from the TEI header."""
    bibl = root.find("tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:biblStruct", NS)
    title = text_of(root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", NS))
    authors: list[str] = []
    affiliations: list[str] = []
    venue, year, doi, arxiv = None, None, None, None
    if bibl is not None:
        title = title or text_of(bibl.find("tei:analytic/tei:title", NS))
        for author in bibl.iterfind("tei:analytic/tei:author", NS):
            name = person_name(author.find("tei:persName", NS))
            if name and name not in authors:
                authors.append(name)
            for aff in author.iterfind("tei:affiliation", NS):
                text = _affiliation(aff)
                if text and text not in affiliations:
                    affiliations.append(text)
        venue = _venue(bibl.find("tei:monogr", NS))
        year = _year(bibl.find("tei:monogr/tei:imprint/tei:date", NS))
        doi = _doi(bibl)
        arxiv = _arxiv(bibl)
    # GROBID sometimes splits one author at an accent it cannot read ('Guy Par' next to 'Guy Paré'): drop the stub
    authors = [a for a in authors if not any(b != a and b.startswith(a) for b in authors)]
    year = year or _year(root.find("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:date", NS))
    abstract = text_of(root.find("tei:teiHeader/tei:profileDesc/tei:abstract", NS))
    return Header(
        title=title or None,
        authors=authors,
        affiliations=affiliations,
        year=year,
        venue=venue,
        doi=doi,
        arxiv_id=arxiv,
        abstract=abstract or None,
    )


def person_name(pers: etree._Element | None) -> str:
    """'Forename M. Surname' from a persName: initials get their period back, role names ('Dr') are left out."""
    if pers is None:
        return ""
    forenames = [text_of(p) for p in pers.iterfind("tei:forename", NS)]
    parts = [f"{p}." if len(p) == 1 and p.isalpha() else p for p in forenames]
    parts.append(text_of(pers.find("tei:surname", NS)))
    return " ".join(p for p in parts if p) or text_of(pers)


def _affiliation(aff: etree._Element) -> str:
    parts = [text_of(o) for o in aff.iterfind("tei:orgName", NS)]
    address = aff.find("tei:address", NS)
    if address is not None:
        parts += [text_of(address.find(f"tei:{tag}", NS)) for tag in ("settlement", "country")]
    return ", ".join(p for p in parts if p)


def _venue(monogr: etree._Element | None) -> str | None:
    if monogr is None:
        return None
    for xpath in (
        "tei:title[@level='j'][@type='main']",
        "tei:title[@level='j']",
        "tei:title[@level='m']",
        "tei:meeting",
        "tei:title",
    ):
        el = monogr.find(xpath, NS)
        if el is not None:
            if el.tag.endswith("meeting"):  # a meeting's text without its address
                text = _SPACE.sub(" ", (el.text or "") + "".join(c.text or "" for c in el if "address" not in c.tag))
                text = text.strip()
            else:
                text = text_of(el)
            if text:
                return text
    return None


def _year(date: etree._Element | None) -> int | None:
    if date is None:
        return None
    match = _YEAR.search(date.get("when") or "") or _YEAR.search(text_of(date))
    return int(match.group(1)) if match else None


def _doi(bibl: etree._Element, path: str = "tei:idno") -> str | None:
    for idno in bibl.iterfind(path, NS):
        if (idno.get("type") or "").upper() == "DOI":
            found = doi(text_of(idno))
            if found:
                return found
    return None


def _arxiv(bibl: etree._Element) -> str | None:
    for idno in bibl.iterfind("tei:idno", NS):
        if (idno.get("type") or "").lower() == "arxiv":
            found = arxiv_id(text_of(idno))
            if found:
                return found
    return None


def _body(root: etree._Element) -> tuple[list[Section], list[Table], list[str]]:
    """Sections (body and back-matter divs with a heading), tables and figure captions, in reading order."""
    sections: list[Section] = []
    text_el = root.find("tei:text", NS)
    if text_el is None:
        return [], [], []
    for div in text_el.iterfind("tei:body/tei:div", NS):
        sections.append(_section(div))
    for div in text_el.iterfind("tei:back//tei:div", NS):
        if div.find("tei:head", NS) is not None and div.find("tei:listBibl", NS) is None:
            sections.append(_section(div))
    tables, figures = [], []
    for fig in text_el.iterfind(".//tei:figure", NS):
        if fig.get("type") == "table":
            tables.append(_table(fig))
        else:
            caption = _caption(fig)
            if caption:
                figures.append(caption)
    return [s for s in sections if s.heading or s.text], tables, figures


def _section(div: etree._Element) -> Section:
    head = div.find("tei:head", NS)
    heading = text_of(head)
    number = head.get("n") if head is not None else None
    if number and heading and not heading.startswith(number):
        heading = f"{number} {heading}"
    paragraphs = [text_of(p) for p in div.iterfind("tei:p", NS)]
    return Section(heading=heading, page=page_of(div), text="\n".join(p for p in paragraphs if p))


def _table(fig: etree._Element) -> Table:
    """A TEI table as grid cells: `cols` spans kept; the rows before the first row of numbers are its header."""
    cells: list[Cell] = []
    n_rows = n_cols = 0
    numeric_rows: list[int] = []
    for row in fig.iterfind("tei:table/tei:row", NS):
        col, numbers, texts = 0, 0, []
        for cell in row.iterfind("tei:cell", NS):
            span = cell.get("cols") or "1"
            width = int(span) if span.isdigit() and int(span) > 0 else 1
            text = text_of(cell)
            texts.append(text)
            if text:
                cells.append(Cell(text=text, row=n_rows, col=col, col_span=width))
                numbers += bool(_NUMERIC_CELL.match(text))
            col += width
        if any(texts):
            if numbers >= 2:
                numeric_rows.append(n_rows)
            n_cols = max(n_cols, col)
            n_rows += 1
        else:
            cells = [c for c in cells if c.row != n_rows]
    header = min(numeric_rows[0], 3) if numeric_rows else min(n_rows, 1)
    caption = _caption(fig) or None
    number = _TABLE_NUMBER.match(caption or "")
    return Table(
        page=page_of(fig), number=number.group(1) if number else None, caption=caption, cells=cells,
        n_rows=n_rows, n_cols=n_cols, header_rows=header, source="grobid",
    )


def _caption(fig: etree._Element) -> str:
    """'Table 2. Its description': the head, then the figDesc unless that already repeats the head."""
    head = _SPACE_BEFORE_PUNCT.sub(r"\1", text_of(fig.find("tei:head", NS)))
    desc = text_of(fig.find("tei:figDesc", NS))
    if not desc or not head:
        return desc or head
    squeeze = head.replace(" ", "").rstrip(".:").lower()
    return desc if desc.replace(" ", "").lower().startswith(squeeze) else f"{head} {desc}"


def _reference(bibl: etree._Element) -> str:
    """One reference as printed (GROBID's raw_reference note when present), else 'Authors (year). Title. Venue.'"""
    raw = text_of(bibl.find("tei:note[@type='raw_reference']", NS))
    if raw:
        return raw
    authors = [person_name(a.find("tei:persName", NS)) for a in bibl.iterfind(".//tei:author", NS)]
    title = text_of(bibl.find("tei:analytic/tei:title", NS)) or text_of(bibl.find("tei:monogr/tei:title", NS))
    venue = _venue(bibl.find("tei:monogr", NS)) if bibl.find("tei:analytic", NS) is not None else None
    year = _year(bibl.find(".//tei:imprint/tei:date", NS))
    doi = _doi(bibl, ".//tei:idno")
    parts = [", ".join(a for a in authors if a) + (f" ({year})" if year else ""), title, venue, doi and f"doi:{doi}"]
    return ". ".join(p.strip() for p in parts if p and p.strip())
