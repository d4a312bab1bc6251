"""Result records from tables read as grids: every value cell with its model, metric, dataset, target, split
and setting, taken from the row's labels, the column's header path, the caption and the text about the table.

- Orientation: metrics named in the header path → models are rows; metrics named in the stub → the table is
  transposed (models are columns).
- A column's header path gives its metric (the lowest label that names one, else the caption's), a dataset,
  a split, and a target (an organ, class or sub-region; an "Average"/"Mean"/"All" column is the overall value).
- A row's labels give the model (the stub column headed "Method"/"Model", else the one with the most distinct
  labels), its backbone, and a dataset, split or setting from the other stub columns, a multirow block label
  or a section row.
- Roles: `proposed` (the paper's own model: `ctx.proposed`, "ours", "proposed"), `source="cited"` (a row with
  a citation mark, or a table of numbers from the literature), `setting="ablation"` (a table of the own model's
  variants), and `headline` (the own model's overall results and the strongest other row of each table and
  dataset: what a reviewer's comparison table keeps). Every row is kept, with its role.
- A table is used when it holds values under a metric; dataset statistics, hyper-parameters and confusion
  matrices name none and give nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from litextract.document import BBox, Cell, Table
from litextract.extract.offline_results import (
    Context,
    Printed,
    any_dataset_in,
    dataset_in,
    efficiency,
    label_split,
    lower_is_better,
    metric_in,
    percent_label,
    printed_value,
    scaled,
    split_of,
)
from litextract.extract.offline_text import model_name, record
from litextract.records import Result
from litextract.text import clean
from litextract.vocab import Entry

_AVERAGE = re.compile(
    r"^\W*(?:average|avg\.?|mean|overall|all|total|macro[- ]?(?:avg|average)?|weighted[- ]?(?:avg|average)?|"
    r"micro[- ]?(?:avg|average)?)\W*(?:\((?:%|mm)\))?\W*$",
    re.I,
)
_MODEL_HEADER = re.compile(
    r"\b(?:methods?|models?|approach(?:es)?|networks?|architectures?|framework|algorithms?|techniques?|"
    r"classifiers?|detectors?|baselines?|stud(?:y|ies)|authors?|works?|references?|variants?|systems?|teams?|"
    r"settings?|configurations?|experiments?|backbones? network)\b",
    re.I,
)
_BACKBONE_HEADER = re.compile(r"\b(?:backbones?|encoders?|feature extractors?|base (?:model|network))\b", re.I)
_RESULTS_CAPTION = re.compile(r"segmentation|\b(?:performance|results?|comparisons?|compared)\b", re.I)
_TARGET_HEADER = re.compile(
    r"\b(?:class(?:es)?|category|categories|organs?|grades?|labels?|lesions?|structures?|regions?|tissues?|"
    r"types?|diseases?|findings?|fold|pathology|abnormalit(?:y|ies))\b",
    re.I,
)
_TARGET = re.compile(
    r"^(?:aorta|gall\s?bladder|kidney|liver|pancreas|spleen|stomach|esophagus|duodenum|adrenal|bladder|prostate|"
    r"rectum|colon|heart|lungs?|brain|skull|femur|pelvis|bone|vessels?|artery|vein|ivc|portal|myo(?:cardium)?|"
    r"rv|lv|la|ra|wt|tc|et|ncr|ed|net|whole(?: tumou?r)?|(?:tumou?r )?core|enhancing(?: tumou?r)?|"
    r"edema|necrosis|tumou?r|lesions?|nodules?|mass(?:es)?|cyst|calcifications?|polyps?|nuclei|cells?|glands?|"
    r"benign|malignant|normal|abnormal|healthy|covid(?:-19)?|pneumonia|tuberculosis|glioma|meningioma|pituitary|"
    r"no[ -]?tumou?r|cancer|non[- ]?cancer|negative|positive|pz|tz|cz|optic (?:disc|cup)|disc|cup|"
    r"grade\s*\w+|g[0-4]|kl[- ]?[0-4]|fold\s*\d+|small|medium|large|tiny|mild|moderate|severe|"
    r"left|right|\w+ \((?:l|r|left|right)\))\b",
    re.I,
)
_CITED = re.compile(
    r"\[[\d?,\s\-–]+\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\bet al\.?|\(\s*(?:19|20)\d\d[a-z]?\s*\)|"
    r"\b[A-Z][A-Za-z\-']+,? (?:19|20)\d\d[a-z]?\b|"
    r"[A-Za-z]+_(?:19|20)\d\d\b"
)
_OURS = re.compile(
    r"\bours\b|\bproposed\b|\bour (?:method|model|approach|network|framework)\b|\bthis (?:work|paper|study)\b", re.I
)
_ABLATION = re.compile(
    r"ablation|\beffect(?:s|iveness)? of\b|\bimpact of\b|\binfluence of\b|\bcontribution of\b|"
    r"\bdifferent (?:components?|modules?|settings?|configurations?|variants?|choices|strategies|losses|"
    r"hyper-?parameters?|numbers? of|designs?)\b|\bvariants? of (?:our|the proposed)\b|\bwith and without\b",
    re.I,
)
_COMPARISON = re.compile(
    r"\bcompar(?:ison|ed|ing)\b|state[- ]of[- ]the[- ]art|\bsota\b|\bother (?:methods|models|approaches)\b|"
    r"\bexisting (?:methods|models|approaches)\b|\bbenchmark",
    re.I,
)
_LITERATURE = re.compile(
    r"in the literature|reported in|related (?:work|studies)|previous (?:work|studies)|literature review|"
    r"from the original (?:papers?|works?)|as reported|published (?:results|methods|works)",
    re.I,
)
_NOT_A_QUANTITY = re.compile(
    r"param|flop|\bmacs?\b|\bfps\b|time|speed|memory|\bsize\b|epoch|#|\bnumber\b|\bno\.|\byear\b|resolution|"
    r"batch|\bdim|\bdepth|\blayers?\b|\bgpu\b|\bcount\b|\bimages\b|\bcases\b|\bsamples\b|\bpatients\b",
    re.I,
)
_LABEL_IS_SPLIT = re.compile(r"^\W*(?:train(?:ing)?|val(?:idation)?|test(?:ing)?|hold[- ]out|internal|external)"
                             r"(?:\s+(?:set|data|split|cohort))?\W*$", re.I)
_ABLATION_ROW = re.compile(r"^\s*(?:w/o|w/|without|with|\+|-\s|baseline\b)", re.I)


@dataclass
class _Column:
    index: int
    path: tuple[str, ...]
    metric: Entry | None = None
    metric_label: str = ""
    percent: bool = False
    dataset: str | None = None
    split: str | None = None
    target: str | None = None
    setting: list[str] = field(default_factory=list)
    average: bool = False


@dataclass
class _Row:
    index: int
    label: str  # the model label as printed (the transposed table: the metric label)
    cells: dict[int, str]
    dataset: str | None = None
    split: str | None = None
    target: str | None = None
    backbone: str | None = None
    setting: list[str] = field(default_factory=list)
    average: bool = False


@dataclass
class _Value:
    """One value cell read with everything that qualifies it."""

    model: str
    label: str
    row: int
    column: _Column
    printed: Printed
    metric: Entry
    dataset: str | None
    split: str | None
    target: str | None
    setting: str | None
    backbone: str | None
    cited: bool
    proposed: bool
    overall: bool


def table_results(tables: list[Table], ctx: Context) -> tuple[list[Result], list[tuple[str, int, str]]]:
    """Every value of the results tables with its qualifiers and role, and the compared models' row labels
    (label, page, quote) for the model records."""
    results: list[Result] = []
    labels: list[tuple[str, int, str]] = []
    headers: dict[str, list[tuple[str, ...]]] = {}
    for table in tables:
        paths = table.header_paths()
        borrowed = headers.get(table.number or "")
        if not table.header_rows and table.continued and borrowed and len(borrowed) == table.n_cols:
            paths = borrowed  # a continuation printed without its header takes the first part's
        elif table.number and table.header_rows:
            headers.setdefault(table.number, paths)
        values = _read(table, paths, ctx)
        if not values:
            continue
        page = ctx.doc.page(table.page)
        page_text = page.text if page else ""
        headline = _headline(values)
        seen: set[str] = set()
        seen_rows: _Rows = {}
        for v in values:
            value = scaled(v.printed.number, v.metric, v.printed.percent or v.column.percent)
            if value is None:
                continue
            std = _spread(v.printed.std, v.metric, v.printed.percent or v.column.percent, value, v.printed.number)
            ci = v.printed.ci
            quote = _row_quote(table, v.row, page_text, v.label, v.printed.number, seen_rows)
            result = record(
                Result,
                model=v.model,
                backbone=v.backbone,
                dataset=v.dataset,
                metric=v.metric.name,
                value=value,
                as_printed=v.printed.as_printed,
                split=v.split,
                target=v.target,
                setting=v.setting,
                source="cited" if v.cited else "paper",
                proposed=v.proposed,
                headline=id(v) in headline and not efficiency(v.metric),
                std=std,
                ci_low=_spread(ci[0], v.metric, v.printed.percent or v.column.percent, value, v.printed.number)
                if ci
                else None,
                ci_high=_spread(ci[1], v.metric, v.printed.percent or v.column.percent, value, v.printed.number)
                if ci
                else None,
                evidence={
                    "page": table.page,
                    "quote": quote,
                    "source": ctx.source,
                    "bbox": _row_bbox(v.row, quote, seen_rows),  # the row's cells: the review highlights it there
                },
            )
            if result is None or result.key in seen:
                continue
            seen.add(result.key)
            results.append(result)
        for v in values:  # the compared models: rows of a comparison, not variants (ablation) or studies cited
            if (v.setting and v.setting.startswith("ablation")) or _LITERATURE.search(table.caption or ""):
                continue
            if not v.proposed and v.label and (v.label, table.page) not in {(x[0], x[1]) for x in labels}:
                labels.append((v.label, table.page, _row_quote(table, v.row, page_text, v.label, None, seen_rows)))
    return results, labels


def _spread(text: str | None, metric: Entry, percent: bool, value: float, number: str) -> float | None:
    """A std or interval bound on the value's scale (divided by 100 when the value was)."""
    if text is None:
        return None
    x = float(text)
    if metric.attrs.get("kind") == "fraction" and abs(float(number) - value) > 1e-9:
        x = x / 100.0
    return round(x, 6)


# ---------------------------------------------------------------------------------------------------- reading


def _read(table: Table, paths: list[tuple[str, ...]], ctx: Context) -> list[_Value]:
    """The table's value cells with their qualifiers, or [] when it is not a table of results."""
    if table.n_rows - table.header_rows < 1 or table.n_cols < 2:
        return []
    caption = table.caption or ""
    grid = table.grid()
    body = range(table.header_rows, table.n_rows)
    sections = _sections(table)
    columns = [_column(j, paths[j], ctx) for j in range(table.n_cols)]
    stub = _stub(table, grid, body)
    if _confusion_matrix(stub, columns, table.stub_cols):
        return []
    header_metrics = [c for c in columns[table.stub_cols :] if c.metric]
    stub_metrics = [i for i in body if any(metric_in(t, ctx.vocab) for t in stub[i] if t)]
    if not header_metrics and len(stub_metrics) >= max(1, 0.5 * len([i for i in body if i not in sections])):
        return _read_transposed(table, grid, columns, stub, sections, ctx)
    caption_metric = metric_in(caption, ctx.vocab)
    if not caption_metric and not header_metrics and _RESULTS_CAPTION.search(caption):
        # a table of results whose header names no metric: the paper's only evaluation metric, else for
        # segmentation Dice
        caption_metric = ctx.evaluation_metric if table.header_rows else None
        if not caption_metric and re.search(r"segmentation", caption, re.I):
            caption_metric = ctx.vocab.lookup("metric", "dice")
    label_cols = _label_columns(columns, table.stub_cols)
    value_cols = [c for c in columns if c.index not in label_cols]
    if header_metrics:
        value_cols = [
            c for c in value_cols
            if c.metric or (caption_metric and (c.average or any(_looks_like_target(p) for p in c.path)))
        ]
        for c in value_cols:
            if not c.metric:
                c.metric, c.metric_label = caption_metric, caption
    elif caption_metric:
        value_cols = [c for c in value_cols if not any(_NOT_A_QUANTITY.search(p) for p in c.path)]
        for c in value_cols:
            c.metric, c.metric_label = caption_metric, caption
    else:
        return []
    if not value_cols:
        return []
    _targets(value_cols)
    caption_percent = percent_label(caption) and not any(percent_label(" ".join(c.path)) for c in columns)
    for c in value_cols:
        c.percent = c.percent or caption_percent
    rows = _rows(table, grid, body, sections, label_cols, stub, paths, ctx)
    return _values(table, rows, value_cols, ctx)


def _column(index: int, path: tuple[str, ...], ctx: Context) -> _Column:
    col = _Column(index, path)
    for text in reversed(path):  # the lowest label naming a metric gives it
        entry = metric_in(text, ctx.vocab)
        if entry and not col.metric:
            col.metric, col.metric_label = entry, text
    for text in path:
        col.percent = col.percent or percent_label(text)
        entry = metric_in(text, ctx.vocab)
        dataset = any_dataset_in(text, ctx)
        split = label_split(text)
        if dataset and not col.dataset:
            col.dataset = dataset
        elif split and not col.split:
            col.split = split
        elif _AVERAGE.match(text) or (entry and _AVERAGE.match(_strip_metric(text, ctx))):
            col.average = True
        elif not entry and re.search(r"\w", text):
            col.setting.append(text)
    return col


def _strip_metric(text: str, ctx: Context) -> str:
    """A label without its metric name: "Mean Dice" → "Mean"."""
    out = text
    for m in ctx.vocab.finder("metric").find(text):
        out = out.replace(m.text, " ")
    return re.sub(r"\((?:%|mm)\)|[↑↓]", " ", out)


def _targets(cols: list[_Column]) -> None:
    """Labels that tell the value columns of one metric apart are targets (organs, classes, sub-regions) when
    they read as such or an "Average" column stands beside them; other such labels stay settings."""
    groups: dict[tuple[str | None, str | None], list[_Column]] = {}
    for c in cols:
        groups.setdefault((c.metric.name if c.metric else None, c.dataset), []).append(c)
    for group in groups.values():
        has_average = any(c.average for c in group)
        for c in group:
            if not c.setting or c.average:
                continue
            label = c.setting[-1]
            if has_average or _TARGET.match(_plain(label)) or (len(group) > 1 and _looks_like_target(label)):
                c.target = _plain(label)
                c.setting = c.setting[:-1]


def _looks_like_target(label: str) -> bool:
    return bool(_TARGET.match(_plain(label)))


def _plain(label: str) -> str:
    return " ".join(re.sub(r"\((?:%|mm)\)|[↑↓*†‡]", " ", label).split())


def _sections(table: Table) -> dict[int, str]:
    """Body rows that only name what the rows below them share (a row spanning the table)."""
    out = {}
    for c in table.cells:
        if c.row >= table.header_rows and c.col == 0 and c.col_span >= max(2, table.n_cols - 1):
            out[c.row] = c.text
    return out


def _stub(table: Table, grid: list[list[str]], body: range) -> dict[int, list[str]]:
    """Each body row's stub texts, a multirow label filled into every row of its block."""
    out = {i: list(grid[i][: table.stub_cols]) for i in body}
    for c in table.cells:
        if c.col < table.stub_cols and c.row_span > 1:
            for i in range(c.row, c.row + c.row_span):
                if i in out:
                    out[i][c.col] = c.text
    return out


def _confusion_matrix(stub: dict[int, list[str]], columns: list[_Column], n_stub: int) -> bool:
    """Rows and columns named alike (the classes of a confusion matrix)."""
    rows = {_plain(s[-1]).casefold() for s in stub.values() if s and s[-1]}
    cols = {_plain(c.path[-1]).casefold() for c in columns[n_stub:] if c.path}
    return len(rows & cols) >= 2


def _label_columns(columns: list[_Column], n_stub: int) -> set[int]:
    """The stub columns and, left of the first metric column, value columns that carry no metric (settings such
    as "Epochs" or "Patch size" printed as numbers)."""
    out = set(range(n_stub))
    first_metric = next((c.index for c in columns[n_stub:] if c.metric), None)
    if first_metric is not None:
        out |= {c.index for c in columns[n_stub:first_metric] if not c.metric and not c.average}
    return out


def _rows(
    table: Table, grid: list[list[str]], body: range, sections: dict[int, str], label_cols: set[int],
    stub: dict[int, list[str]], paths: list[tuple[str, ...]], ctx: Context,
) -> list[_Row]:
    """The body rows with their model label and the qualifiers their other labels give."""
    n_stub = table.stub_cols
    model_col = _model_column(table, stub, paths)
    section = ""
    rows = []
    for i in body:
        if i in sections:
            section = sections[i]
            continue
        texts = stub[i]
        label = texts[model_col] if model_col is not None and model_col < len(texts) else ""
        row = _Row(i, label, {j: grid[i][j] for j in range(n_stub, table.n_cols) if j not in label_cols})
        for j in range(n_stub):
            if j == model_col or not texts[j]:
                continue
            header = " ".join(paths[j])
            if _BACKBONE_HEADER.search(header):
                row.backbone = texts[j]
            else:
                _qualify(row, texts[j], ctx)
        for j in sorted(label_cols - set(range(n_stub))):
            if grid[i][j]:
                name = " ".join(paths[j])
                row.setting.append(f"{name} {grid[i][j]}".strip() if name else grid[i][j])
        if section:
            _qualify(row, section, ctx)
        rows.append(row)
    return rows


def _qualify(row: _Row, text: str, ctx: Context) -> None:
    """A row label other than the model's: a dataset, a split, a target or a setting."""
    dataset = any_dataset_in(text, ctx)
    split = label_split(text)
    if dataset and not row.dataset:
        row.dataset = dataset
        rest = re.sub(r"\(([^)]*)\)", r"\1", text)
        if rest != text and split is None and re.search(r"\(", text):
            row.setting.append(text)  # "DRIVE (STARE)": the test set, trained on another
    elif split and not row.split:
        row.split = split
    elif _AVERAGE.match(text):
        row.average = True
    elif _TARGET.match(_plain(text)) and not row.target:
        row.target = _plain(text)
    else:
        row.setting.append(text)


def _model_column(table: Table, stub: dict[int, list[str]], paths: list[tuple[str, ...]]) -> int | None:
    """The stub column naming the models: the one headed "Method", "Model", ..., else the one with the most
    distinct labels (a multirow group column repeats its label)."""
    n = table.stub_cols
    if n == 0:
        return None
    for j in range(n):
        header = " ".join(paths[j])
        if _MODEL_HEADER.search(header) and not _BACKBONE_HEADER.search(header):
            return j
    counts = [len({s[j] for s in stub.values() if s[j]}) for j in range(n)]
    return max(range(n), key=lambda j: (counts[j], -j))


def _values(table: Table, rows: list[_Row], cols: list[_Column], ctx: Context) -> list[_Value]:
    caption = table.caption or ""
    role = _role(table, rows, ctx)
    context_text = _table_context(table, ctx)
    caption_dataset = dataset_in(caption, ctx) or _context_dataset(context_text, ctx)
    caption_split = split_of(caption)
    per_target = _per_target_rows(table, rows)
    out: list[_Value] = []
    for row in rows:
        label = row.label
        cited_row = bool(_CITED.search(label)) or role == "literature"
        model = model_name(label) if label else ""
        dataset_row = None
        own_row = per_target  # a row standing for a class, dataset or split of the paper's own model
        target = row.target
        overall = not target
        if per_target:
            if _AVERAGE.match(label):
                target, overall = None, True
            else:
                target, overall = _plain(label), False
            model = _default_model(ctx)
        elif label and not row.dataset and (ds := _row_dataset(label, ctx)):
            dataset_row, own_row = ds, True
            model = _default_model(ctx)
        elif label and _LABEL_IS_SPLIT.match(label) and label_split(label):
            row.split = row.split or label_split(label)  # "Test set", "Validation": the own model on that split
            model, own_row = _default_model(ctx), True
        elif not label:
            model = _default_model(ctx) if not row.setting else " ".join(row.setting)
        if not model or _junk(model):
            continue
        proposed = _proposed(label, ctx) or (own_row and bool(ctx.proposed))
        for j, cell in row.cells.items():
            col = next((c for c in cols if c.index == j), None)
            if col is None or col.metric is None or not cell:
                continue
            dataset = col.dataset or row.dataset or dataset_row or caption_dataset or ctx.single_dataset
            split = ctx.split_for(dataset, col.split or row.split or caption_split)
            setting = [*row.setting, *col.setting]
            if role == "ablation":
                setting.insert(0, "ablation")
            for metric, printed in _cell_values(cell, col, caption, ctx):
                out.append(_Value(
                    model=model,
                    label=label,
                    row=row.index,
                    column=col,
                    printed=printed,
                    metric=metric,
                    dataset=dataset,
                    split=split,
                    target=col.target or target,
                    setting="; ".join(dict.fromkeys(setting)) or None,
                    backbone=row.backbone,
                    cited=cited_row and not proposed,
                    proposed=proposed,
                    overall=overall and not col.target and role != "ablation" and not row.average,
                ))
    return out


_PAIR = re.compile(r"^\s*([-−]?\d+(?:\.\d+)?%?)\s*/\s*([-−]?\d+(?:\.\d+)?%?)\s*$")
_PAIR_LABEL = re.compile(r"([A-Za-z][\w\-]*(?:\s*\([^)]*\))?)\s*/\s*([A-Za-z][\w\-]*)")


def _cell_values(cell: str, col: _Column, caption: str, ctx: Context) -> list[tuple[Entry, Printed]]:
    """The values of a cell with their metrics: one, or two for "35.04 / 0.9664" under "PSNR / SSIM" (in the
    column's labels or the caption)."""
    pair = _PAIR.match(cell)
    if pair:
        for text in (*col.path, caption):
            for m in _PAIR_LABEL.finditer(text):
                first, second = metric_in(m.group(1), ctx.vocab), metric_in(m.group(2), ctx.vocab)
                a, b = printed_value(pair.group(1)), printed_value(pair.group(2))
                if first and second and a and b:
                    return [(first, a), (second, b)]
    printed = printed_value(cell)
    return [(col.metric, printed)] if printed is not None and col.metric is not None else []


def _default_model(ctx: Context) -> str:
    return ctx.proposed[0] if ctx.proposed else "proposed method"


def _role(table: Table, rows: list[_Row], ctx: Context) -> str:
    """ "ablation" (the own model's variants), "literature" (numbers quoted from other work) or "results"."""
    caption = table.caption or ""
    if _LITERATURE.search(caption):
        return "literature"
    cites = any(_CITED.search(r.label) for r in rows)
    if _ABLATION.search(caption) and not _COMPARISON.search(caption) and not cites:
        return "ablation"
    labelled = [r for r in rows if r.label]
    if labelled and sum(bool(_ABLATION_ROW.match(r.label)) for r in labelled) >= max(2, 0.5 * len(labelled)):
        return "ablation"
    return "results"


def _per_target_rows(table: Table, rows: list[_Row]) -> bool:
    """Rows that are classes or organs of one model ("Benign", "Malignant", "Average"), not models."""
    labels = [r.label for r in rows if r.label]
    if len(labels) < 2:
        return False
    stub_header = " ".join(table.header_path(0)) if table.stub_cols else ""
    if _TARGET_HEADER.search(stub_header) and not _MODEL_HEADER.search(stub_header):
        return True
    targets = sum(bool(_TARGET.match(_plain(x)) or _AVERAGE.match(x)) for x in labels)
    return targets >= 0.6 * len(labels) and any(_TARGET.match(_plain(x)) for x in labels)


def _proposed(label: str, ctx: Context) -> bool:
    if not label:
        return False
    if _OURS.search(label):
        return True
    name = re.sub(r"\W", "", re.sub(r"\(.*?\)|\[.*?\]", "", label).casefold())
    for p in ctx.proposed:
        key = re.sub(r"\W", "", p.casefold())
        if key and (name == key or (name.startswith(key) and re.match(rf"^\W*{re.escape(p)}\b", label, re.I))):
            return True
    return False


def _row_dataset(label: str, ctx: Context) -> str | None:
    """The dataset a row stands for, when its label is a dataset's name rather than a model's."""
    found = ctx.vocab.finder("dataset").find(label)
    if found and len(found[0].text) >= 0.6 * len(label.strip()):
        return found[0].entry.name
    return None


_JUNK = re.compile(
    r"^(?:std|sd|p-?values?|values?|improvement|gain|difference|rank|ranking|#|no\.?|n)\b|\be\.g\.|\bi\.e\.|"
    r"^[\W\d]+$|\b(?:relative|improvement|increase|decrease)\b",
    re.I,
)


def _junk(model: str) -> bool:
    """A row label that names no model: a statistic of the rows, a phrase of prose, a number."""
    return (
        bool(_JUNK.search(model))
        or model.count("(") != model.count(")")
        or (model[:1].islower() and len(model.split()) >= 4)
        or len(model) > 80
    )


def _headline(values: list[_Value]) -> set[int]:
    """The values a comparison table keeps: the own model's overall ones, and the strongest other row's per
    dataset (the authors' own runs when no row is theirs: every row of a small table, the best of a larger one)."""
    out: set[int] = set()
    main = [v for v in values if v.overall and not v.cited]
    proposed = [v for v in main if v.proposed]
    out |= {id(v) for v in proposed}
    others = [v for v in values if v.overall and not v.proposed]
    by_dataset: dict[str | None, list[_Value]] = {}
    for v in others:
        by_dataset.setdefault(v.dataset, []).append(v)
    for group in by_dataset.values():
        rows: dict[int, list[_Value]] = {}
        for v in group:
            rows.setdefault(v.row, []).append(v)
        ranked = sorted(rows.values(), key=_strength, reverse=True)
        keep = ranked[:1] if proposed or any(v.cited for v in group) or len(ranked) > 4 else ranked
        out |= {id(v) for row in keep for v in row}
    return out


def _strength(row: list[_Value]) -> tuple[float, float]:
    """A row's standing: its first metric (better is higher), then the others."""
    first = row[0].metric.name

    def score(v: _Value) -> float:
        value = float(v.printed.number)
        return -value if lower_is_better(v.metric, v.column.metric_label) else value

    same = [score(v) for v in row if v.metric.name == first]
    rest = [score(v) for v in row if v.metric.name != first]
    return (sum(same) / len(same) if same else float("-inf"), sum(rest) / len(rest) if rest else float("-inf"))


def _read_transposed(
    table: Table, grid: list[list[str]], columns: list[_Column], stub: dict[int, list[str]],
    sections: dict[int, str], ctx: Context,
) -> list[_Value]:
    """A table with metrics as rows and models (or datasets) as columns."""
    caption = table.caption or ""
    role = _role(table, [], ctx)
    caption_dataset = dataset_in(caption, ctx) or _context_dataset(_table_context(table, ctx), ctx)
    caption_split = split_of(caption)
    out: list[_Value] = []
    section = ""
    for i in range(table.header_rows, table.n_rows):
        if i in sections:
            section = sections[i]
            continue
        texts = [t for t in stub[i] if t]
        metric_label = next((t for t in texts if metric_in(t, ctx.vocab)), "")
        entry = metric_in(metric_label, ctx.vocab) if metric_label else None
        if entry is None:
            continue
        row_dataset = next((d for t in texts if (d := any_dataset_in(t, ctx))), None) or (
            any_dataset_in(section, ctx) if section else None
        )
        for col in columns[table.stub_cols :]:
            cell = grid[i][col.index]
            printed = printed_value(cell) if cell else None
            if printed is None:
                continue
            names = [p for p in col.path if not any_dataset_in(p, ctx) and not label_split(p)]
            label = names[-1] if names else ""
            per_dataset = not label and col.dataset
            model = _default_model(ctx) if per_dataset or not label else model_name(label)
            if _junk(model):
                continue
            proposed = _proposed(label, ctx) or bool(per_dataset and ctx.proposed)
            dataset = col.dataset or row_dataset or caption_dataset or ctx.single_dataset
            mcol = _Column(col.index, col.path, entry, metric_label, percent_label(metric_label) or col.percent)
            out.append(
                _Value(
                    model=model,
                    label=label,
                    row=i,
                    column=mcol,
                    printed=printed,
                    metric=entry,
                    dataset=dataset,
                    split=ctx.split_for(dataset, col.split or caption_split),
                    target=None,
                    setting="ablation" if role == "ablation" else None,
                    backbone=None,
                    cited=(bool(_CITED.search(label)) or role == "literature") and not proposed,
                    proposed=proposed,
                    overall=role != "ablation",
                )
            )
    by_model: dict[str, int] = {}
    for v in out:  # a transposed table's "row" for ranking is its model column
        v.row = by_model.setdefault(v.model, len(by_model))
    return out


# ---------------------------------------------------------------------------------------------------- context


def _table_context(table: Table, ctx: Context) -> str:
    """The body sentences that refer to this table ("Table 3 shows … on DRIVE"), its caption left out."""
    caption = (table.caption or "")[:40]
    return " ".join(t for t in ctx.table_mentions.get(table.number or "", []) if not t.startswith(caption))


def _context_dataset(text: str, ctx: Context) -> str | None:
    """The one dataset the sentences about a table name (None when they name several or none)."""
    if not text:
        return None
    names = {m.entry.name for m in ctx.vocab.finder("dataset").find(text) if m.entry.name in ctx.datasets}
    return names.pop() if len(names) == 1 else None


@lru_cache(maxsize=8)
def _flat(page_text: str) -> str:
    return clean(page_text)


_Rows = dict[int, tuple[str, bool, BBox | None]]


def _row_quote(table: Table, row: int, page_text: str, label: str, value: str | None, seen: _Rows) -> str:
    """The row as it reads in the page text, or the page-text span from its label to the value (`seen` keeps
    each row's joined text, whether the page holds it and where the row is, worked out once per row)."""
    if not seen:  # every row's text at once: one pass over the cells, not one per row
        by_row: dict[int, list[Cell]] = {}
        for c in sorted(table.cells, key=lambda c: c.col):
            if c.text:
                by_row.setdefault(c.row, []).append(c)
        folded = _flat_folded(page_text)
        for i, cells in by_row.items():
            text = clean(" ".join(c.text for c in cells))
            seen[i] = (text, bool(text) and text.casefold() in folded, _union([c.bbox for c in cells]))
    joined, found, _ = seen.get(row, ("", False, None))
    if found:
        return joined
    flat = _flat(page_text)
    if value:
        start = flat.find(label) if label else -1
        if start != -1:
            end = flat.find(value, start)
            if end != -1 and end - start < 300:
                return flat[start : end + len(value)]
        alone = re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d])")
        if alone.search(page_text):  # some line holds it (no line break is a digit or a dot): find the first
            for line in page_text.splitlines():
                if alone.search(line):
                    return clean(line)
    return label or joined or (table.caption or "table")[:200]


def _row_bbox(row: int, quote: str, seen: _Rows) -> BBox | None:
    """Where the row is on the page, when the quote is the row as printed (the review highlights it there)."""
    joined, found, bbox = seen.get(row, ("", False, None))
    return bbox if found and quote == joined else None


def _union(boxes: list[BBox | None]) -> BBox | None:
    if not boxes or any(b is None for b in boxes):
        return None
    known = [b for b in boxes if b is not None]
    return (min(b[0] for b in known), min(b[1] for b in known), max(b[2] for b in known), max(b[3] for b in known))


@lru_cache(maxsize=8)
def _flat_folded(page_text: str) -> str:
    return _flat(page_text).casefold()
