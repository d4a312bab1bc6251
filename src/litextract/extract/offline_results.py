"""Result records: headline numbers from results tables and from abstract/conclusion sentences.

Tables: the rows of the proposed model and the strongest baseline, every column whose header names a metric
(a per-class column without a metric is skipped; an "Average" column takes the caption's metric). Ablation,
hyper-parameter and dataset tables are skipped by their captions. Sentences: "an accuracy of 98.5%",
"Dice of 0.85", "DSC for WT, TC and ET reached 93.7%, 93.2% and 88.9%".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litextract.document import Document, Table
from litextract.extract.offline_text import Sentence, clean, window
from litextract.records import Evidence, Result
from litextract.vocab import Entry, Vocabulary

_SKIP_TABLE = re.compile(
    r"ablation|effect of|effects of|impact of|influence of|hyper-?parameter|parameters? (?:used|setting)|"
    r"configuration|setting|notation|symbol|number of (?:images|cases|samples|patients)|distribution|"
    r"characteristics|specification|details of (?:the )?data|confusion matrix|augmentation|training history|"
    r"per-epoch|inference time|flops|complexity|chronology|comparison of (?:model )?parameters",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?![\w.]*\d)")
_CELL_NUMBER = re.compile(r"^[(\[]?([-−]?\d+(?:\.\d+)?)\s*(%?)")
_AVERAGE = re.compile(r"^\W*(?:average|avg\.?|mean|overall|all)\W*$", re.I)
_LOWER_BETTER = re.compile(r"↓|lower is better")
_SPLIT_WORDS = [("cross-validation", re.compile(r"cross[- ]validation|\d+-fold", re.I)),
                ("validation", re.compile(r"validation (?:set|data|phase|split)", re.I)),
                ("test", re.compile(r"\btest(?:ing)? (?:set|data|phase|split|dataset)", re.I)),
                ("external", re.compile(r"external (?:validation|test|cohort|dataset)", re.I))]


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
    value = float(number.replace("−", "-"))
    if entry.attrs.get("kind") == "fraction" and (percent or value > 1.0):
        value = value / 100.0
    return round(value, 6)


def _dataset_in(text: str, ctx: Context) -> str | None:
    for m in ctx.vocab.finder("dataset").find(text):
        if m.entry.name in ctx.datasets:
            return m.entry.name
    for name in ctx.datasets:
        if name.casefold() in text.casefold():
            return name
    return None


def table_results(tables: list[Table], ctx: Context) -> tuple[list[Result], list[tuple[str, int, str]]]:
    """Headline results from the results tables, and the compared models' row labels (label, page, quote)."""
    results: list[Result] = []
    labels: list[tuple[str, int, str]] = []
    for table in tables:
        caption = table.caption or ""
        if _SKIP_TABLE.search(caption) or len(table.rows) < 3:
            continue
        columns = _metric_columns(table, ctx.vocab)
        if not columns:
            continue
        first = min(columns)
        rows = [r for r in table.rows[1:] if _label(r, first)]
        proposed = [r for r in rows if _is_proposed(_label(r, first), ctx.proposed)]
        others = [r for r in rows if r not in proposed]
        keep = list(proposed)
        if not ctx.proposed and not proposed:
            keep = rows  # a report of the authors' own runs: every row is theirs
        elif others:
            keep.append(_best(others, columns, table))
        page = ctx.doc.page(table.page)
        page_text = page.text if page else ""
        split = split_of(caption)
        caption_dataset = _dataset_in(caption, ctx)
        for row in rows:
            if row not in proposed:
                labels.append((_label(row, first), table.page, _row_quote(row, page_text, _label(row, first))))
        for row in keep:
            label = _label(row, first)
            for k, (entry, percent, header) in columns.items():
                cell = row[k] if k < len(row) else ""
                m = _CELL_NUMBER.match(cell.strip())
                if not m:
                    continue
                dataset = _dataset_in(header, ctx) or caption_dataset or ctx.single_dataset
                quote = _row_quote(row, page_text, label, m.group(1))
                results.append(Result(
                    model=label, dataset=dataset, metric=entry.name,
                    value=_value(m.group(1), entry, percent or bool(m.group(2))), as_printed=m.group(1) + m.group(2),
                    split=split, evidence=Evidence(page=table.page, quote=quote, source=ctx.source),
                ))
    return results, labels


def _metric_columns(table: Table, vocab: Vocabulary) -> dict[int, tuple[Entry, bool, str]]:
    """Column index → (metric, printed as percent, header text) for the columns holding a metric."""
    header = table.rows[0]
    caption = table.caption or ""
    out: dict[int, tuple[Entry, bool, str]] = {}
    for k, text in enumerate(header[1:], start=1):
        entry = _metric(text, vocab)
        if entry:
            out[k] = (entry, "%" in text or ("%" in caption and "%" not in "".join(header)), text)
    if not out:
        averages = [k for k, text in enumerate(header) if k and _AVERAGE.match(text)]
        entry = _metric(caption, vocab)
        if entry and len(averages) == 1:
            out[averages[0]] = (entry, "%" in caption, header[averages[0]])
    return out


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


def _best(rows: list[list[str]], columns: dict[int, tuple[Entry, bool, str]], table: Table) -> list[str]:
    k = min(columns)
    entry, _, header = columns[k]
    lower = entry.attrs.get("kind") in ("distance", "error") or bool(_LOWER_BETTER.search(header))

    def value(row: list[str]) -> float:
        m = _CELL_NUMBER.match(row[k].strip()) if k < len(row) else None
        if not m:
            return float("inf") if lower else float("-inf")
        return float(m.group(1).replace("−", "-"))

    return min(rows, key=value) if lower else max(rows, key=value)


def _row_quote(row: list[str], page_text: str, label: str, value: str | None = None) -> str:
    """The row as it reads in the page text, or the page-text span from its label to the value."""
    joined = clean(" ".join(c for c in row if c))
    flat = clean(page_text)
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


_LIST_SEP = re.compile(r"^\s*(?:%|\s)*(?:,|/|and|,\s*and|;)\s*$")


def sentence_results(sents: list[Sentence], ctx: Context) -> list[Result]:
    """Numbers stated with a metric in the abstract and in the conclusions."""
    idx = _abstract_and_conclusion(sents)
    results = []
    model = ctx.proposed[0] if ctx.proposed else "proposed method"
    finder = ctx.vocab.finder("metric")
    for i in idx:
        s = sents[i]
        mentions = finder.find(s.text)
        for j, m in enumerate(mentions):
            if m.text.casefold() in ("f", "ap", "dc", "oa", "sen", "pre", "rec", "acc", "spe"):
                continue
            stop = mentions[j + 1].start if j + 1 < len(mentions) else len(s.text)
            tail = s.text[m.end : min(stop, m.end + 120)]
            numbers = _numbers_after(tail)
            dataset = _dataset_in(s.text, ctx) or ctx.single_dataset
            for number, percent, offset in numbers:
                value = _value(number, m.entry, percent)
                if m.entry.attrs.get("kind") == "fraction" and not 0 < value <= 1:
                    continue
                at = m.end + offset
                results.append(Result(
                    model=model, dataset=dataset, metric=m.entry.name, value=value,
                    as_printed=number + ("%" if percent else ""), split=split_of(s.text),
                    evidence=Evidence(page=s.page, quote=window(s, m.start, at + len(number)), source=ctx.source),
                ))
    return results


def _numbers_after(tail: str) -> list[tuple[str, bool, int]]:
    """The number (or list of numbers) right after a metric name: "of 98.5%", "reached 93.7%, 93.2% and 88.9%"."""
    lead = re.match(r"^\s*(?:\([^)]{1,20}\)\s*)?(?:score\s+|coefficients?\s+|value\s+)?"
                    r"(?:(?:of|was|is|were|are|=|:|reached|achieved|achieves|attains|with|by|for [^0-9]{0,40}?)\s+)*"
                    r"(?:an?\s+|the\s+)?(?:average\s+|mean\s+|overall\s+)?(?:of\s+)?", tail)
    pos = lead.end() if lead else 0
    out: list[tuple[str, bool, int]] = []
    while True:
        m = re.match(r"(\d+(?:\.\d+)?)\s*(%?)", tail[pos:])
        if not m or (not out and pos > 60):
            break
        out.append((m.group(1), bool(m.group(2)), pos + m.start(1)))
        pos += m.end()
        sep = re.match(r"\s*(?:±\s*\d+(?:\.\d+)?%?\s*)?(?:\([^)]{0,30}\)\s*)?(?:,\s*(?:and\s+)?|/\s*|\s+and\s+)", tail[pos:])
        if not sep or len(out) >= 6:
            break
        pos += sep.end()
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
