"""The `litextract` command line: a thin layer over the library (typer + rich).

Each command imports the part of the library it uses when it runs, so `litextract --help` (and any command)
starts without loading what it does not need (pydantic models, DuckDB, PyMuPDF, the extractors).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape  # rich.console has loaded rich.markup and rich.text already
from rich.text import Text

if TYPE_CHECKING:
    import duckdb
    from rich.table import Table

    from litextract.ingest import FileOutcome
    from litextract.settings import Settings

app = typer.Typer(help="Extract datasets, models and results from medical-imaging papers.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file [env LITEXTRACT_DB; default ./litextract.duckdb]")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


def settings_from(**flags: Any) -> Settings:
    """Settings from litextract.toml and LITEXTRACT_* variables, with the given CLI flags on top; a setting that is
    not valid is one line naming it."""
    from pydantic import ValidationError

    from litextract.settings import load_settings

    try:
        return load_settings(**flags)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise fail(f"setting {where} (litextract.toml or LITEXTRACT_*): {problem['msg']}", 2) from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def table(title: str, columns: list[str], data: list[dict[str, Any]], widths: dict[str, int] | None = None) -> Table:
    """A rich table of `columns` from row dicts; lists are joined with '; '."""
    from rich.table import Table

    from litextract.export import cell
    from litextract.text import printable

    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, max_width=(widths or {}).get(c), overflow="fold")
    for row in data:  # as text, not rich markup; control characters (ESC, newline) escaped
        t.add_row(*(Text(printable(str(cell(row.get(c))))) for c in columns))
    return t


def listed(kind: str) -> list[str]:
    """The fields of a record kind the CLI's tables show (`records.Column.listed`)."""
    from litextract.records import stored_fields

    return [f.name for f in stored_fields(kind) if f.column.listed]


def fail(message: str, code: int = 1) -> typer.Exit:
    """The error printed as one line of plain text (no rich markup; control characters escaped)."""
    from litextract.text import printable

    err.print(Text.assemble(("error:", "red"), " ", printable(message)), soft_wrap=True, highlight=False)
    return typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF files or folders (searched recursively).")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-parse and re-extract unchanged files too.")] = False,
    grobid_url: Annotated[
        str | None, typer.Option("--grobid-url", help="GROBID server, e.g. http://localhost:8070")
    ] = None,
    llm: Annotated[str | None, typer.Option("--llm", help="LLM model name; switches LLM extraction on.")] = None,
    llm_base_url: Annotated[str | None, typer.Option("--llm-base-url", help="OpenAI-compatible endpoint.")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes that parse and extract (default: one per CPU).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Parse, extract and store every PDF under PATHS. Unchanged files are skipped."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from litextract.ingest import ingest as run_ingest
    from litextract.store import StoreError
    from litextract.text import printable

    settings = settings_from(db=db, grobid_url=grobid_url, llm_model=llm, llm_base_url=llm_base_url, workers=workers)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise fail(f"{missing[0]}: no such file or folder", 2)
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=as_json,
    )
    task = progress.add_task("", total=None)

    def on_file(outcome: FileOutcome) -> None:
        progress.advance(task)
        progress.update(task, description=escape(printable(outcome.path.name)))
        if outcome.status == "failed":
            progress.console.print(Text.assemble(("✗", "red"), " ", outcome.line), highlight=False, soft_wrap=True)

    try:
        with progress:
            summary = run_ingest(
                paths, settings, force=force, on_start=lambda n: progress.update(task, total=n), on_file=on_file
            )
    except StoreError as exc:
        raise fail(str(exc)) from exc
    except KeyboardInterrupt:
        err.print("interrupted: files finished so far are stored; run the same command again to do the rest")
        raise typer.Exit(130) from None
    counts = {s: summary.count(s) for s in ("ingested", "unchanged", "failed")}
    if as_json:
        print_json(
            {
                "run_id": summary.run_id,
                **counts,
                "files": [
                    {
                        "file": str(o.path),
                        "status": o.status,
                        "paper_id": o.paper_id,
                        "stage": o.stage,
                        "reason": o.reason,
                    }
                    for o in summary.outcomes
                ],
            }
        )
    else:
        console.print(
            f"{len(summary.outcomes)} files: [green]{counts['ingested']} ingested[/green], "
            f"{counts['unchanged']} unchanged, [red]{counts['failed']} failed[/red]"
            f" → {escape(printable(str(settings.db)))}"
        )
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def papers(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the stored papers."""
    from litextract.store import queries

    with _read(db) as con:
        data = queries.papers(con)
    if as_json:
        print_json(data)
        return
    console.print(
        table(
            f"{len(data)} papers",
            ["paper_id", *listed("paper"), "n_datasets", "n_models", "n_results", "file"],
            data,
            {"title": 60, "venue": 30, "file": 40},
        )
    )


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="paper id (or prefix), sha256 or file name")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One paper's records with their evidence."""
    from litextract.export import cell
    from litextract.records import HEADER_FIELDS
    from litextract.store import queries
    from litextract.text import printable

    with _read(db) as con:
        paper = queries.find_paper(con, ref)
        if paper is None:
            raise fail(f"{ref}: no single paper matches (try `litextract papers`)")
        pid = paper["paper_id"]
        record: dict[str, Any] = {
            "paper": paper,
            "files": queries.paper_files(con, paper["sha256"]),
            "datasets": queries.datasets(con, pid, include_rejected=True, include_mentioned=True),
            "models": queries.models(con, pid, include_rejected=True),
            "results": queries.results(con, pid, include_rejected=True),
        }
    if as_json:
        print_json(record)
        return
    for key in HEADER_FIELDS:
        console.print(Text.assemble((key, "bold"), ": ", printable(str(cell(paper[key])))))
    console.print(Text.assemble(("files", "bold"), ": ", printable("; ".join(record["files"]))))
    ev = ["evidence_page", "evidence_quote", "verified", "review_status"]
    for kind in ("dataset", "model", "result"):
        columns = [*listed(kind), *ev]
        console.print(table(f"{kind}s", columns, record[f"{kind}s"], {"evidence_quote": 50, "size_text": 30}))


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder for the CSV files.")] = Path("review"),
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the comparison CSVs (papers, datasets, models, results) for the review."""
    from litextract.export import export as write_tables
    from litextract.text import printable

    if out.exists() and not out.is_dir():
        raise fail(f"{out}: is a file, not a folder; give --out a folder")
    protocol = settings_from(db=db).protocol()
    with _read(db) as con:
        try:
            written = write_tables(con, out, protocol)
        except OSError as exc:
            raise fail(f"{exc.filename or out}: cannot write the export: {exc.strerror or exc}") from exc
    if as_json:
        print_json({"out": str(out), "files": written})
        return
    for name, n in written.items():
        console.print(Text(f"{printable(str(out / name))}: {n} rows"), highlight=False)


@app.command()
def errors(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Files that failed, with the stage and the reason."""
    from litextract.store import queries

    with _read(db) as con:
        data = queries.errors(con)
    if as_json:
        print_json(data)
        return
    console.print(
        table(f"{len(data)} errors", ["run_id", "file", "stage", "reason", "failed_at"], data, {"reason": 70})
    )


@app.command()
def migrate(db: DbOption = None) -> None:
    """Bring a database written by an older litextract up to date (read-only commands never change it)."""
    from litextract.store import StoreError, upgrade

    settings = settings_from(db=db)
    try:
        applied = upgrade(settings.db)
    except StoreError as exc:
        raise fail(str(exc)) from exc
    if applied:
        console.print(f"{settings.db}: applied migration {', '.join(f'{v:03d}' for v in applied)}", highlight=False)
    else:
        console.print(f"{settings.db}: up to date", highlight=False)


@contextmanager
def _read(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the configured database; a clear error when there is none."""
    from litextract.store import StoreError, connect

    settings = settings_from(db=db)
    try:
        with connect(settings.db, read_only=True) as con:
            yield con
    except StoreError as exc:
        raise fail(str(exc)) from exc


@app.command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of X.gold.json files (docs/gold-format.md).")],
    db: DbOption = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            help="NAME=FILE: also score the gold papers listed in FILE (one gold file name a "
            "line) as a group; repeatable.",
        ),
    ] = None,
    per_paper: Annotated[bool, typer.Option("--per-paper", help="Also print one row per gold paper.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Score the database against gold annotations: precision/recall/F1 and accuracy per field
    (docs/evaluation.md)."""
    from litextract.eval import evaluate, read_group
    from litextract.gold import GoldError
    from litextract.text import printable

    if not gold.is_dir():
        raise fail(f"{gold}: not a folder of gold files", 2)
    groups: dict[str, tuple[Path, list[str]]] = {}
    for spec in group or []:
        name, sep, file = spec.partition("=")
        if not sep or not name.strip() or not file.strip():
            raise fail(f"--group {spec}: expected NAME=FILE", 2)
        try:
            groups[name.strip()] = (Path(file.strip()), read_group(Path(file.strip())))
        except GoldError as exc:
            raise fail(str(exc), 2) from exc
    with _read(db) as con:
        report = evaluate(con, gold)
    for name, (path, files) in groups.items():
        report.add_group(name, files, str(path))
    for line in report.errors:
        err.print(f"[red]✗[/red] {escape(printable(line))}", highlight=False, soft_wrap=True)
    if as_json:
        print_json(report.to_json())
        return
    parts = [("all", report)] + [(name, report.group(name)) for name in report.groups]
    for name, part in parts:
        title = f"{name}: {len(part.papers)} gold papers" + (f" in {gold}" if part is report else "")
        console.print(table(title, ["field", "P", "R", "F1", "tp", "fp", "fn"], part.set_rows()))
        console.print(table(f"{name}: accuracy", ["field", "right", "of", "acc"], part.accuracy_rows()))
    if per_paper:
        console.print(
            "\n[bold]per paper[/bold]: ds datasets, mod models, bb backbones, res results as "
            "matched/gold+extra;\nown bb (own model's backbone), split as right/of",
            highlight=False,
        )
        for row in report.paper_rows():
            console.print(row.pop("file"), highlight=False, soft_wrap=True)
            wrong = row.pop("wrong")
            console.print("  " + "  ".join(f"{k} {v}" for k, v in row.items() if v), highlight=False)
            if wrong:
                console.print(f"  wrong: {wrong}", highlight=False)
    if report.missing:
        console.print(f"[yellow]not in the database:[/yellow] {', '.join(report.missing)}", highlight=False)


@app.command()
def doctor(
    grobid_url: Annotated[str | None, typer.Option("--grobid-url", help="GROBID server to check.")] = None,
    llm: Annotated[str | None, typer.Option("--llm", help="LLM model to check.")] = None,
    llm_base_url: Annotated[str | None, typer.Option("--llm-base-url", help="OpenAI-compatible endpoint.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the optional services the settings point at; exit 1 when one is configured but not working."""
    from litextract.extract.llm import llm_status
    from litextract.parse.grobid import grobid_status

    settings = settings_from(grobid_url=grobid_url, llm_model=llm, llm_base_url=llm_base_url)
    # Each check returns (name, ok, detail) from the library; a new service adds its check to this list.
    checks: list[Callable[[Settings], tuple[str, bool, str]]] = [grobid_status, llm_status]
    results = [check(settings) for check in checks]
    if as_json:
        print_json([{"check": name, "ok": ok, "detail": detail} for name, ok, detail in results])
    else:
        for name, ok, detail in results:
            mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
            console.print(f"{mark} {name}: {detail}", highlight=False, soft_wrap=True)
    if not all(ok for _, ok, _ in results):
        raise typer.Exit(1)


@app.command()
def review(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port of the dashboard.")] = 8501,
    host: Annotated[
        str, typer.Option("--host", help="Address to serve on; other than loopback it needs a password.")
    ] = "127.0.0.1",
    allowed_host: Annotated[
        list[str] | None,
        typer.Option("--allowed-host", help="Another name browsers reach the dashboard by (repeat)."),
    ] = None,
) -> None:
    """Open the dashboard (review queue, papers, leaderboards) for the database: `streamlit run`."""
    import os

    import litextract.dashboard
    from litextract.dashboard import access
    from litextract.store import StoreError, upgrade

    settings = settings_from(db=db)
    problem = access.exposure_problem(host, settings.dashboard_password is not None)
    if problem:
        raise fail(f"--host {host}: {problem}", 2)
    if settings.db.exists():  # the dashboard writes reviews: an older database is brought up to date first
        try:
            upgrade(settings.db)
        except StoreError as exc:
            raise fail(str(exc)) from exc
    script = Path(litextract.dashboard.__file__).parent / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(script), *access.server_flags(host, port, allowed_host)]
    shown = f"[{host}]" if ":" in host else host
    console.print(f"dashboard for {settings.db} on http://{shown}:{port} (Ctrl+C stops it)", highlight=False)
    sys.stdout.flush()
    # this process becomes the Streamlit server, so Ctrl+C and signals reach it directly; the password, if any,
    # reaches it through the environment or litextract.toml, never the command line
    os.execve(sys.executable, command, {**os.environ, "LITEXTRACT_DB": str(settings.db.resolve())})


@app.command()
def dedupe(
    db: DbOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would merge, and why; change nothing.")
    ] = False,
    undo: Annotated[int | None, typer.Option("--undo", help="Reverse the merge with this id.")] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Confirm an alias, KIND:ALIAS=CANONICAL (kind: dataset, backbone, ...)."),
    ] = None,
    history: Annotated[bool, typer.Option("--history", help="List the merges made so far.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Merge duplicate papers (preprint + published) and spellings of one dataset or backbone (docs/dedup.md)."""
    from litextract import dedup
    from litextract.store import StoreError, connect

    if history or dry_run:
        if alias or undo is not None:
            raise fail("--alias and --undo change the database: run them without --dry-run/--history", 2)
        with _read(db) as con:
            data: Any = dedup.history(con) if history else dedup.dedupe(con, dry_run=True)
    else:
        settings = settings_from(db=db)
        try:
            with connect(settings.db) as con:
                if undo is not None:
                    data = dedup.undo(con, undo)
                else:
                    for spec in alias or []:
                        kind, _, rest = spec.partition(":")
                        name, _, canonical = rest.partition("=")
                        dedup.confirm_alias(con, kind.strip(), name, canonical, settings.reviewer)
                    data = dedup.dedupe(con)
        except (StoreError, dedup.DedupError) as exc:
            raise fail(str(exc)) from exc
    if isinstance(data, dedup.Plan):
        data = {"merges": [m.row() for m in data.merges], "skipped": data.skipped, "dry_run": dry_run}
    if as_json:
        print_json(data)
    elif history:
        console.print(
            table(
                f"{len(data)} merges",
                ["merge_id", "kind", "canonical", "members", "rule", "score", "merged_at", "undone_at"],
                data,
                {"members": 50},
            )
        )
    elif undo is not None:
        console.print(f"merge {undo} ({data['kind']}: {', '.join(data['members'])}) undone", highlight=False)
    elif not data["merges"] and not data["skipped"]:
        console.print("nothing to merge", highlight=False)
    else:
        verb = "would merge" if dry_run else "merged"
        console.print(
            table(
                f"{len(data['merges'])} {verb}",
                ["merge_id", "kind", "canonical", "members", "rule", "score", "why"],
                data["merges"],
                {"members": 40, "why": 60},
            )
        )
        if data["skipped"]:
            console.print(
                table(
                    f"{len(data['skipped'])} near-duplicates not merged",
                    ["kind", "members", "rule", "reason"],
                    data["skipped"],
                    {"reason": 60},
                )
            )


@app.command()
def extract(
    llm: Annotated[str | None, typer.Option("--llm", help="LLM model [env LITEXTRACT_LLM_MODEL].")] = None,
    llm_base_url: Annotated[str | None, typer.Option("--llm-base-url", help="OpenAI-compatible endpoint.")] = None,
    paper: Annotated[
        list[str] | None, typer.Option("--paper", help="Paper id, prefix or file name (repeat); default all.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-extract stored papers with an LLM (and the offline extractor), without parsing the PDFs again."""
    from litextract.reextract import Reextracted, reextract
    from litextract.store import StoreError, queries
    from litextract.text import printable

    settings = settings_from(db=db, llm_model=llm, llm_base_url=llm_base_url)
    if not settings.llm_model:
        raise fail("no LLM model: pass --llm MODEL or set LITEXTRACT_LLM_MODEL (docs/llm.md)", 2)

    def on_paper(outcome: Reextracted) -> None:
        if not as_json:
            mark = "[green]✓[/green]" if outcome.ok else "[red]✗[/red]"
            detail = f"{outcome.records} records" if outcome.ok else outcome.reason
            console.print(f"{mark} {escape(printable(f'{outcome.file}: {detail}'))}", highlight=False)

    with _read(db) as con:
        ids, missing = queries.find_papers(con, paper or [])
    if missing:
        raise fail(f"{missing[0]}: no single paper matches (try `litextract papers`)")
    try:
        run_id, outcomes = reextract(settings, ids, on_paper)
    except StoreError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json({"run_id": run_id, "papers": [vars(o) for o in outcomes]})
    else:
        console.print(
            f"{sum(o.ok for o in outcomes)} of {len(outcomes)} papers re-extracted with {settings.llm_model};"
            " LLM faults: `litextract errors`, calls and tokens: `litextract costs`",
            highlight=False,
        )
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


@app.command()
def costs(db: DbOption = None, as_json: JsonOption = False) -> None:
    """LLM calls, retries, tokens and cost per model and per paper (prices: setting llm_prices, USD per 1M)."""
    from litextract.store.llm_calls import costs as llm_costs

    settings = settings_from(db=db)
    with _read(db) as con:
        data = llm_costs(con, settings.llm_prices)
    if as_json:
        print_json(data)
        return
    sums = ["calls", "cached", "failed", "skipped", "retries", "prompt_tokens", "completion_tokens", "cost_usd"]
    console.print(table("LLM use per model", ["model", *sums], data["by_model"]))
    console.print(table("per paper", ["paper_id", "file", "model", *sums], data["by_paper"], {"file": 40}))


@app.command()
def verify(
    paper: Annotated[
        list[str] | None, typer.Option("--paper", help="Paper id, prefix or file name (repeat); default all.")
    ] = None,
    device: Annotated[str, typer.Option("--device", help="cuda | cpu | auto")] = "auto",
    data: Annotated[
        Path | None, typer.Option("--data", help="ImageFolder tree, MedMNIST .npz or NIfTI folder: re-run metrics.")
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", help="Training epochs of a metric re-run.", min=1)] = 3,
    out: Annotated[Path, typer.Option("--out", help="Folder for the Grad-CAM images.")] = Path("verify-report"),
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the backbones papers use; check their parameters, FLOPs, input size, speed and metrics."""
    from litextract.verify import missing_extra

    hint = missing_extra()
    if hint:
        raise fail(hint, 2)  # printed as text: its [verify] is not markup
    from litextract.store import StoreError
    from litextract.text import printable
    from litextract.verify.data import DataError
    from litextract.verify.run import Options, as_dicts
    from litextract.verify.run import verify as run_verify
    from litextract.verify.train import Budget

    if device not in ("auto", "cpu", "cuda"):
        raise fail(f"--device {device}: use cuda, cpu or auto", 2)
    settings = settings_from(db=db)
    options = Options(device=device, data=data, budget=Budget(epochs=epochs), out=out)
    try:
        run = run_verify(
            settings.db,
            paper or [],
            options,
            on_target=lambda t: err.print(Text(printable(f"verify {t.file}: {t.backbone.name}")), highlight=False),
        )
    except (StoreError, DataError, RuntimeError) as exc:
        raise fail(str(exc)) from exc
    for ref in run.missing:
        err.print(
            f"[red]✗[/red] {escape(printable(ref))}: no single paper matches (try `litextract papers`)",
            highlight=False,
        )
    rows = as_dicts(run)
    if as_json:
        print_json({"device": run.device, "hardware": run.hardware, "software": run.software, "checks": rows})
    else:
        for row in rows:
            row["claimed"] = row["claimed_text"] or row["claimed"]
            measured = row["measured"]
            if isinstance(measured, int | float):
                row["measured"] = f"{measured:,.4g}" if isinstance(measured, float) else f"{measured:,}"
        console.print(
            table(
                f"{len(rows)} checks on {run.hardware}",
                ["file", "backbone", "check_kind", "claimed", "measured", "unit", "verdict", "reason"],
                rows,
                {"file": 28, "reason": 60},
            )
        )
    if run.missing:
        raise typer.Exit(1)


# --- the review workflow of a systematic review (README "The review workflow")

ReviewerOption = Annotated[
    str | None, typer.Option("--reviewer", help="Who decides [setting reviewer / LITEXTRACT_REVIEWER].")
]
ConsensusOption = Annotated[
    bool, typer.Option("--consensus", help="A consensus decision that resolves the reviewers' conflict.")
]


@contextmanager
def _write(db: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection for a review decision; the protocol's and the store's refusals as one line."""
    from litextract.protocol import ProtocolError
    from litextract.store import StoreError, connect
    from litextract.store.decisions import ReviewError

    settings = settings_from(db=db)
    try:
        with connect(settings.db) as con:
            yield con
    except (StoreError, ProtocolError, ReviewError) as exc:
        raise fail(str(exc)) from exc


@app.command()
def screen(
    refs: Annotated[
        list[str] | None, typer.Argument(help="Papers: id (or a 6+ digit prefix), sha256 or file name.")
    ] = None,
    include: Annotated[bool, typer.Option("--include", help="Include the papers.")] = False,
    exclude: Annotated[
        str | None, typer.Option("--exclude", help="Exclude the papers for REASON (one of exclusion_reasons).")
    ] = None,
    maybe: Annotated[bool, typer.Option("--maybe", help="Undecided: look again later.")] = False,
    stage: Annotated[str, typer.Option("--stage", help="abstract (title/abstract) or full-text.")] = "abstract",
    flagged: Annotated[
        str | None,
        typer.Option(
            "--flagged", help="Also every paper the extractor flagged: not-deep-learning, not-medical-imaging."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Decide for --flagged papers without asking.")] = False,
    reviewer: ReviewerOption = None,
    consensus: ConsensusOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen papers at the title/abstract or full-text stage: include, exclude with a reason, or maybe."""
    from litextract.protocol import ProtocolError
    from litextract.store import queries, screening
    from litextract.text import printable

    chosen = [name for name, on in (("include", include), ("exclude", exclude is not None), ("maybe", maybe)) if on]
    if len(chosen) != 1:
        raise fail("give one decision: --include, --exclude REASON or --maybe", 2)
    if not refs and not flagged:
        raise fail("name the papers to screen (REF ...) or --flagged FLAG", 2)
    settings = settings_from(db=db)
    protocol = settings.protocol()
    try:
        exclude = protocol.reason(exclude) if exclude is not None else None
    except ProtocolError as exc:
        raise fail(str(exc), 2) from exc
    with _read(db) as con:
        ids, missing = queries.find_papers(con, refs) if refs else ([], [])
        try:
            hinted = screening.flagged(con, flagged) if flagged else []
        except ProtocolError as exc:
            raise fail(str(exc), 2) from exc
        files = dict(con.execute("SELECT paper_id, file FROM papers").fetchall())
    if missing:
        raise fail(f"{missing[0]}: no single paper matches (try `litextract papers`)")
    if flagged and not hinted and not ids:
        raise fail(f"no paper is flagged {flagged}")
    if hinted and not yes:
        what = f"{chosen[0]} {len(hinted)} papers flagged {flagged} at the {stage} stage"
        for pid in hinted:
            err.print(Text(f"  {printable(files.get(pid, pid))}"), highlight=False)
        if not typer.confirm(what + "?", err=True):
            raise fail("nothing decided")
    papers = list(dict.fromkeys([*ids, *hinted]))
    name = reviewer or settings.reviewer
    with _write(db) as con:
        changed = screening.screen(
            con, papers, stage, chosen[0], name, reason=exclude, consensus=consensus, protocol=protocol
        )
    decision = chosen[0] + (f" ({exclude})" if exclude else "")
    if as_json:
        print_json(
            {
                "stage": stage,
                "decision": chosen[0],
                "reason": exclude,
                "reviewer": name,
                "consensus": consensus,
                "papers": [{"paper_id": p, "file": files.get(p), "changed": p in changed} for p in papers],
            }
        )
        return
    for pid in papers:
        note = "" if pid in changed else " (unchanged)"
        console.print(Text(printable(f"{stage}: {decision} {files.get(pid, pid)} by {name}{note}")), highlight=False)


@app.command()
def field(
    ref: Annotated[str, typer.Argument(help="The paper: id (or prefix), sha256 or file name.")],
    name: Annotated[str, typer.Argument(help="A custom field of litextract.toml's [[fields]].")],
    value: Annotated[str, typer.Argument(help="Its value (yes/no, a number, one of its values, text; '' clears).")],
    reviewer: ReviewerOption = None,
    consensus: ConsensusOption = False,
    db: DbOption = None,
) -> None:
    """Fill one of the review's own extraction fields for a paper."""
    from litextract.store import queries, screening
    from litextract.text import printable

    settings = settings_from(db=db)
    with _read(db) as con:
        paper = queries.find_paper(con, ref)
    if paper is None:
        raise fail(f"{ref}: no single paper matches (try `litextract papers`)")
    who = reviewer or settings.reviewer
    with _write(db) as con:
        done = screening.set_field(
            con, paper["paper_id"], name, value, who, consensus=consensus, protocol=settings.protocol()
        )
    note = "" if done else " (unchanged)"
    console.print(Text(printable(f"{paper['file']}: {name} = {value} by {who}{note}")), highlight=False)


@app.command()
def agreement(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Cohen's kappa and percent agreement of each pair of reviewers per stage and field, and the open conflicts."""
    from litextract.agreement import agreement as measure

    settings = settings_from(db=db)
    with _read(db) as con:
        data = measure(con, settings.protocol())
    if as_json:
        print_json(data)
        return
    console.print(table("agreement", ["measure", "reviewers", "n", "agreement", "kappa"], data["measures"]))
    console.print(
        table(
            f"{len(data['conflicts'])} open conflicts (resolve: litextract resolve ID --adopt REVIEWER)",
            ["id", "file", "what", "decisions"],
            data["conflicts"],
            {"id": 18, "file": 16, "what": 16},
        )
    )


@app.command()
def resolve(
    conflict: Annotated[str, typer.Argument(help="The conflict's id, as `litextract agreement` lists it.")],
    adopt: Annotated[str, typer.Option("--adopt", help="The reviewer whose decision becomes the consensus.")],
    reviewer: ReviewerOption = None,
    db: DbOption = None,
) -> None:
    """Resolve a conflict: a consensus decision equal to one reviewer's."""
    from litextract.agreement import resolve as settle

    settings = settings_from(db=db)
    who = reviewer or settings.reviewer
    with _write(db) as con:
        done = settle(con, conflict, adopt, who, settings.protocol())
    note = "" if done else " (it was the consensus already)"
    console.print(Text(f"{conflict}: {adopt}'s decision adopted by {who}{note}"), highlight=False)


@app.command()
def prisma(
    svg: Annotated[Path | None, typer.Option("--svg", help="Also write the PRISMA 2020 flow diagram here.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The PRISMA 2020 flow counts of the review (and its flow diagram as SVG)."""
    from litextract import prisma as flow_of

    settings = settings_from(db=db)
    with _read(db) as con:
        flow = flow_of.flow(con, settings.protocol())
    counts = flow.counts()
    if svg is not None:
        try:
            svg.write_text(flow_of.svg(counts), encoding="utf-8")
        except OSError as exc:
            raise fail(f"{svg}: cannot write the diagram: {exc.strerror or exc}") from exc
    if as_json:
        print_json(counts | {"boxes": flow.boxes})
        return
    details = {
        "identified": "identified_by_source",
        "excluded_abstract": "excluded_abstract_reasons",
        "excluded_full_text": "excluded_full_text_reasons",
    }
    data: list[dict[str, Any]] = []
    for key, label in PRISMA_LINES:
        data.append({"box": label, "n": counts[key]})
        data += [{"box": f"  {part}", "n": n} for part, n in counts.get(details.get(key, ""), {}).items()]
    console.print(table("PRISMA 2020 flow", ["box", "n"], data))
    if svg is not None:
        console.print(Text(f"flow diagram: {svg}"), highlight=False)


PRISMA_LINES = [
    ("identified", "Records identified"),
    ("duplicates_removed", "Duplicate records removed"),
    ("screened", "Records screened"),
    ("excluded_abstract", "Records excluded"),
    ("awaiting_screening", "Records awaiting screening"),
    ("sought_for_retrieval", "Reports sought for retrieval"),
    ("not_retrieved", "Reports not retrieved"),
    ("assessed_for_eligibility", "Reports assessed for eligibility"),
    ("excluded_full_text", "Reports excluded"),
    ("awaiting_assessment", "Reports awaiting assessment"),
    ("included", "Studies included in review"),
]
