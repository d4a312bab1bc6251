"""Ingest: upload PDFs, check them, store them under the uploads folder and ingest them with a progress bar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from litextract.dashboard import data, nav
from litextract.ingest import FileOutcome, ingest
from litextract.prepare import one_line
from litextract.settings import Settings
from litextract.store import StoreError
from litextract.text import sha256

MAX_UPLOAD_MB = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def uploads_dir(settings: Settings) -> Path:
    """Uploaded PDFs are kept next to the database, in `uploads/<first 12 hex digits of sha256>/`."""
    return settings.db.resolve().parent / "uploads"


def safe_name(name: str) -> str:
    """A file name without folders or characters that could surprise a shell or a file system."""
    stem = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip("._") or "upload"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def check(upload: Upload) -> str | None:
    """Why the upload is refused, or None when it looks like a PDF within the size limit."""
    if len(upload.data) > MAX_UPLOAD_MB * 1024 * 1024:
        return f"{upload.name}: {len(upload.data) / 1e6:.0f} MB is over the {MAX_UPLOAD_MB} MB limit"
    if not upload.data.startswith(b"%PDF-"):
        return f"{upload.name}: not a PDF (it does not start with %PDF-)"
    return None


def save(upload: Upload, folder: Path) -> Path:
    """Write the upload to `folder/<sha256 prefix>/<safe name>` (identical content is written once)."""
    target = folder / sha256(upload.data)[:12] / safe_name(upload.name)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(upload.data)
    return target


def render() -> None:
    st.title("Ingest")
    settings = data.settings()
    st.caption(
        f"PDFs are checked, kept in `{uploads_dir(settings)}` and ingested into `{settings.db}` "
        f"(the same as `litextract ingest`; up to {MAX_UPLOAD_MB} MB each)."
    )
    files = st.file_uploader(
        "PDF files", type=["pdf"], accept_multiple_files=True, max_upload_size=MAX_UPLOAD_MB, key="uploads"
    )
    force = st.checkbox("Re-extract files already stored", key="ingest_force")
    if not st.button("Ingest", type="primary", disabled=not files, icon=":material/play_arrow:"):
        return
    paths = []
    for f in files or []:
        upload = Upload(f.name, f.getvalue())
        problem = check(upload)
        if problem:
            st.error(problem)
        else:
            paths.append(save(upload, uploads_dir(settings)))
    if paths:
        run(paths, settings, force)


def run(paths: list[Path], settings: Settings, force: bool) -> None:
    """Ingest with a progress bar; each paper is stored as soon as it is done."""
    bar = st.progress(0.0, text=f"ingesting {len(paths)} files")
    done: list[FileOutcome] = []

    def on_file(outcome: FileOutcome) -> None:
        done.append(outcome)
        bar.progress(len(done) / len(paths), text=f"{len(done)}/{len(paths)}: {outcome.path.name} {outcome.status}")

    in_process = settings.model_copy(update={"workers": 1})  # no worker processes forked from the server
    try:
        with data.exclusive():
            summary = ingest(paths, in_process, force=force, on_file=on_file)
    except StoreError as exc:
        bar.empty()
        st.error(one_line(exc))
        return
    except Exception as exc:  # one line for the person uploading, never a traceback
        bar.empty()
        st.error(f"ingest failed: {type(exc).__name__}: {one_line(exc)}")
        return
    bar.empty()
    st.dataframe(
        pd.DataFrame(
            [
                {"file": o.path.name, "status": o.status, "title": o.title, "reason": o.reason}
                for o in summary.outcomes
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for o in summary.outcomes:
        if o.status == "failed":
            st.error(o.line_for(o.path.name))  # the name uploaded, not where the server keeps it
        elif o.paper_id:
            nav.link("papers", f"Open {o.title or o.path.name}", paper=o.paper_id)
