"""Result records from sentences, in either order and with what qualifies them:

- a metric then its value(s): "an accuracy of 98.5%", "Dice of 0.85 ± 0.03", "DSC for WT, TC and ET reached
  93.7%, 93.2% and 88.9%", "(DSC: 91.77, NSD: 84.00)", "AUC of 0.84 (95% CI 0.80-0.88)";
- a value then its metric: "achieves 81.88 DSC and 20.64 HD", "94.3% accuracy", "0.84 (95% CI 0.62, 0.86) AUC";
- a list of values aligned with a list of datasets ("0.954, 0.987 and 0.906 on A, B and C, respectively").

Every sentence of the body is read except those of a related-work section. The model is the paper's own unless
the sentence names another model before the metric and nothing of the paper's own; a sentence that cites other
work for its number gives a `cited` result. The dataset is the one the sentence names next to the numbers, else
the last one named in the sentences before it, else the paper's only one. Headline results are the own model's
in the abstract and the conclusions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litextract.extract.offline_results import Context, dataset_in, efficiency, outside_names, scaled, split_of
from litextract.extract.offline_text import Sentence, abstract_end, record, window
from litextract.records import Result
from litextract.vocab import Entry, Mention

_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(r"(?<!\S)[(\[]?[-−]?\d")  # a word (whitespace-delimited) that starts as a number
_CAPTION_START = re.compile(r"^(?:Table|TABLE)\s+\w+\s*[.:|]")
_AMBIGUOUS = {"f", "ap", "dc", "oa", "sen", "pre", "rec", "acc", "spe", "hd", "mr", "ji", "jac", "asd", "tc", "et"}
_NUMBER = r"(\d+(?:\.\d+)?)\s*(%?)"
_SPREAD = re.compile(
    r"^\s*(?:(?:±|\+/-|\+-)\s*(?P<std>\d+(?:\.\d+)?)\s*%?"
    r"|\(\s*(?:(?:95|99|90)\s*%\s*(?:CI|confidence interval)[:,]?\s*)?(?P<lo>\d+(?:\.\d+)?)\s*%?\s*(?:[-–—,]|to)\s*"
    r"(?P<hi>\d+(?:\.\d+)?)\s*%?\s*\)"
    r"|\(\s*(?:std|sd|±)?\s*(?P<paren>\d+(?:\.\d+)?)\s*%?\s*\))"
)
_BEFORE_METRIC = re.compile(
    r"^\s*(?:\([^)]{0,40}\)\s*)?(?:in terms of |in |of |for |on )?(?:the |a |an )?"
    r"(?:mean |average |overall |macro[- ]|micro[- ]|weighted )?$"
)
_GAIN = re.compile(r"(?:\bby|\bimprove\w*|\bincreas\w*|\bgain\w*|\bmargin|\bdecreas\w*|\breduc\w*|\bp\s*[<=>]|"
                   r"\boutperform\w*)\s*(?:of\s+|about\s+|approximately\s+|around\s+|nearly\s+)?$", re.I)
_OWN = re.compile(r"\b(?:our|ours|we|proposed|this (?:work|study|paper|method|model))\b", re.I)
_CITATION = re.compile(r"\[\d+(?:\s*[,–\-]\s*\d+)*\]|\bet al\.|\([A-Z][\w\-]+(?: et al\.)?,? (?:19|20)\d\d[a-z]?\)")
_CONCLUSION = re.compile(r"^\s*(?:\d+\.?|[IVX]+\.)?\s*(?:Conclusions?|CONCLUSIONS?|Summary|Concluding Remarks)\b")


@dataclass
class _Found:
    """A value read from a sentence: where, for which metric, and the list it came in."""

    metric: Entry
    number: str
    percent: bool
    start: int  # offsets in the sentence text (the metric's or the value's, whichever comes first)
    end: int
    slot: int | None  # place in an "a/b" pair
    std: str | None = None
    ci: tuple[str, str] | None = None
    index: int = 0  # place in its list of values
    count: int = 1  # length of that list


def sentence_results(sents: list[Sentence], ctx: Context) -> list[Result]:
    """Numbers stated with a metric anywhere in the body, outside related-work sections."""
    results = []
    headline_idx = _abstract_and_conclusion(sents)
    candidates = [i for i, s in enumerate(sents) if _DIGIT.search(s.text) and not s.related]
    metrics = dict(zip(candidates, ctx.vocab.finder("metric").find_each([sents[i].text for i in candidates]),
                       strict=True))
    datasets = ctx.sentence_datasets if ctx.sents is sents else [[] for _ in sents]
    recent: list[str] = []  # datasets of the sentences before, newest last
    for i, s in enumerate(sents):
        names = datasets[i]
        if i not in metrics or _table_text(s.text):
            if names:
                recent = (recent + names)[-4:]
            continue
        mentions = [
            m for m in outside_names(metrics[i], s.text, ctx.vocab)
            if m.text.casefold() not in _AMBIGUOUS or _OWN.search(s.text)
        ]
        found = _read(s.text, mentions) if mentions else []
        if found:
            results += _results(s, i, found, ctx, recent, sents, i in headline_idx)
        if names:
            recent = (recent + names)[-4:]
    return results


def _table_text(text: str) -> bool:
    """A table's cells in the page text (rows of numbers), or its caption: read from the table's grid instead."""
    numbers = len(_NUMBER_WORD.findall(text))
    return bool(_CAPTION_START.match(text)) or (numbers >= 4 and numbers >= 0.3 * len(text.split()))


def _read(text: str, mentions: list[Mention]) -> list[_Found]:
    """The values a sentence gives its metrics, in both orders, each number once."""
    out: list[_Found] = []
    used: set[int] = set()
    for j, m in enumerate(mentions):  # metric, then value(s)
        stop = mentions[j + 1].start if j + 1 < len(mentions) else len(text)
        numbers = _numbers_after(text[m.end : min(stop, m.end + 120)])
        for k, (number, percent, offset, slot, std, ci) in enumerate(numbers):
            at = m.end + offset
            if at in used or _GAIN.search(text[max(0, at - 30) : at]):
                continue
            used.add(at)
            out.append(_Found(m.entry, number, percent, m.start, at + len(number), slot, std, ci, k, len(numbers)))
    for m in mentions:  # value, then metric: "81.88 DSC", "94.3% accuracy"
        head = text[max(0, m.start - 80) : m.start]
        for n in reversed(list(re.finditer(r"(?<![\w.])" + _NUMBER, head))):
            at = m.start - len(head) + n.start(1)
            between = head[n.end() :]
            spread = _SPREAD.match(between)
            rest = between[spread.end() :] if spread else between
            if at in used or not _BEFORE_METRIC.match(rest):
                continue
            if _GAIN.search(text[max(0, at - 30) : at]) or re.match(r"\s*[-–]?\s*fold", text[n.end() :], re.I):
                break
            used.add(at)
            std, ci = _spread_of(spread)
            out.append(_Found(m.entry, n.group(1), bool(n.group(2)), at, m.end, None, std, ci))
            break
    return out


def _spread_of(m: re.Match[str] | None) -> tuple[str | None, tuple[str, str] | None]:
    if m is None:
        return None, None
    ci = (m.group("lo"), m.group("hi")) if m.group("lo") else None
    return m.group("std") or m.group("paren"), ci


def _results(
    s: Sentence, i: int, found: list[_Found], ctx: Context, recent: list[str], sents: list[Sentence],
    headline: bool,
) -> list[Result]:
    own = bool(_OWN.search(s.text)) or any(p in s.text for p in ctx.proposed)
    cited = bool(_CITATION.search(s.text)) and not own
    model = ctx.proposed[0] if ctx.proposed else "proposed method"
    if not own and not headline:
        other = _other_model(s.text, found[0].start, ctx)
        if other:
            model = other
    pair = _year_pair(s.text, ctx) or (_year_pair(sents[i - 1].text, ctx) if i else None)
    datasets = _respectively(s.text, found, ctx)
    out = []
    for f in found:
        value = scaled(f.number, f.metric, f.percent)
        if value is None or (f.metric.attrs.get("kind") == "fraction" and value == 0):
            continue
        if pair and f.slot is not None:
            dataset: str | None = pair[f.slot]
        elif datasets and f.count == len(datasets):
            dataset = datasets[f.index]
        else:
            dataset = _near_dataset(s.text, f.start, f.end, ctx) or (recent[-1] if recent else ctx.single_dataset)
        result = record(
            Result,
            model=model,
            dataset=dataset,
            metric=f.metric.name,
            value=value,
            as_printed=f.number + ("%" if f.percent else ""),
            split=ctx.split_for(dataset, split_of(s.text)),
            source="cited" if cited else "paper",
            proposed=model in ctx.proposed or model == "proposed method",
            headline=headline and not cited and not efficiency(f.metric)
            and (model in ctx.proposed or model == "proposed method"),
            std=_on_scale(f.std, f.number, value),
            ci_low=_on_scale(f.ci[0], f.number, value) if f.ci else None,
            ci_high=_on_scale(f.ci[1], f.number, value) if f.ci else None,
            evidence={"page": s.page, "quote": window(s, f.start, f.end), "source": ctx.source},
        )
        if result:
            out.append(result)
    return out


def _on_scale(text: str | None, number: str, value: float) -> float | None:
    """A std or interval bound on the value's scale (divided by 100 when the value was)."""
    if text is None:
        return None
    x = float(text)
    return round(x / 100.0 if abs(float(number) - value) > 1e-9 else x, 6)


def _other_model(text: str, before: int, ctx: Context) -> str | None:
    """A model the sentence names before its first value (not the paper's own): "U-Net achieved a Dice of …"."""
    found = [m for m in ctx.vocab.finder("backbone").find(text[:before])]
    return found[-1].text if found else None


def _respectively(text: str, found: list[_Found], ctx: Context) -> list[str]:
    """The datasets a list of values is aligned with ("… 0.954, 0.987 and 0.906 on A, B and C, respectively")."""
    if not re.search(r"\brespectively\b", text) or not any(f.count > 1 for f in found):
        return []
    names = [m.entry.name for m in ctx.vocab.finder("dataset").find(text) if m.entry.name in ctx.datasets]
    return list(dict.fromkeys(names))


def _near_dataset(text: str, start: int, end: int, ctx: Context) -> str | None:
    """The dataset named right after the numbers ("… 93.7% on BraTS 2021"), else before them."""
    found = [(m.start, m.entry.name) for m in ctx.vocab.finder("dataset").find(text) if m.entry.name in ctx.datasets]
    after = [name for at, name in found if end <= at <= end + 100]
    before = [name for at, name in found if at < start]
    if after or before:
        return (after or before[-1:])[0]
    return dataset_in(text, ctx) if ctx.datasets else None


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


def _numbers_after(tail: str) -> list[tuple[str, bool, int, int | None, str | None, tuple[str, str] | None]]:
    """The number (or list of numbers) right after a metric name: "of 98.5%", "reached 93.7%, 93.2% and 88.9%",
    "of 0.85 ± 0.03", ": 91.77".

    Each is (number, printed with %, offset in `tail`, place in an "a/b" pair or None, std, interval).
    """
    lead = re.match(
        r"^\s*\)?\s*(?:\([^)]{1,20}\)\s*)?(?:scores?\s+|coefficients?\s+|values?\s+|rates?\s+)?"
        r"(?:(?:of|was|is|were|are|=|:|as|at|reached|reaching|achieved|achieves|attains|attained|obtained|"
        r"yielded|yields|with|by|for [^0-9]{0,40}?)\s*)*"
        r"(?:an?\s+|the\s+)?(?:average\s+|mean\s+|overall\s+|high(?:est)?\s+|best\s+)?(?:of\s+)?",
        tail,
    )
    pos = lead.end() if lead else 0
    if lead and re.search(r"\bby\s*$", lead.group(0)):
        return []
    out: list[tuple[str, bool, int, int | None, str | None, tuple[str, str] | None]] = []
    slot: int | None = None
    while True:
        m = re.match(_NUMBER, tail[pos:])
        if not m or re.match(r"\s*[-–]?\s*(?:fold|epochs?|images|patients|cases|layers)\b", tail[pos + m.end() :]):
            break
        spread = _SPREAD.match(tail[pos + m.end() :])
        std, ci = _spread_of(spread)
        out.append((m.group(1), bool(m.group(2)), pos + m.start(1), slot, std, ci))
        pos += m.end() + (spread.end() if spread else 0)
        sep = re.match(r"\s*(?:\([^)]{0,30}\)\s*)?(,\s*(?:and\s+)?|/\s*|\s*and\s+)", tail[pos:])
        if not sep or len(out) >= 8:
            break
        if sep.group(1).startswith("/"):
            out[-1] = (*out[-1][:3], 0 if slot is None else slot, *out[-1][4:])
            slot = (slot or 0) + 1
        else:
            slot = None
        pos += sep.end()
    if any(o[3] is not None for o in out) and not all(o[3] is not None for o in out):
        out = [(n, p, at, None, sd, ci) for n, p, at, _, sd, ci in out]
    return out


def _abstract_and_conclusion(sents: list[Sentence]) -> set[int]:
    end = abstract_end(sents)
    conclusion = next(
        (i for i in range(len(sents) - 1, end, -1) if _CONCLUSION.match(sents[i].text)
         or re.search(r"\bConclusions?\b|\bCONCLUSIONS?\b", sents[i].text[:40])),
        None,
    )
    idx = set(range(end))
    if conclusion is not None:
        idx |= set(range(conclusion, min(len(sents), conclusion + 15)))
    return idx
