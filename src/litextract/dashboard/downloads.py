"""Export: the comparison CSVs (zipped) and an Excel workbook, for the papers the sidebar filters select."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import streamlit as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from litextract import export
from litextract.dashboard import data, filters
from litextract.store.queries import Row

Tables = dict[str, tuple[list[str], list[Row]]]
_RECORD_TABLES = {"paper_datasets.csv", "models.csv", "results.csv"}


def filtered_tables(paper_ids: set[str] | None, verified_only: bool = False) -> Tables:
    """Every table of `litextract.export.tables`, limited to the given papers (None = all).

    With `verified_only`, dataset, model and result rows are those verified or accepted/edited by a reviewer.
    """
    out: Tables = {}
    with data.reading(data.settings().db) as con:
        for name, (columns, query) in export.tables(data.settings().protocol()).items():
            table = query(con)
            if paper_ids is not None and "paper_ids" in columns:
                table = [r | {"paper_ids": sorted(set(r["paper_ids"]) & paper_ids)} for r in table]
                table = [r | {"n_papers": len(r["paper_ids"])} for r in table if r["paper_ids"]]
            elif paper_ids is not None:
                table = [r for r in table if r["paper_id"] in paper_ids]
            if verified_only and name in _RECORD_TABLES:
                table = [r for r in table if r["verified"] or r["review_status"] in ("accepted", "edited")]
            out[name] = (columns, table)
    return out


def to_zip(tables: Tables) -> bytes:
    """The CSVs as `litextract export` writes them, in one zip file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, table) in tables.items():
            text = io.StringIO()
            export.write_rows(text, columns, table)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def _excel_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    value = export.cell(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000])
    cell.data_type = "s"  # a title starting with "=" stays text
    return cell


def to_xlsx(tables: Tables) -> bytes:
    """One worksheet per table; text is always stored as text, never as a formula."""
    book = openpyxl.Workbook(write_only=True)
    for name, (columns, table) in tables.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        sheet.append(columns)
        for row in table:
            sheet.append([_excel_cell(sheet, row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render() -> None:
    st.title("Export")
    chosen = filters.sidebar_filters()
    active = {k: v for k, v in chosen.items() if v}
    papers = data.read("filter_papers", **chosen)
    ids = None if not active else {p["paper_id"] for p in papers}
    scope = "every paper" if ids is None else f"the papers the sidebar filters select ({len(ids):,})"
    st.write(f"Comparison tables for {scope}, with the evidence and review status of every value.")
    verified_only = bool(chosen.get("verified_only"))

    def build(make: Callable[[Tables], bytes]) -> Callable[[], bytes]:
        return lambda: make(filtered_tables(ids, verified_only))

    left, right = st.columns(2)
    left.download_button(
        "CSV files (zip)",
        build(to_zip),
        file_name="litextract-export.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        "Excel workbook",
        build(to_xlsx),
        file_name="litextract-export.xlsx",
        icon=":material/table:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        width="stretch",
    )
    with st.expander("What is in it"):
        for name, (columns, _) in export.tables(data.settings().protocol()).items():
            st.markdown(f"**{name}**: {', '.join(columns)}")
