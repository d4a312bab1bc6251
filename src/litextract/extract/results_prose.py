"""Result records from sentences: "an accuracy of 98.5%", "Dice of 0.85", "DSC for WT, TC and ET reached 93.7%,
93.2% and 88.9%", in the abstract and the conclusions.
"""

from __future__ import annotations

import re

from litextract.extract.offline_results import Context, split_of
from litextract.extract.offline_text import Sentence, window
from litextract.records import Evidence, Result
from litextract.vocab import Entry


def _value(number: str, entry: Entry, percent: bool) -> float:
    value = float(number.replace("−", "-"))
    if entry.attrs.get("kind") == "fraction" and (percent or value > 1.0):
        value = value / 100.0
    return round(value, 6)


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
                results.append(
                    Result(
                        model=model,
                        dataset=pair[slot] if paired and pair and slot is not None else dataset,
                        metric=m.entry.name,
                        value=value,
                        as_printed=number + ("%" if percent else ""),
                        split=split_of(s.text),
                        evidence=Evidence(page=s.page, quote=window(s, m.start, at + len(number)), source=ctx.source),
                    )
                )
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
