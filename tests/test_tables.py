"""Tables read as grids from synthetic PDFs laid out as papers print them: booktabs rules and two-level headers,
ruled grids with spanning cells, captions below and side by side, labels wrapped or set close to their values,
sections, superscript citations, tables continued on the next page."""

from __future__ import annotations

from pathlib import Path

from litextract.document import Document, Table
from litextract.extract.offline import OfflineExtractor
from litextract.parse.pymupdf_parser import PyMuPDFParser
from litextract.prepare import process
from litextract.text import sha256

from conftest import TablePage, pdf_pages

PROSE = (
    "The proposed network is compared with the baselines in the table above, and the results show that it is "
    "better on every region of the tumour."
)
PAPER = [  # what makes the page a deep-learning medical-imaging paper for the extractor
    "We propose a deep convolutional neural network for segmentation in MRI and CT scans of patients.",
    "The network is trained on the public datasets and compared with other deep learning models.",
]


def write_prose(t: TablePage, y: float = 200) -> None:
    for i, line in enumerate([PROSE, *PAPER]):
        t.text(60, y + 14 * i, line)


def parse(path: Path) -> Document:
    data = path.read_bytes()
    return PyMuPDFParser().parse(path, data, sha256(data))


def body(table: Table) -> list[list[str]]:
    return table.grid()[table.header_rows :]


def columns(t: TablePage, xs: list[float], y: float, values: list[str]) -> None:
    t.row(y, list(zip(xs, values, strict=True)))


def booktabs(path: Path, glued: bool = False) -> Path:
    """Method | Dice (%): WT TC ET | HD95 (mm): WT TC ET, with cmidrules under the group labels."""
    doc, (t,) = pdf_pages(path)
    t.text(60, 80, "Table 1. Brain tumour segmentation on the BraTS 2021 validation set.")
    first = 62 + t.width("TumourNet (ours)") + 2.5 if glued else 210.0  # the longest label nearly touches it
    xs = [first + 45 * k for k in range(3)] + [first + 160 + 45 * k for k in range(3)]
    w = t.width("85.30")
    t.hrule(60, 520, 90)
    t.centred(102, [(xs[0], xs[2] + w, "Dice (%)"), (xs[3], xs[5] + w, "HD95 (mm)")])
    t.hrule(xs[0], xs[2] + w, 106, 0.4)
    t.hrule(xs[3], xs[5] + w, 106, 0.4)
    t.text(62, 116, "Method")
    t.centred(116, [(x, x + w, name) for x, name in zip(xs, ["WT", "TC", "ET"] * 2, strict=True)])
    t.hrule(60, 520, 121)
    rows = [
        ("U-Net [3]", ["88.10", "80.20", "75.40", "6.10", "8.20", "9.30"]),
        ("TransBTS [4]", ["90.10", "83.20", "78.40", "5.20", "7.10", "8.00"]),
        ("TumourNet (ours)", ["91.20", "85.30", "80.10", "4.10", "6.00", "7.20"]),
    ]
    for i, (label, values) in enumerate(rows):
        y = 133 + 12 * i
        t.text(62, y, label)
        columns(t, xs, y, values)
    t.hrule(60, 520, 166)
    write_prose(t)
    doc.save(path)
    return path


def test_two_level_header_gives_every_column_its_path(tmp_path: Path) -> None:
    (table,) = parse(booktabs(tmp_path / "t.pdf")).tables
    assert table.number == "1" and table.caption.startswith("Table 1. Brain tumour")  # type: ignore[union-attr]
    assert (table.header_rows, table.stub_cols, table.n_cols) == (2, 1, 7)
    assert [table.header_path(j) for j in range(7)] == [
        ("Method",),
        ("Dice (%)", "WT"), ("Dice (%)", "TC"), ("Dice (%)", "ET"),
        ("HD95 (mm)", "WT"), ("HD95 (mm)", "TC"), ("HD95 (mm)", "ET"),
    ]
    assert body(table) == [
        ["U-Net [3]", "88.10", "80.20", "75.40", "6.10", "8.20", "9.30"],
        ["TransBTS [4]", "90.10", "83.20", "78.40", "5.20", "7.10", "8.00"],
        ["TumourNet (ours)", "91.20", "85.30", "80.10", "4.10", "6.00", "7.20"],
    ]
    assert all("Brain tumour" not in " ".join(table.header_path(j)) for j in range(7))  # caption kept apart


def test_a_label_set_close_to_its_first_value_is_its_own_cell(tmp_path: Path) -> None:
    (table,) = parse(booktabs(tmp_path / "t.pdf", glued=True)).tables
    assert body(table)[2][:2] == ["TumourNet (ours)", "91.20"]


def test_header_paths_become_metric_target_and_the_caption_gives_dataset_and_split(tmp_path: Path) -> None:
    ex = process(parse(booktabs(tmp_path / "t.pdf")), [OfflineExtractor()])
    got = {(r.model, r.metric, r.target, r.value): r for r in ex.results}
    own = got[("TumourNet", "dice", "WT", 0.912)]
    assert (own.dataset, own.split, own.proposed, own.source) == ("BraTS 2021", "validation", True, "paper")
    assert got[("TumourNet", "hd95", "ET", 7.2)].as_printed == "7.20"
    assert got[("U-Net", "dice", "TC", 0.802)].source == "cited"
    assert len({r.key for r in ex.results}) == len(ex.results) == 18  # WT, TC, ET: three records, not one
    x0, y0, x1, y1 = own.evidence.bbox or (0, 0, 0, 0)  # where the review highlights it: the row it was read from
    assert own.evidence.verified and x0 < 100 < 400 < x1 and y1 - y0 < 15


def ruled(path: Path) -> Path:
    """A fully ruled table: a dataset label printed once for its two rows, a header label over two columns."""
    doc, (t,) = pdf_pages(path)
    t.text(60, 80, "Table 2: Classification results of the compared networks.")
    xs = [60.0, 160.0, 300.0, 380.0, 460.0]  # column borders
    top, rows_y = 90.0, [90.0, 105.0, 120.0, 135.0, 150.0, 165.0, 180.0]
    for y in rows_y:
        t.hrule(xs[0] if y in (top, 120.0, 150.0, 180.0) else xs[1], xs[-1], y)
    t.hrule(xs[2], xs[-1], 105.0)
    for x in xs:
        t.vrule(x, 105.0 if x == xs[3] else top, 180.0)  # "Metrics" spans the two columns right of it
    t.text(64, 116, "Dataset")
    t.text(164, 116, "Method")
    t.centred(101, [(xs[2], xs[4], "Metrics")])
    t.centred(116, [(xs[2], xs[3], "Accuracy"), (xs[3], xs[4], "AUC")])
    t.hrule(xs[1], xs[2], 105.0)
    t.text(64, 139, "ChestX-ray14")
    table = [("ResNet-50", "0.842", "0.871"), ("LungNet", "0.861", "0.893"),
             ("ResNet-50", "0.795", "0.822"), ("LungNet", "0.812", "0.840")]
    for i, (model, acc, auc) in enumerate(table):
        y = 131 + 15 * i if i < 2 else 161 + 15 * (i - 2)
        t.row(y, [(164, model), (320, acc), (400, auc)])
    t.text(64, 169, "CheXpert")
    doc.save(path)
    return path


def test_ruled_table_spans_header_and_multirow_labels(tmp_path: Path) -> None:
    (table,) = parse(ruled(tmp_path / "t.pdf")).tables
    assert table.header_path(2) == ("Metrics", "Accuracy") and table.header_path(3) == ("Metrics", "AUC")
    assert table.header_path(1) == ("Method",)
    blocks = [(c.text, c.row_span) for c in table.cells if c.col == 0 and c.row >= table.header_rows]
    assert blocks == [("ChestX-ray14", 2), ("CheXpert", 2)]
    assert [r[1:] for r in body(table)] == [
        ["ResNet-50", "0.842", "0.871"], ["LungNet", "0.861", "0.893"],
        ["ResNet-50", "0.795", "0.822"], ["LungNet", "0.812", "0.840"],
    ]


def test_side_by_side_tables_with_captions_below_are_read_apart(tmp_path: Path) -> None:
    doc, (t,) = pdf_pages(tmp_path / "t.pdf")
    for x0, number, metric in ((60.0, "3", "Dice"), (320.0, "4", "Recall")):
        t.hrule(x0, x0 + 220, 90)
        t.row(102, [(x0 + 2, "Model"), (x0 + 150, metric)])
        t.hrule(x0, x0 + 220, 107)
        t.row(119, [(x0 + 2, "U-Net"), (x0 + 150, "0.81")])
        t.row(131, [(x0 + 2, "PolypNet"), (x0 + 150, "0.89")])
        t.hrule(x0, x0 + 220, 136)
        t.text(x0, 150, f"Table {number}: Results on Kvasir-SEG.")
    write_prose(t)
    doc.save(tmp_path / "t.pdf")
    three, four = parse(tmp_path / "t.pdf").tables
    rows = [["U-Net", "0.81"], ["PolypNet", "0.89"]]
    assert (three.number, three.header_path(1), body(three)) == ("3", ("Dice",), rows)
    assert (four.number, four.header_path(1), body(four)) == ("4", ("Recall",), rows)


def test_section_rows_wrapped_labels_and_values_with_their_std(tmp_path: Path) -> None:
    doc, (t,) = pdf_pages(tmp_path / "t.pdf")
    t.text(60, 80, "Table 5. Vessel segmentation results (mean ± std).")
    t.hrule(60, 400, 90)
    t.row(102, [(62, "Method"), (250, "Dice"), (330, "AUC")])
    t.hrule(60, 400, 107)
    t.text(62, 119, "Trained and tested on DRIVE")
    t.row(131, [(62, "Attention U-Net with deep"), (250, "0.80±0.02"), (330, "0.97±0.01")])
    t.text(62, 142, "supervision")
    t.row(154, [(62, "VesselNet"), (250, "0.83±0.01"), (330, "0.98±0.01")])
    t.hrule(60, 400, 159)
    write_prose(t)
    doc.save(tmp_path / "t.pdf")
    (table,) = parse(tmp_path / "t.pdf").tables
    section = next(c for c in table.cells if c.text == "Trained and tested on DRIVE")
    assert (section.col, section.col_span) == (0, table.n_cols)
    assert [r[0] for r in body(table)][1:] == ["Attention U-Net with deep supervision", "VesselNet"]
    ex = process(parse(tmp_path / "t.pdf"), [OfflineExtractor()])
    dice = next(r for r in ex.results if r.model == "VesselNet" and r.metric == "dice")
    assert (dice.value, dice.std, dice.dataset) == (0.83, 0.01, "DRIVE")


def test_a_superscript_citation_is_split_from_the_model_name(tmp_path: Path) -> None:
    doc, (t,) = pdf_pages(tmp_path / "t.pdf")
    t.text(60, 80, "Table 6. Accuracy on the ChestX-ray14 test set.")
    t.hrule(60, 400, 90)
    t.row(102, [(62, "Method"), (250, "Accuracy")])
    t.hrule(60, 400, 107)
    t.text(62, 119, "DenseNet-121")
    t.sup(62 + t.width("DenseNet-121") + 0.5, 119, "12")
    t.text(250, 119, "0.812")
    t.row(131, [(62, "ChestNet (ours)"), (250, "0.845")])
    t.hrule(60, 400, 136)
    write_prose(t)
    doc.save(tmp_path / "t.pdf")
    ex = process(parse(tmp_path / "t.pdf"), [OfflineExtractor()])
    cited = next(r for r in ex.results if r.value == 0.812)
    assert (cited.model, cited.source) == ("DenseNet-121", "cited")


def test_a_table_continued_on_the_next_page_keeps_its_header(tmp_path: Path) -> None:
    doc, pages = pdf_pages(tmp_path / "t.pdf", 2)
    parts = ([("U-Net", "0.81"), ("V-Net", "0.83")], [("LiverNet", "0.88"), ("SegNet", "0.79")])
    for n, (t, rows) in enumerate(zip(pages, parts, strict=True)):
        t.text(60, 80, "Table 7. Liver segmentation on LiTS." if n == 0 else "Table 7 (continued).")
        t.hrule(60, 400, 90)
        y = 102
        if n == 0:
            t.row(y, [(62, "Method"), (250, "Dice")])
            t.hrule(60, 400, 107)
            y = 119
        for model, value in rows:
            t.row(y, [(62, model), (250, value)])
            y += 12
        t.hrule(60, 400, y - 7)
        write_prose(t)
    doc.save(tmp_path / "t.pdf")
    _first, second = parse(tmp_path / "t.pdf").tables
    assert (second.number, second.continued, second.header_rows) == ("7", True, 0)
    ex = process(parse(tmp_path / "t.pdf"), [OfflineExtractor()])
    got = {(r.model, r.metric, r.value) for r in ex.results}
    assert got >= {("LiverNet", "dice", 0.88), ("SegNet", "dice", 0.79)}


def test_stacked_tables_under_one_caption_each_take_their_title_line(tmp_path: Path) -> None:
    doc, (t,) = pdf_pages(tmp_path / "t.pdf")
    t.text(60, 80, "Table 2. Image quality of the synthetic scans of each generator.")
    t.hrule(60, 400, 90)
    y = 102
    for title, values in (("Fréchet Inception Distance (FID)", ["24.6", "30.1"]),
                          ("Kernel Inception Distance (KID)", ["0.0021", "0.0047"])):
        t.centred(y, [(60, 400, title)])
        t.row(y + 12, [(62, "Generator"), (250, "Original"), (330, "Noisy")])
        t.row(y + 24, [(62, "ScanGAN (ours)"), (250, values[0]), (330, values[1])])
        t.row(y + 36, [(62, "CycleGAN [7]"), (250, "31.5" if title.startswith("F") else "0.0063"), (330, "40.2")])
        y += 52
    t.hrule(60, 400, y - 8)
    write_prose(t, y + 20)
    doc.save(tmp_path / "t.pdf")
    ex = process(parse(tmp_path / "t.pdf"), [OfflineExtractor()])
    got = {(r.model, r.metric, r.value, r.setting) for r in ex.results if r.model == "ScanGAN"}
    assert ("ScanGAN", "kid", 0.0021, "Original") in got and ("ScanGAN", "fid", 24.6, "Original") in got
