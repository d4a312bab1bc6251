"""Dataset records: known datasets found through the vocabulary, and private cohorts a paper describes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from litextract.document import Table
from litextract.extract.offline_text import Sentence, window
from litextract.records import Dataset, DatasetSize, Evidence
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
    r"train\w*|test\w*|conduct\w*|adopt\w*|employ\w*|validat\w*)|\b(experiments?|evaluated|trained|tested)"
    r" (?:\w+ ){0,3}on\b",
    re.I,
)
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
_LITERATURE = re.compile(r"literature|reported in|related (?:work|studies)|previous (?:work|studies)", re.I)
# words _PRIVATE and _COLLECTED need, looked for first: a substring test is ~20x cheaper than either regex
_COLLECTED_WORDS = ("collected", "gathered", "acquired", "compiled", "assembled")
_PRIVATE_WORDS = ("private", "in-house", "proprietary", "institutional", "local", "retrospective")
_INSTITUTION = re.compile(
    r"\b(?:from|at)\s+(?:the\s+)?((?:[A-Z][\w'\-]*\s+){0,5}(?:Hospital|Medical Center|Medical Centre|"
    r"Clinic|University|Institute|Cancer Center)(?:\s+of\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)?)"
)
_YEAR_SIBLING = re.compile(r"^\s*/\s*((?:19|20)?\d{2})\b")


def find_datasets(
    sents: list[Sentence], tables: list[Table], vocab: Vocabulary, modality_hint: str | None, source: str
) -> list[Dataset]:
    """Datasets the paper uses: vocabulary names mentioned twice, or once in a table, caption or usage sentence."""
    finder = vocab.finder("dataset")
    hits: dict[str, list[tuple[Sentence, Mention]]] = defaultdict(list)
    entries: dict[str, Entry] = {}
    used = [s for s in sents if not s.related]  # not datasets others used, named in the related-work section
    for s, found in zip(used, finder.find_each([s.text for s in used]), strict=True):
        for m in found:
            for entry in _resolve(m, s.text, vocab):
                hits[entry.name].append((s, m))
                entries[entry.name] = entry
    in_tables = Counter(
        e.name
        for t in tables
        if not _LITERATURE.search(t.caption or "")
        for cell in [t.caption or "", *t.rows[0]]
        for m in finder.find(cell)
        for e in _resolve(m, cell, vocab)
    )
    kept = [
        name
        for name, found in hits.items()
        if len(found) >= 2 or in_tables[name] or any(_USE.search(s.text) for s, _ in found)
    ]
    kept = [n for n in kept if not any(o != n and (o.startswith(n + " ") or o.startswith(n + "-")) for o in kept)]
    if any(entries[n].attrs.get("msd_task") for n in kept):
        kept = [n for n in kept if n != "Medical Segmentation Decathlon"]
    records = [_record(entries[name], hits[name], source) for name in kept]
    records.extend(_private(sents, modality_hint, vocab, source))
    return records


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


def _record(entry: Entry, found: list[tuple[Sentence, Mention]], source: str) -> Dataset:
    def score(item: tuple[Sentence, Mention]) -> int:
        s = item[0]
        return 2 * bool(_SIZE.search(s.text)) + bool(_DATASET_WORDS.search(s.text)) + bool(_USE.search(s.text))

    s, m = max(found, key=score)
    size = _size(s.text)
    mention = Counter(m.text for _, m in found).most_common(1)[0][0]
    return Dataset(
        name=entry.name,
        mention=mention,
        modality=entry.attrs.get("modality"),
        body_part=entry.attrs.get("body_part"),
        size=size,
        tasks=list(entry.attrs.get("tasks", [])),
        public=entry.attrs.get("public"),
        url=entry.attrs.get("url"),
        evidence=Evidence(page=s.page, quote=window(s, m.start, m.end), source=source),
    )


def _size(text: str) -> DatasetSize:
    size = DatasetSize()
    stated = []
    for m in _SIZE.finditer(text):
        field = _SIZE_FIELD[m.group(2).casefold()]
        value = int(m.group(1).replace(",", ""))
        if value < 2 or (1900 <= value <= 2100 and "," not in m.group(1)):
            continue
        if getattr(size, field) is None:
            setattr(size, field, value)
        stated.append(m.group(0))
    if stated:
        size.text = "; ".join(stated)
    return size


def _private(sents: list[Sentence], modality_hint: str | None, vocab: Vocabulary, source: str) -> list[Dataset]:
    """Unnamed cohorts the paper describes ("a private dataset of 120 patients from X Hospital", "a dataset of
    labeled X-ray images was collected"), named as the paper writes them."""
    out: dict[str, Dataset] = {}
    modalities = vocab.finder("modality")
    for s in sents:
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
        key = name.casefold()
        if key in out:
            continue
        found = modalities.find(s.text)
        out[key] = Dataset(
            name=name,
            mention=name,
            modality=found[0].entry.name if found else modality_hint,
            size=_size(s.text),
            public=False,
            evidence=Evidence(page=s.page, quote=window(s, m.start(), m.end()), source=source),
        )
    return list(out.values())[:3]
