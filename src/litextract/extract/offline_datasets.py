"""Dataset records: every dataset a paper names, linked to the vocabulary when it is an entry, with its role.

Names come from the vocabulary's finder (canonical names and aliases), from their form in the text
(`offline_dataset_names`: "the X dataset", defined acronyms, lists of datasets, dataset URLs), from the caption,
header and stub of tables, and from descriptions of private cohorts. A name the vocabulary lacks is kept as the
paper writes it with `in_vocabulary = false`.

A dataset is **used** when the paper works with it: a sentence says so ("we train on X", "X was used"), it is in a
table (caption, header or row label) that is not a table of the literature, or it is named in the paper's data,
method or experiment sections (twice, or once with a dataset word or a size). Named only in the introduction,
related work or discussion, in sentences about other papers ("[12] trained on X", "They used X"), or as the
data a model was pre-trained on, it is **mentioned**.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from litextract.document import Table
from litextract.extract.offline_dataset_names import (
    OpenName,
    acronym_definitions,
    is_repository,
    open_names,
    proper,
    weak,
)
from litextract.extract.offline_text import (
    FIRST_PERSON,
    OTHERS_START,
    Sentence,
    about_others,
    clean,
    record,
    reference_title,
    tabular,
    window,
)
from litextract.records import Dataset, DatasetRole, DatasetSize
from litextract.text import key, words
from litextract.vocab import Entry, Mention, Vocabulary

_SIZE = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:[\w\-]+\s+){0,3}?"
    r"(patients|subjects|participants|cases|scans|volumes|slices|images|radiographs|X-rays|photographs|samples)\b",
    re.I,
)
_SIZE_FIELD = {
    "patients": "patients",
    "subjects": "patients",
    "participants": "patients",
    "cases": "patients",
    "scans": "scans",
    "volumes": "scans",
    "slices": "slices",
    "images": "images",
    "radiographs": "images",
    "x-rays": "images",
    "photographs": "images",
    "samples": "images",
}
_DATASET_WORDS = re.compile(r"\b(dataset|data set|database|challenge|benchmark|cohort|collection)s?\b", re.I)
_USE = re.compile(
    r"\b(we|our|this study|this work|this paper)\b.{0,80}\b(use|used|using|evaluat\w*|experiment\w*|"
    r"train\w*|test\w*|conduct\w*|adopt\w*|employ\w*|validat\w*|introduc\w*|present\w*|releas\w*|"
    r"construct\w*|buil[dt]\w*|curat\w*|collect\w*|apply|applied)\b|\b(experiments?|evaluated|trained|tested)"
    r" (?:\w+ ){0,3}on\b|\b(?:is|are|was|were|been) (?:\w+ )?(?:used|utili[sz]ed|employed|adopted|chosen|selected|"
    r"obtained|collected|downloaded|taken|acquired|gathered)\b",
    re.I,
)
_PRETRAINED = re.compile(r"pre-?train\w*|initiali[sz]\w*|transfer(?:red)? learning|weights", re.I)
# the mention names where other data came from ("X is based on the LIDC-IDRI", "available from the Y collection")
_SOURCE = re.compile(
    r"(?:based on|derived from|generated from|built (?:up )?(?:on|from)|originat\w* from|sourced from|adapted from|"
    r"available (?:from|at|on)|hosted (?:by|on|at)|subset of|part of)\s+(?:the\s+|a\s+|an\s+)?[^.;]{0,20}$",
    re.I,
)
_LITERATURE = re.compile(r"literature|reported in|related (?:work|studies)|previous (?:work|studies)", re.I)
_PRIVATE = re.compile(
    r"\b(?:(?:a|an|our|the)\s+)?((?:private|in-house|proprietary|institutional|local|retrospective)\s+"
    r"(?:[\w\-]+\s+){0,3}?(?:dataset|data set|cohort|database))"
    r"(?:\s+(?:of|from|with|comprising|containing|consisting of|including)\s+([^.;]{3,80}?))?"
    r"(?=[.;,]|\s+(?:was|were|is|which))",
    re.I,
)
_COLLECTED = re.compile(
    r"\b((?:dataset|data set|database|collection)\s+of\s+(?:\d[\d,]*\s+)?(?:[\w\-]+\s+){0,4}?"
    r"(?:images|pictures|scans|radiographs|slides|photographs|volumes))\b[^.]{0,80}?"
    r"\b(?:is|was|were|are|has been|have been)\s+(?:\w+\s+)?(?:collected|gathered|acquired|compiled|assembled)",
    re.I,
)
# a dataset the paper describes rather than names, cited to where it comes from: "knee joints dataset is used [74]"
_CITED_DATASET = re.compile(
    r"\b((?:[a-z][\w\-]*\s+){1,4}(?:dataset|data set|database))\b[^.\[]{0,60}?\[(\d{1,3})\]", re.I
)
# words _PRIVATE and _COLLECTED need, looked for first: a substring test is ~20x cheaper than either regex
_COLLECTED_WORDS = ("collected", "gathered", "acquired", "compiled", "assembled")
_PRIVATE_WORDS = ("private", "in-house", "proprietary", "institutional", "local", "retrospective")
_INSTITUTION = re.compile(
    r"\b(?:from|at)\s+(?:the\s+)?((?:[A-Z][\w'\-]*\s+){0,5}(?:Hospital|Medical Center|Medical Centre|"
    r"Clinic|University|Institute|Cancer Center)(?:\s+of\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)?)"
)
_URL = re.compile(r"https?\s*:\s*//\s*[\w\-.]+\.[a-z]{2,}[\w\-./%?=&#~+]*", re.I)
_TASK_WORDS = frozenset({"task", "tasks", "data", "set", "dataset", "challenge", "images", "subset"})
_LOWER_WORD = re.compile(r"\b[a-z][a-z\-]+\b")
_GENERIC_TAIL = re.compile(r"\s+(?:dataset|data set|database|challenge|benchmark)s?$", re.I)
_YEAR_SIBLING = re.compile(r"^\s*/\s*((?:19|20)?\d{2})\b")
TABLE = "table"  # the section of a table cell read as a sentence


@dataclass
class _Named:
    """One dataset the paper names: its vocabulary entry (or None), the mentions and what they say of its use."""

    name: str
    entry: Entry | None
    mentions: list[tuple[Sentence, int, int, str]] = field(default_factory=list)
    long_form: str | None = None
    url: str | None = None
    used: int = 0  # mentions in a use sentence or a table
    own: int = 0  # mentions in the paper's own sections (data, method, experiments)
    own_strong: int = 0  # ... in a sentence with a dataset word or a size

    @property
    def role(self) -> DatasetRole:
        if self.entry is None and weak(self.name):  # a name by its form alone: one word needs two mentions
            return "used" if (self.used or self.own >= 2) and len(self.mentions) >= 2 else "mentioned"
        return "used" if self.used or self.own >= 2 or self.own_strong else "mentioned"


def find_datasets(
    sents: list[Sentence],
    tables: list[Table],
    vocab: Vocabulary,
    source: str,
    references: dict[str, str] | None = None,
) -> list[Dataset]:
    """Every dataset the paper names, with its role (module docstring); the used ones first."""
    named: dict[str, _Named] = {}
    finder = vocab.finder("dataset")
    spans: dict[int, list[tuple[int, int]]] = {}  # sentence index -> vocabulary mention spans
    for i, (s, found) in enumerate(zip(sents, finder.find_each([s.text for s in sents]), strict=True)):
        for m in found:
            spans.setdefault(i, []).append((m.start, m.end))
            for entry in _resolve(m, s.text, vocab):
                _note(named, entry.name, entry, s, m.start, m.end, m.text)
    lower_words = set(_LOWER_WORD.findall(" ".join(s.text for s in sents)))
    for i, s in enumerate(sents):
        for n in open_names(s.text):
            if n.name and not n.url and (not proper(n.name, lower_words) or is_repository(n.name)):
                continue
            inside = [(a, b) for a, b in spans.get(i, []) if a < n.end and n.start < b]
            if inside:  # the vocabulary named it: keep what the form adds (a long form, a URL)
                _attach(named, s, inside[0], n)
                continue
            linked = _link(n, vocab)
            if linked is not None:
                _note(named, linked.name, linked, s, n.start, n.end, n.name or linked.name)
            elif n.name:
                _note(named, n.name, None, s, n.start, n.end, n.name, n)
    _merge_variants(named)
    _written_again(named, sents)
    _drop_other_meanings(named, sents, vocab)
    for cell, m, entry in _table_names(tables, vocab):
        _note(named, entry.name, entry, cell, m.start, m.end, m.text)
    for s, name, mention, start, end in _cited(sents, references or {}, vocab):
        cited = vocab.lookup("dataset", name)
        _note(named, cited.name if cited else name, cited, s, start, end, mention, used=True)
    _drop_parts(named)
    records = [r for item in named.values() if item.mentions and (r := _record(item, vocab, source))]
    naming = {id(x) for item in named.values() for x, _, _, _ in item.mentions}  # a described cohort that is named
    records += _private([s for s in sents if id(s) not in naming], vocab, source)
    return sorted(records, key=lambda d: d.role != "used")


def _note(
    named: dict[str, _Named],
    name: str,
    entry: Entry | None,
    s: Sentence,
    start: int,
    end: int,
    text: str,
    form: OpenName | None = None,
    used: bool = False,
) -> None:
    item = named.setdefault(name if entry else _open_key(named, name), _Named(name, entry))
    item.mentions.append((s, start, end, text))
    item.used += used
    if form is not None:
        item.long_form = item.long_form or form.long_form
        item.url = item.url or form.url
    if _pretraining(s.text, start) or _SOURCE.search(s.text[max(0, start - 60) : start]):
        return
    if entry is not None and entry.attrs.get("domain") == "natural":
        # ImageNet, COCO: used only where the paper says it works on them, not as the data of pre-trained weights
        if s.section == TABLE or (
            FIRST_PERSON.search(s.text) and _USE.search(s.text) and not _PRETRAINED.search(s.text)
        ):
            item.used += 1
        return
    if s.related or s.section == "back" or about_others(s.text):
        return
    if _USE.search(s.text) or tabular(s.text) or s.section == TABLE:
        item.used += 1
    elif entry is not None and s.foreign and s.section not in ("abstract", "intro"):
        item.used += 1  # a body in another language: a known dataset named in its own sections
    if s.own or s.section == "other":
        item.own += 1
        if _DATASET_WORDS.search(s.text) or _SIZE.search(s.text):
            item.own_strong += 1


def _merge_variants(named: dict[str, _Named]) -> None:
    """An open name that is another way of writing a vocabulary dataset the paper names is that dataset: a typo
    ("Kavsir-Instrument"), or its words in another order with task words ("2018ISIC-Task" for ISIC 2018)."""
    known = [item for item in named.values() if item.entry is not None]
    for name, item in list(named.items()):
        if item.entry is not None:
            continue
        tokens = set(words(item.name)) - _TASK_WORDS
        for other in known:
            forms = [key(f) for f in other.entry.forms] if other.entry else []
            same_words = any(tokens == set(words(f)) for f in other.entry.forms) if other.entry else False
            close = any(len(f) >= 6 and fuzz.ratio(key(item.name), f) >= 90 for f in forms)
            if same_words or close:
                other.mentions += item.mentions
                other.used, other.own, other.own_strong = (
                    other.used + item.used,
                    other.own + item.own,
                    other.own_strong + item.own_strong,
                )
                del named[name]
                break


def _written_again(named: dict[str, _Named], sents: list[Sentence]) -> None:
    """An open name found by its form once is the same name wherever else the paper writes it ("VGFR Dataset
    contains ..." then "the VGFR spectrogram detector")."""
    opened = [item for item in named.values() if item.entry is None and len(item.name) >= 3]
    if not opened:
        return
    texts = "\0".join(s.text for s in sents)
    starts = [0]
    for s in sents:
        starts.append(starts[-1] + len(s.text) + 1)
    for item in opened:
        for m in re.finditer(rf"(?<![\w-]){re.escape(item.name)}(?![\w-])", texts):
            i = bisect_right(starts, m.start()) - 1
            at = m.start() - starts[i]
            if not any(x is sents[i] and a <= at < b for x, a, b, _ in item.mentions):
                _note(named, item.name, None, sents[i], at, at + len(item.name), item.name)


def _drop_other_meanings(named: dict[str, _Named], sents: list[Sentence], vocab: Vocabulary) -> None:
    """A vocabulary acronym the paper defines as something else is not that dataset: "oral squamous cell
    carcinoma (OSCC)" is a diagnosis, not the OSCC dataset (unless the long form names the entry or a dataset)."""
    written_as = {text for item in named.values() if item.entry for _, _, _, text in item.mentions}
    defined: dict[str, str] = {}
    for s in sents:
        if "(" in s.text and any(w in s.text for w in written_as):
            for acronym, long_form in acronym_definitions(s.text).items():
                defined.setdefault(acronym, long_form)
    for name, item in list(named.items()):
        if item.entry is None:
            continue
        written = {text for _, _, _, text in item.mentions}
        long_forms = [defined[w] for w in written if w in defined]
        if (
            long_forms
            and written <= set(defined)
            and not any(_DATASET_WORDS.search(f) or vocab.lookup("dataset", f) == item.entry for f in long_forms)
        ):
            del named[name]


def _open_key(named: dict[str, _Named], name: str) -> str:
    """The key an open name is kept under: an earlier open name with the same letters and digits is the same."""
    k = key(name)
    for other, item in named.items():
        if item.entry is None and key(item.name) == k:
            return other
    return name


def _attach(named: dict[str, _Named], s: Sentence, span: tuple[int, int], n: OpenName) -> None:
    for item in named.values():
        if any(x is s and (a, b) == span for x, a, b, _ in item.mentions):
            item.long_form = item.long_form or n.long_form
            item.url = item.url or n.url
            return


def _link(n: OpenName, vocab: Vocabulary) -> Entry | None:
    """The vocabulary entry an open name is: by its name, its long form, its URL's slug, or its name without a
    footnote number glued to it ("DeepDRiD24")."""
    unglued = re.sub(r"(?<=[a-zA-Z])\d{1,2}$", "", _GENERIC_TAIL.sub("", n.name))
    for form in (n.name, n.long_form, n.name.replace("-", " ") if n.url else None, unglued):
        entry = vocab.lookup("dataset", form) if form else None
        if entry is not None:
            return entry
    return None


def _pretraining(text: str, at: int) -> bool:
    """The mention names the data a model was pre-trained on ("pre-trained on ImageNet", "ImageNet weights")."""
    return bool(_PRETRAINED.search(text[max(0, at - 40) : at + 60]))


def _table_names(tables: list[Table], vocab: Vocabulary) -> Iterator[tuple[Sentence, Mention, Entry]]:
    """Vocabulary datasets in the caption, header row or row labels of tables that are not tables of the
    literature, each with its cell as a sentence of section `TABLE` (the cells are read through one helper,
    `table_cells`, so a table grid can replace `Table.rows` there)."""
    finder = vocab.finder("dataset")
    for t in tables:
        if _LITERATURE.search(t.caption or ""):
            continue
        for text in table_cells(t):
            cell = Sentence(t.page, 0, len(text), clean(text), section=TABLE)
            for m in finder.find(cell.text):
                for entry in _resolve(m, cell.text, vocab):
                    yield cell, m, entry


def table_cells(t: Table) -> list[str]:
    """The texts of a table a dataset may be named in: its caption, its header row and its row labels."""
    rows = t.rows
    cells = [t.caption or "", *(rows[0] if rows else []), *(r[0] for r in rows[1:] if r)]
    return [c for c in dict.fromkeys(cells) if c.strip()]


def _cited(
    sents: list[Sentence], references: dict[str, str], vocab: Vocabulary
) -> Iterator[tuple[Sentence, str, str, int, int]]:
    """A dataset described and cited in a use sentence ("knee joints dataset is used [74]"): named by its
    reference's title when that title names a dataset, else as the paper describes it."""
    if not references:
        return
    for s in sents:
        if s.related or "[" not in s.text or not _USE.search(s.text) or OTHERS_START.match(s.text):
            continue
        for m in _CITED_DATASET.finditer(s.text):
            phrase = " ".join(w for w in m.group(1).split() if w.casefold() not in ("the", "a", "an"))
            title = reference_title(references.get(m.group(2), ""))
            if title and _DATASET_WORDS.search(title):
                yield s, title, phrase, m.start(1), m.end(1)


def _drop_parts(named: dict[str, _Named]) -> None:
    """A family or short name the paper also names in full is that dataset ("BraTS" beside "BraTS 2019"); the
    whole MSD beside one of its tasks is that task."""
    names = list(named)
    for n in names:
        item = named[n]
        longer = [o for o in names if o != n and (o.startswith(n + " ") or o.startswith(n + "-"))]
        if longer and any(named[o].role == "used" for o in longer):
            del named[n]
        elif item.entry is None and item.role == "mentioned" and len(item.mentions) == 1:
            del named[n]  # an unknown name said once, not as used: too weak to keep even as a mention
    if any(i.entry and i.entry.attrs.get("msd_task") for i in named.values()):
        named.pop("Medical Segmentation Decathlon", None)


def _resolve(m: Mention, text: str, vocab: Vocabulary) -> list[Entry]:
    """The entries a mention stands for: "BraTS 2019/2020" is two; "MSD" with "spleen" nearby is MSD Spleen."""
    entry = m.entry
    if entry.name == "Medical Segmentation Decathlon":
        near = text[max(0, m.start - 120) : m.end + 120].casefold()
        tasks = [e for e in vocab.entries("dataset") if any(f in near for f in e.attrs.get("msd_forms", ()))]
        return tasks or [entry]
    out = [entry]
    year = re.search(r"((?:19|20)\d{2})$", entry.name)
    sibling = _YEAR_SIBLING.match(text[m.end :])
    if year and sibling:
        other = sibling.group(1) if len(sibling.group(1)) == 4 else year.group(1)[:2] + sibling.group(1)
        found = vocab.lookup("dataset", entry.name[: year.start()] + other)
        if found:
            out.append(found)
    return out


def _record(item: _Named, vocab: Vocabulary, source: str) -> Dataset | None:
    def score(mention: tuple[Sentence, int, int, str]) -> tuple[int, int]:
        s = mention[0]
        used = not (s.related or about_others(s.text)) and bool(_USE.search(s.text) or s.own)
        facts = 2 * bool(_SIZE.search(s.text)) + bool(_DATASET_WORDS.search(s.text)) + bool(_URL.search(s.text))
        return int(used), facts

    s, start, end, _ = max(item.mentions, key=score)
    written = Counter(text for _, _, _, text in item.mentions).most_common(1)[0][0]
    entry = item.entry
    attrs = entry.attrs if entry else {}
    url = item.url or _url_near(item) or attrs.get("url")
    modality = attrs.get("modality") or (_modality(item, vocab) if entry is None else None)
    return record(
        Dataset,
        name=entry.name if entry else item.name,
        mention=written,
        modality=modality,
        body_part=attrs.get("body_part") or (_body_part(item, vocab) if entry is None else None),
        size=_size(s.text),
        tasks=list(attrs.get("tasks", [])),
        public=attrs.get("public"),
        url=url,
        role=item.role,
        in_vocabulary=entry is not None,
        evidence={"page": s.page, "quote": window(s, start, end), "source": source},
    )


def _url_near(item: _Named) -> str | None:
    """A URL in a sentence that names this dataset and no other."""
    for s, _, _, _ in item.mentions:
        m = _URL.search(s.text)
        if m:
            return re.sub(r"\s+", "", m.group(0)).rstrip(".,;)")
    return None


def _modality(item: _Named, vocab: Vocabulary) -> str | None:
    """The modality named in the sentences that name the dataset, nearest the name first."""
    finder = vocab.finder("modality")
    for s, start, _, _ in sorted(item.mentions, key=lambda m: not m[0].own):
        found = finder.find(s.text)
        if found:
            return min(found, key=lambda f: abs(f.start - start)).entry.name
    return None


def _body_part(item: _Named, vocab: Vocabulary) -> str | None:
    """A body part the vocabulary's datasets use, named in the sentences that name this dataset."""
    parts = _body_parts(vocab)
    for s, _, _, _ in item.mentions:
        words = set(re.findall(r"[a-z]+", s.text.casefold()))
        found = [p for p in parts if p in words]
        if found:
            return found[0]
    return None


@lru_cache(maxsize=4)
def _body_parts(vocab: Vocabulary) -> list[str]:
    """The body parts of the vocabulary's datasets, as single words ("abdomen (multi-organ)" -> "abdomen")."""
    counts = Counter(
        str(e.attrs["body_part"]).split("(")[0].strip().casefold()
        for e in vocab.entries("dataset")
        if e.attrs.get("body_part")
    )
    return [p for p, _ in counts.most_common() if p.isalpha()]


def _size(text: str) -> DatasetSize:
    size = DatasetSize()
    stated = []
    for m in _SIZE.finditer(text):
        field_name = _SIZE_FIELD[m.group(2).casefold()]
        value = int(m.group(1).replace(",", ""))
        if value < 2 or (1900 <= value <= 2100 and "," not in m.group(1)):
            continue
        if getattr(size, field_name) is None:
            setattr(size, field_name, value)
        stated.append(m.group(0))
    if stated:
        size.text = "; ".join(stated)
    return size


def _private(sents: list[Sentence], vocab: Vocabulary, source: str) -> list[Dataset]:
    """Unnamed cohorts the paper describes ("a private dataset of 120 patients from X Hospital", "a dataset of
    labeled X-ray images was collected"), named as the paper writes them."""
    out: dict[str, Dataset] = {}
    modalities = vocab.finder("modality")
    for s in sents:
        if s.related:
            continue
        lowered = s.text.lower()
        m = _PRIVATE.search(s.text) if any(w in lowered for w in _PRIVATE_WORDS) else None
        if m and not (_SIZE.search(s.text) or _INSTITUTION.search(s.text)):
            m = None
        if not m and any(w in s.text for w in _COLLECTED_WORDS):
            m = _COLLECTED.search(s.text)
        if not m:
            continue
        name = " ".join(m.group(1).split())
        where = _INSTITUTION.search(s.text)
        if where:
            name = f"{name} ({where.group(1).strip()})"
        if name.casefold() in out:
            continue
        found = modalities.find(s.text)
        cohort = record(
            Dataset,
            name=name,
            mention=name,
            modality=found[0].entry.name if found else None,
            size=_size(s.text),
            public=False,
            in_vocabulary=False,
            evidence={"page": s.page, "quote": window(s, m.start(), m.end()), "source": source},
        )
        if cohort:
            out[name.casefold()] = cohort
    return list(out.values())[:3]
