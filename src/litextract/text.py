"""Text forms, in one place: how litextract cleans, folds, keys and parses text wherever it compares two texts.

- `clean`: a quote as it reads, line-end hyphenation undone and whitespace collapsed;
- `fold`: what grounding compares a quote and its page in: `clean`ed Unicode NFKC, one kind of dash, case-folded;
- `key`: what names are looked up by: lower-case letters and digits only ("ResNet-50" = "resnet50");
- `words`, `numbers`: a name's word and number tokens, and its numbers without leading zeros;
- `figures`: the printed numbers of a text, digit for digit ("0.943", "1,018");
- `to_float`: a printed number as a float (a Unicode minus sign read as "-");
- `title_key`, `surname`: titles and first authors as compared across versions of one paper;
- `doi`, `arxiv_id`: identifiers as compared (resolver prefix and version dropped, lower case);
- `sha256`: the content key of a file's bytes;
- `printable`: text as printed on one line: control characters written as escapes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# a word broken at a line end ("seg-\nmentation") is joined; a hyphen before a capital or a digit is part of a name
# ("CBIS-\nDDSM", "CXR-\n2", "U-\nNet") and stays, with the line break removed
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n\s*(?=(\w))")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_TOKEN = re.compile(r"[0-9]+|[a-z]+")
_DIGITS = re.compile(r"[0-9]+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
# the DOI syntax idutils checks (https://github.com/inveniosoftware/idutils), with its resolver prefixes
_DOI = re.compile(r"(doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(10\.\d+(\.\d+)*/.+)$", re.I)
# new-style arXiv ids (YYMM.NNNNN) and old-style ones (archive/YYMMNNN), with an optional version
_ARXIV = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]+/\d{7})(?:v\d+)?", re.I)


def clean(text: str) -> str:
    """Text as quoted: hyphenation at line ends removed ("seg-\\nmentation", but "CBIS-\\nDDSM" keeps its hyphen),
    whitespace collapsed."""
    if "-" in text:
        text = _HYPHEN_BREAK.sub(_join, text)
    return " ".join(text.split())


def _join(m: re.Match[str]) -> str:
    return m.group(1) + ("-" if m.group(2).isupper() or m.group(2).isdigit() else "")


@lru_cache(maxsize=1024)  # a page is compared with every quote cited from it
def fold(text: str) -> str:
    """Text as grounding compares it: NFKC (ligatures), `clean`, minus signs and en/em dashes as "-", case-folded."""
    text = clean(unicodedata.normalize("NFKC", text))
    return text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-").casefold()


def key(text: str) -> str:
    """The form names are compared by: lower-case letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


def words(text: str) -> list[str]:
    """Lower-case word and number tokens; letters and digits are split ("resnet50" -> resnet, 50)."""
    return _TOKEN.findall(text.casefold())


def numbers(text: str) -> tuple[str, ...]:
    """The whole numbers in a text, in order, without leading zeros ("BraTS 2019" -> "2019"; "v03" -> "3")."""
    return tuple(str(int(n)) for n in _DIGITS.findall(text))


def figures(text: str) -> list[str]:
    """The numbers as printed, decimals and thousands separators included ("0.943", "1,018")."""
    return _FIGURE.findall(text)


def to_float(printed: str) -> float:
    """A printed number as a float; the Unicode minus sign (U+2212) counts as "-"."""
    return float(printed.replace("\u2212", "-"))


def title_key(title: str | None) -> str:
    """A title as compared: accents and case dropped, each run of other than a-z and 0-9 one space."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def surname(author: str | None) -> str | None:
    """The family name of 'Given Family' or 'Family, Given', as a `title_key`."""
    if not author or not author.strip():
        return None
    name = author.split(",")[0] if "," in author else author.split()[-1]
    return title_key(name) or None


def doi(text: str | None) -> str | None:
    """The DOI in `text` (a bare DOI, or with a `doi:` or doi.org resolver prefix), lower case; else None."""
    found = _DOI.match(text.strip()) if text else None
    return found.group(2).lower() if found else None


def arxiv_id(text: str | None) -> str | None:
    """The arXiv id in `text` ("arXiv:1711.05225v3" -> "1711.05225", "hep-th/9901001"), version dropped."""
    found = _ARXIV.search(text) if text else None
    return found.group(1).lower() if found else None


def sha256(data: bytes) -> str:
    """The hex sha256 of a file's bytes: what identifies a paper's file."""
    return hashlib.sha256(data).hexdigest()


def printable(text: str) -> str:
    """`text` with control and formatting characters (ESC, newline, bidi overrides) written as escapes
    (\\x1b, \\n, \\u202e), so a file name prints as the one line it is and cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
