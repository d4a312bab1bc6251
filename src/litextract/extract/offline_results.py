"""Result records: headline numbers from results tables and from abstract/conclusion sentences.

Tables: the rows of the proposed model and the strongest baseline, every column whose header names a metric
(a per-class column without a metric is skipped; an "Average" column takes the caption's metric). Ablation,
hyper-parameter and dataset tables are skipped by their captions. Sentences: "an accuracy of 98.5%",
"Dice of 0.85", "DSC for WT, TC and ET reached 93.7%, 93.2% and 88.9%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from litextract.document import Document, Table
from litextract.extract.offline_text import Sentence, model_name, record, window
from litextract.records import Result
from litextract.text import clean, to_float
from litextract.vocab import Entry, Vocabulary

_SKIP_TABLE = re.compile(
    r"ablation|effect of|effects of|impact of|influence of|hyper-?parameter|parameters? (?:used|setting)|"
    r"configuration|setting|notation|symbol|number of (?:images|cases|samples|patients)|distribution|"
    r"characteristics|specification|details of (?:the )?data|confusion matrix|augmentation|training history|"
    r"per-epoch|inference time|flops|complexity|chronology|comparison of (?:model )?parameters|"
    r"in the literature|reported in|related (?:work|studies)|previous (?:work|studies)|literature review",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?![\w.]*\d)")
_CELL_NUMBER = re.compile(r"^[(\[]?([-−]?\d+(?:\.\d+)?)\s*(%?)")
_AVERAGE = re.compile(r"^\W*(?:average|avg\.?|mean|overall|all)\W*$", re.I)
_LOWER_BETTER = re.compile(r"↓|lower is better")
_SPLIT_WORDS = [
    ("cross-validation", re.compile(r"cross[- ]validation|\d+-fold", re.I)),
    ("validation", re.compile(r"validation (?:set|data|phase|split)", re.I)),
    ("test", re.compile(r"\btest(?:ing)? (?:set|data|phase|split|dataset)", re.I)),
    ("external", re.compile(r"external (?:validation|test|cohort|dataset)", re.I)),
]


@dataclass
class Context:
    """What the result rules need to know about the paper."""

    doc: Document
    vocab: Vocabulary
    proposed: list[str]
    datasets: list[str]  # canonical names of the paper's datasets
    source: str

    @property
    def single_dataset(self) -> str | None:
        return self.datasets[0] if len(self.datasets) == 1 else None


def split_of(text: str) -> str | None:
    for split, rx in _SPLIT_WORDS:
        if rx.search(text):
            return split
    return None


def _metric(text: str, vocab: Vocabulary) -> Entry | None:
    found = vocab.finder("metric").find(text)
    return found[-1].entry if found else None


def _value(number: str, entry: Entry, percent: bool) -> float:
    value = to_float(number)
    if entry.attrs.get("kind") == "fraction" and (percent or value > 1.0):
        value = value / 100.0
    return round(value, 6)


def _dataset_in(text: str, ctx: Context) -> str | None:
    """The paper's dataset named in `text` (an MSD task also by its organ words next to "MSD"/"Decathlon")."""
    found = ctx.vocab.finder("dataset").find(text)
    for m in found:
        if m.entry.name in ctx.datasets:
            return m.entry.name
    low = text.casefold()
    for name in ctx.datasets:
        if name.casefold() in low:
            return name
    for name in ctx.datasets:
        entry = ctx.vocab.lookup("dataset", name)
        if entry and any(re.search(rf"\b{re.escape(f)}\b", low) for f in entry.attrs.get("msd_forms", ())):
            return name
    return None


def table_results(tables: list[Table], ctx: Context) -> tuple[list[Result], list[tuple[str, int, str]]]:
    """Headline results from the results tables, and the compared models' row labels (label, page, quote)."""
    results: list[Result] = []
    labels: list[tuple[str, int, str]] = []
    seen: set[tuple[str, str | None, str, str]] = set()
    kept_models: dict[str, set[str]] = {}
    for table in tables:
        caption = table.caption or ""
        if _SKIP_TABLE.search(caption) or len(table.rows) < 3:
            continue
        rows = _oriented(table.rows, ctx)
        columns = _metric_columns(rows[0], caption, ctx)
        if not columns:
            continue
        first = min(columns)
        body = [
            r
            for r in rows[1:]
            if _label(r, first)
            and not _junk_label(_label(r, first))
            and any(_CELL_NUMBER.match(r[k].strip()) for k in columns if k < len(r))
        ]
        if not body:
            continue
        row_datasets = {id(r): _row_dataset(_label(r, first), ctx) for r in body}
        by_dataset = [r for r in body if row_datasets[id(r)]]
        body = [r for r in body if not row_datasets[id(r)]]
        number, continued = _table_number(caption), bool(re.search(r"\bcont(?:inued|\.)", caption, re.I))
        if continued:  # a continuation adds metrics for the models its table already gave, no new rows
            body = [r for r in body if model_name(_label(r, first)) in kept_models.get(number, set())]
        proposed = by_dataset + [r for r in body if _is_proposed(_label(r, first), ctx.proposed)]
        others = [r for r in body if r not in proposed]
        keep: list[tuple[list[str], dict[int, tuple[Entry, bool, str]]]] = [(r, columns) for r in proposed]
        for group in _dataset_groups(columns, ctx):  # the strongest baseline on each dataset of the table
            ranked = _ranked(others, group)
            if proposed or ctx.proposed:
                keep += [(r, group) for r in ranked[:1]]
            else:  # the authors' own runs: a small table is all headline, a large one its two best rows
                keep += [(r, group) for r in (others if len(others) <= 6 else ranked[:2])]
        page = ctx.doc.page(table.page)
        page_text = page.text if page else ""
        split = split_of(caption)
        caption_dataset = _dataset_in(caption, ctx)
        for row in others:
            labels.append((_label(row, first), table.page, _row_quote(row, page_text, _label(row, first))))
        for row, group in keep:
            label = model_name(_label(row, first))
            kept_models.setdefault(number, set()).add(label)
            row_dataset = row_datasets.get(id(row))
            if row_dataset:  # a row per dataset: the proposed model's results on each
                label = ctx.proposed[0] if ctx.proposed else "proposed method"
            for k, (entry, percent, header) in group.items():
                cell = row[k] if k < len(row) else ""
                m = _CELL_NUMBER.match(cell.strip())
                if not m:
                    continue
                dataset = row_dataset or _dataset_in(header, ctx) or caption_dataset or ctx.single_dataset
                once = (
                    label,
                    dataset,
                    _table_number(caption),
                    re.sub(r"(?i)\b(?:mean|average|avg)\b\W*", "", header),
                )
                if once in seen and continued:
                    continue  # "Mean IoU" after "IoU" in a table's continuation: the first one stands
                seen.add(once)
                quote = _row_quote(row, page_text, _label(row, first), m.group(1))
                found = record(
                    Result,
                    model=label,
                    dataset=dataset,
                    metric=entry.name,
                    value=_value(m.group(1), entry, percent or bool(m.group(2))),
                    as_printed=m.group(1) + m.group(2),
                    split=split,
                    evidence={"page": table.page, "quote": quote, "source": ctx.source},
                )
                if found:
                    results.append(found)
    return results, labels


def _table_number(caption: str) -> str:
    m = re.match(r"\s*(?:Table|TABLE)\s+(\w+)", caption)
    return m.group(1) if m else caption


def _oriented(rows: list[list[str]], ctx: Context) -> list[list[str]]:
    """The table with models as rows: a table whose first column lists metrics (and header none) is transposed."""
    header_metrics = sum(bool(_metric(c, ctx.vocab)) for c in rows[0][1:])
    row_metrics = sum(bool(r and _metric(r[0], ctx.vocab)) for r in rows[1:])
    if header_metrics or row_metrics < 2:
        return rows
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    return [list(col) for col in zip(*padded, strict=True)]


def _metric_columns(header: list[str], caption: str, ctx: Context) -> dict[int, tuple[Entry, bool, str]]:
    """Column index → (metric, printed as percent, header text) for the columns holding a metric.

    A header without metric names takes the caption's metric for an "Average" column, or for columns named
    after datasets ("Segmentation results (IOU) … PhC-U373 | DIC-HeLa").
    """
    out: dict[int, tuple[Entry, bool, str]] = {}
    for k, text in enumerate(header[1:], start=1):
        entry = _metric(text, ctx.vocab)
        if entry:
            out[k] = (entry, _percent(text) or (_percent(caption) and not any(_percent(h) for h in header)), text)
    if out:
        return _averages_only(out, caption, ctx)
    entry = _metric(caption, ctx.vocab)
    if not entry and re.search(r"segmentation", caption, re.I):
        entry = ctx.vocab.lookup("metric", "dice")  # the default segmentation metric when none is named
    if not entry:
        return out
    averages = [k for k, text in enumerate(header) if k and _AVERAGE.match(text)]
    datasets = [k for k, text in enumerate(header) if k and ctx.vocab.finder("dataset").find(text)]
    for k in averages if len(averages) == 1 else datasets:
        out[k] = (entry, _percent(caption), header[k])
    return out


def _percent(text: str) -> bool:
    """The text says values are percentages ("DSC (%)"), not just a confidence level ("95% CI")."""
    return "%" in re.sub(r"\d+\s*%\s*(?:CI|confidence)", "", text, flags=re.I)


def _averages_only(
    columns: dict[int, tuple[Entry, bool, str]], caption: str, ctx: Context
) -> dict[int, tuple[Entry, bool, str]]:
    """Per-class columns dropped where the same metric on the same dataset has an average/"All" column."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for k, (entry, _, header) in columns.items():
        groups.setdefault((entry.name, _dataset_in(header, ctx)), []).append(k)
    keep = {}
    for ks in groups.values():
        average = [k for k in ks if re.search(r"\b(?:all|avg|average|mean|overall)\b", columns[k][2], re.I)]
        for k in average if average and len(average) < len(ks) else ks:
            keep[k] = columns[k]
    return keep


def _dataset_groups(
    columns: dict[int, tuple[Entry, bool, str]], ctx: Context
) -> list[dict[int, tuple[Entry, bool, str]]]:
    """The metric columns split by the dataset their header names (one group when none or one does)."""
    groups: dict[str | None, dict[int, tuple[Entry, bool, str]]] = {}
    for k, column in columns.items():
        groups.setdefault(_dataset_in(column[2], ctx), {})[k] = column
    return list(groups.values())


def _ranked(rows: list[list[str]], columns: dict[int, tuple[Entry, bool, str]]) -> list[list[str]]:
    """Rows best first: by the mean of the first metric's columns, ties broken by the other metrics."""
    first = columns[min(columns)][0]

    def lower(entry: Entry, header: str) -> bool:
        return entry.attrs.get("kind") in ("distance", "error") or bool(_LOWER_BETTER.search(header))

    def mean(row: list[str], same: bool) -> float:
        values = []
        for k, (entry, _, header) in columns.items():
            if (entry.name == first.name) != same:
                continue
            m = _CELL_NUMBER.match(row[k].strip()) if k < len(row) else None
            if m:
                v = to_float(m.group(1))
                values.append(-v if lower(entry, header) else v)
        return sum(values) / len(values) if values else float("-inf")

    return sorted(rows, key=lambda r: (mean(r, True), mean(r, False)), reverse=True)


_JUNK_LABEL = re.compile(
    r"^(?:average|mean|avg\.?|total|overall|values?|std|sd|p-?values?|improvement|gain|difference)\b|"
    r"\d+\.\d+%?$|\be\.g\.|\bi\.e\.",
    re.I,
)


def _junk_label(label: str) -> bool:
    """A row label that names no model: a summary row, a cell run together with numbers, a phrase of prose."""
    return (
        bool(_JUNK_LABEL.search(label))
        or label.count("(") != label.count(")")
        or (label[:1].islower() and len(label.split()) >= 3)
    )


def _row_dataset(label: str, ctx: Context) -> str | None:
    """The dataset a row stands for, when its label is a dataset's name rather than a model's."""
    found = ctx.vocab.finder("dataset").find(label)
    if found and len(found[0].text) >= 0.6 * len(label.strip()):
        return found[0].entry.name
    return None


def _label(row: list[str], first_metric: int) -> str:
    """The row's model label: the last text cell before the metric columns."""
    for cell in reversed(row[:first_metric]):
        if cell and not _CELL_NUMBER.match(cell):
            return cell
    return row[0] if row and not _CELL_NUMBER.match(row[0]) else ""


def _is_proposed(label: str, proposed: list[str]) -> bool:
    low = label.casefold()
    return bool(re.search(r"\bours\b|\bproposed\b", low)) or any(
        re.sub(r"\W", "", p.casefold()) == re.sub(r"\W", "", re.sub(r"\(.*?\)|\[.*?\]", "", low)) for p in proposed
    )


@lru_cache(maxsize=8)
def _flat(page_text: str) -> str:
    return clean(page_text)


def _row_quote(row: list[str], page_text: str, label: str, value: str | None = None) -> str:
    """The row as it reads in the page text, or the page-text span from its label to the value."""
    joined = clean(" ".join(c for c in row if c))
    flat = _flat(page_text)
    if joined.casefold() in flat.casefold():
        return joined
    if value:
        start = flat.find(label) if label else -1
        if start != -1:
            end = flat.find(value, start)
            if end != -1 and end - start < 300:
                return flat[start : end + len(value)]
        for line in page_text.splitlines():
            if re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", line):
                return clean(line)
    return label or joined


def sentence_results(sents: list[Sentence], ctx: Context) -> list[Result]:
    """Numbers stated with a metric in the abstract and in the conclusions."""
    results = []
    model = ctx.proposed[0] if ctx.proposed else "proposed method"
    finder = ctx.vocab.finder("metric")
    for i in _abstract_and_conclusion(sents):
        s = sents[i]
        mentions = [m for m in finder.find(s.text) if m.text.casefold() not in _AMBIGUOUS]
        pair = _year_pair(s.text, ctx) or (_year_pair(sents[i - 1].text, ctx) if i else None)
        for j, m in enumerate(mentions):
            stop = mentions[j + 1].start if j + 1 < len(mentions) else len(s.text)
            numbers = _numbers_after(s.text[m.end : min(stop, m.end + 120)])
            if not numbers:
                continue
            end = m.end + numbers[-1][2] + len(numbers[-1][0])
            dataset = _near_dataset(s.text, m.start, end, ctx)
            paired = pair and all(slot is not None for *_, slot in numbers)
            for number, percent, offset, slot in numbers:
                value = _value(number, m.entry, percent)
                if m.entry.attrs.get("kind") == "fraction" and not 0 < value <= 1:
                    continue
                at = m.end + offset
                found = record(
                    Result,
                    model=model,
                    dataset=pair[slot] if paired and pair and slot is not None else dataset,
                    metric=m.entry.name,
                    value=value,
                    as_printed=number + ("%" if percent else ""),
                    split=split_of(s.text),
                    evidence={"page": s.page, "quote": window(s, m.start, at + len(number)), "source": ctx.source},
                )
                if found:
                    results.append(found)
    return results


_AMBIGUOUS = {"f", "ap", "dc", "oa", "sen", "pre", "rec", "acc", "spe", "hd", "mr"}


def _near_dataset(text: str, start: int, end: int, ctx: Context) -> str | None:
    """The dataset named right after the numbers ("… 93.7% on BraTS 2021"), else before them, else the only one."""
    found = [(m.start, m.entry.name) for m in ctx.vocab.finder("dataset").find(text) if m.entry.name in ctx.datasets]
    after = [name for at, name in found if end <= at <= end + 100]
    before = [name for at, name in found if at < start]
    if after or before:
        return (after or before[-1:])[0]
    return ctx.single_dataset


def _year_pair(text: str, ctx: Context) -> tuple[str, str] | None:
    """ "BraTS 2019/2020" → the two datasets, when the paper has both."""
    m = re.search(r"([A-Za-z][\w\-]*)[\s\-]?((?:19|20)\d\d)\s*/\s*((?:19|20)?\d\d)\b", text)
    if not m:
        return None
    second = m.group(3) if len(m.group(3)) == 4 else m.group(2)[:2] + m.group(3)
    names = [ctx.vocab.canonical("dataset", f"{m.group(1)} {year}") for year in (m.group(2), second)]
    if all(n in ctx.datasets for n in names):
        return names[0] or "", names[1] or ""
    return None


def _numbers_after(tail: str) -> list[tuple[str, bool, int, int | None]]:
    """The number (or list of numbers) right after a metric name: "of 98.5%", "reached 93.7%, 93.2% and 88.9%".

    Each is (number, printed with %, offset in `tail`, place in an "a/b" pair or None).
    """
    lead = re.match(
        r"^\s*\)?\s*(?:\([^)]{1,20}\)\s*)?(?:scores?\s+|coefficients?\s+|values?\s+)?"
        r"(?:(?:of|was|is|were|are|=|:|as|at|reached|reaching|achieved|achieves|attains|with|by|"
        r"for [^0-9]{0,40}?)\s+)*"
        r"(?:an?\s+|the\s+)?(?:average\s+|mean\s+|overall\s+)?(?:of\s+)?",
        tail,
    )
    pos = lead.end() if lead else 0
    out: list[tuple[str, bool, int, int | None]] = []
    slot: int | None = None
    while True:
        m = re.match(r"(\d+(?:\.\d+)?)\s*(%?)", tail[pos:])
        if not m:
            break
        out.append((m.group(1), bool(m.group(2)), pos + m.start(1), slot))
        pos += m.end()
        sep = re.match(
            r"\s*(?:±\s*\d+(?:\.\d+)?%?\s*)?(?:\([^)]{0,30}\)\s*)?(,\s*(?:and\s+)?|/\s*|\s+and\s+)", tail[pos:]
        )
        if not sep or len(out) >= 8:
            break
        if sep.group(1).startswith("/"):
            out[-1] = (*out[-1][:3], 0 if slot is None else slot)
            slot = (slot or 0) + 1
        else:
            slot = None
        pos += sep.end()
    if any(o[3] is not None for o in out) and not all(o[3] is not None for o in out):
        out = [(n, p, at, None) for n, p, at, _ in out]
    return out


def _abstract_and_conclusion(sents: list[Sentence]) -> list[int]:
    from litextract.extract.offline_text import abstract_end

    end = abstract_end(sents)
    conclusion = next(
        (i for i in range(len(sents) - 1, end, -1) if re.search(r"\bConclusions?\b|\bCONCLUSIONS?\b", sents[i].text)),
        None,
    )
    idx = list(range(end))
    if conclusion is not None:
        idx.extend(range(conclusion, min(len(sents), conclusion + 15)))
    return idx
