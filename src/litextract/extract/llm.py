"""LLM extraction: each chunk of a paper sent to an OpenAI-compatible endpoint through instructor.

Per paper: the Document is chunked (llm_chunks), each chunk is answered from the reply cache (llm_cache) or
sent — at most `llm_concurrency` at a time — with the `extract_v1` prompt, and the validated replies become
records whose evidence source is `llm:<model>:extract_v1`: every chunk's records, in page order (the same record
from two chunks is combined after grounding, `litextract.combine`), and each header field as the earliest chunk
states it. The Extraction also carries one `LLMCall` per chunk and, when chunks failed (or were not sent because
the paper's `llm_token_budget` was spent), one warning with stage "llm"; ingest and `litextract extract` store
them (`llm_calls`, `errors`) under their run. The extractor never raises for an LLM fault, and opens no
database: it returns what the other chunks gave, so the offline records of the paper always stay.

Retries: the openai client's own retries are off (max_retries=0) so every attempt is counted here. One
tenacity loop, handed to instructor as its `max_retries`, re-sends after a timeout, a connection error, HTTP 429
(waiting what Retry-After / retry-after-ms says, up to 60 s) or 5xx (back-off `llm_retry_wait` doubling), and
re-asks with the validation error after invalid JSON or schema-invalid output — `llm_max_retries` times in all.
A reply cut off at max_tokens (finish_reason "length") fails at once: a re-send would be cut off again.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import instructor
import jinja2
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException, ResponseParsingError
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from litextract.document import Document
from litextract.extract.llm_cache import ReplyCache, cache_key, schema_hash
from litextract.extract.llm_chunks import Chunk, chunk_document, estimate_tokens
from litextract.extract.llm_response import LLMExtraction
from litextract.records import Dataset, DatasetSize, Evidence, Extraction, LLMCall, Model, Paper, Result
from litextract.settings import Settings

PROMPT_VERSION = "extract_v1"
MAX_RETRY_AFTER = 60.0
MIN_CHUNK_TOKENS = 500

log = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR with the server's error text, which can echo the API key; the
# attempts are recorded in llm_calls instead (key blanked), so instructor's own logger is kept quiet.
logging.getLogger("instructor").setLevel(logging.CRITICAL)

_prompts = jinja2.Environment(
    loader=jinja2.PackageLoader("litextract", "prompts"), undefined=jinja2.StrictUndefined, autoescape=False
)
_RETRYABLE = (
    ValidationError,
    json.JSONDecodeError,
    ResponseParsingError,
    openai.APIConnectionError,  # includes APITimeoutError
    openai.RateLimitError,
    openai.InternalServerError,
)
_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}


class LLMConfigError(ValueError):
    """The LLM settings cannot work (no API key, context window too small, unknown mode)."""


def is_openai(settings: Settings) -> bool:
    return settings.llm_base_url is None or "api.openai.com" in settings.llm_base_url


def resolve_mode(settings: Settings) -> instructor.Mode:
    """`llm_mode` when set; else TOOLS for api.openai.com and JSON for other OpenAI-compatible servers."""
    if settings.llm_mode is None:
        return instructor.Mode.TOOLS if is_openai(settings) else instructor.Mode.JSON
    try:
        return _MODES[settings.llm_mode.lower()]
    except KeyError:
        raise LLMConfigError(f"llm_mode {settings.llm_mode!r}: use one of {', '.join(_MODES)}") from None


def api_key(settings: Settings) -> str:
    """The key from settings or OPENAI_API_KEY; local servers that need none get a placeholder."""
    if settings.llm_api_key is not None:
        return settings.llm_api_key.get_secret_value()
    if os.environ.get("OPENAI_API_KEY"):
        return os.environ["OPENAI_API_KEY"]
    if not is_openai(settings):
        return "no-key"
    raise LLMConfigError("no API key: set OPENAI_API_KEY or LITEXTRACT_LLM_API_KEY")


def make_client(settings: Settings) -> openai.AsyncOpenAI:
    """The openai client for the settings, its own retries off (they are counted here instead)."""
    return openai.AsyncOpenAI(
        base_url=settings.llm_base_url, api_key=api_key(settings), max_retries=0, timeout=settings.llm_timeout
    )


def llm_status(settings: Settings) -> tuple[str, bool, str]:
    """('LLM', ok, detail) for `litextract doctor`: does the endpoint answer GET /models and list the model."""
    if not settings.llm_model:
        return "LLM", True, "not configured (optional): offline extraction only; set --llm or LITEXTRACT_LLM_MODEL"
    where = settings.llm_base_url or "api.openai.com"
    try:
        with openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=api_key(settings),
            max_retries=0,
            timeout=min(10.0, settings.llm_timeout),
        ) as client:
            listed = [m.id for m in client.models.list()]
    except (LLMConfigError, openai.OpenAIError) as exc:
        return "LLM", False, f"{where}: {error_line(settings, exc)}"
    if listed and settings.llm_model not in listed:
        return "LLM", False, f"{where} answers but does not list {settings.llm_model!r} (has {', '.join(listed[:5])})"
    return "LLM", True, f"{where} answers; model {settings.llm_model}, mode {resolve_mode(settings).name}"


def render_prompt(doc: Document, chunk: Chunk, n_chunks: int) -> str:
    template = _prompts.get_template(f"{PROMPT_VERSION}.md.j2")
    return template.render(file=doc.file, pages=chunk.page_range, chunk_number=chunk.index + 1, n_chunks=n_chunks)


def retry_after(headers: Any) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date); None when absent."""
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            return max(0.0, (email.utils.parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def error_line(settings: Settings, exc: BaseException) -> str:
    """The error as one line of at most 200 characters, the API key (settings or OPENAI_API_KEY) blanked out."""
    text = str(exc)
    for secret in (
        settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        os.environ.get("OPENAI_API_KEY"),
    ):
        if secret:
            text = redact(text, secret)
    return f"{type(exc).__name__}: {' '.join(text.split())}"[:200]


def redact(text: str, secret: str) -> str:
    """`text` with `secret` blanked out as written and as an error message may quote it: escaped for JSON or
    a Python repr (a backslash doubled, quotes escaped) and URL-encoded."""
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret + '"')[1:-2],  # the repr that escapes ' instead of using "..."
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(secret),
        urllib.parse.quote_plus(secret),
    }
    for form in sorted(forms, key=len, reverse=True):  # a longer form first: it may contain a shorter one
        text = text.replace(form, "***")
    return text


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, IncompleteOutputException):
        return "truncated"
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limit"
    if isinstance(exc, openai.InternalServerError):
        return "server_error"
    if isinstance(exc, ValidationError | json.JSONDecodeError | ResponseParsingError):
        return "invalid"
    return "error"


def to_extraction(reply: LLMExtraction, source: str) -> Extraction:
    """The records a chunk's reply states, each with its evidence attributed to `source`."""

    def ev(page: int, quote: str) -> Evidence:
        return Evidence(page=page, quote=quote, source=source)

    header: dict[str, Any] = {}
    evidence: dict[str, Evidence] = {}
    for name in type(reply.paper).model_fields:
        fact = getattr(reply.paper, name)
        if fact is not None:
            header[name] = fact.value
            evidence[name] = ev(fact.page, fact.quote)
    return Extraction(
        paper=Paper(**header, evidence=evidence),
        datasets=[
            Dataset(
                name=d.name,
                mention=d.name,
                modality=d.modality,
                body_part=d.body_part,
                size=DatasetSize(patients=d.patients, scans=d.scans, images=d.images, slices=d.slices, text=d.size),
                tasks=d.tasks,
                public=d.public,
                url=d.url,
                evidence=ev(d.page, d.quote),
            )
            for d in reply.datasets
        ],
        models=[
            Model(
                name=m.name,
                backbone=m.backbone,
                task=m.task,
                proposed=m.proposed,
                pretrained=m.pretrained,
                evidence=ev(m.page, m.quote),
            )
            for m in reply.models
        ],
        results=[
            Result(
                model=r.model,
                dataset=r.dataset,
                metric=r.metric,
                value=r.value,
                as_printed=r.as_printed,
                split=r.split,
                evidence=ev(r.page, r.quote),
            )
            for r in reply.results
        ],
        extractor=source,
    )


@dataclass
class _Budget:
    limit: int
    used: int = 0


class LLMExtractor:
    """Extracts with an LLM through instructor; see the module docstring."""

    name = "llm"

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_model:
            raise LLMConfigError("no LLM model configured (--llm or LITEXTRACT_LLM_MODEL)")
        self.settings = settings
        self.model: str = settings.llm_model
        self.version = f"{self.model}:{PROMPT_VERSION}"
        self.source = f"llm:{self.model}:{PROMPT_VERSION}"
        self.cache = ReplyCache(settings.cache_dir / "llm")
        self.schema = schema_hash(LLMExtraction)
        self.schema_tokens = estimate_tokens(json.dumps(LLMExtraction.model_json_schema()))

    def extract(self, doc: Document) -> Extraction:
        try:
            replies = asyncio.run(self._run(doc))
            calls = [call for call, _ in replies]
            failure = self._failure(calls)
        except LLMConfigError as exc:
            replies, calls, failure = [], [], f"LLM not run: {exc}"
        if failure:
            log.warning("%s: %s", doc.path, failure[:300])
        chunks = [to_extraction(reply, self.source) for _, reply in replies if reply is not None]
        return Extraction(
            paper=_earliest([chunk.paper for chunk in chunks]),
            datasets=[d for chunk in chunks for d in chunk.datasets],
            models=[m for chunk in chunks for m in chunk.models],
            results=[r for chunk in chunks for r in chunk.results],
            extractor=self.source,
            warnings={"llm": failure[:300]} if failure else {},
            llm_calls=calls,
        )

    def chunk_tokens(self, doc: Document) -> int:
        """Tokens of paper text one chunk may hold: the context less the prompt, the schema and the reply."""
        overhead = estimate_tokens(render_prompt(doc, Chunk(0, (1,), ""), 1)) + self.schema_tokens
        room = self.settings.llm_context_tokens - overhead - self.settings.llm_max_output_tokens
        if room < MIN_CHUNK_TOKENS:
            raise LLMConfigError(
                f"llm_context_tokens {self.settings.llm_context_tokens} leaves {room} tokens for paper text after"
                f" the prompt (~{overhead}) and the reply ({self.settings.llm_max_output_tokens}); raise it"
            )
        return room

    async def _run(self, doc: Document) -> list[tuple[LLMCall, LLMExtraction | None]]:
        mode = resolve_mode(self.settings)
        chunks = chunk_document(doc, self.chunk_tokens(doc))
        budget = _Budget(self.settings.llm_token_budget)
        limit = asyncio.Semaphore(max(1, self.settings.llm_concurrency))
        async with make_client(self.settings) as client:
            llm = instructor.from_openai(client, mode=mode)
            return await asyncio.gather(
                *(self._chunk(llm, doc, chunk, len(chunks), limit, budget) for chunk in chunks)
            )

    async def _chunk(
        self,
        llm: instructor.AsyncInstructor,
        doc: Document,
        chunk: Chunk,
        n_chunks: int,
        limit: asyncio.Semaphore,
        budget: _Budget,
    ) -> tuple[LLMCall, LLMExtraction | None]:
        call = LLMCall(model=self.model, prompt_version=PROMPT_VERSION, chunk=chunk.index, pages=chunk.page_range)
        key = cache_key(PROMPT_VERSION, self.model, chunk.text, self.schema)
        async with limit:
            hit = self.cache.get(key, LLMExtraction)
            if hit is not None:
                budget.used += hit.prompt_tokens + hit.completion_tokens
                call.cached = True
                return call, hit.reply
            system = render_prompt(doc, chunk, n_chunks)
            estimate = estimate_tokens(system) + self.schema_tokens + chunk.tokens
            if budget.used + estimate > budget.limit:
                call.outcome = "budget"
                call.error = f"token budget {budget.limit} per paper spent ({budget.used} used); chunk not sent"
                return call, None
            budget.used += estimate
            retrying = AsyncRetrying(
                stop=stop_after_attempt(self.settings.llm_max_retries + 1),
                retry=retry_if_exception_type(_RETRYABLE),
                wait=self._wait,
                reraise=True,
            )
            started = time.perf_counter()
            reply: LLMExtraction | None = None
            usage: Any = None
            try:
                reply = await llm.chat.completions.create(
                    model=self.model,
                    messages=[
                        {"role": "system", "content": system},
                        {"role": "user", "content": f"<paper_text>\n{chunk.text}\n</paper_text>"},
                    ],
                    response_model=LLMExtraction,
                    max_retries=retrying,
                    max_tokens=self.settings.llm_max_output_tokens,
                    temperature=0,
                )
                usage = getattr(reply, "_total_usage", None)
            except IncompleteOutputException as exc:
                usage = getattr(exc.last_completion, "usage", None)
                call.outcome, call.error = "truncated", "reply cut off at max_tokens (finish_reason=length)"
            except InstructorRetryException as exc:
                cause = exc.__cause__ or exc
                usage = exc.total_usage
                call.outcome, call.error = _outcome(cause), error_line(self.settings, cause)
            except openai.OpenAIError as exc:
                call.outcome, call.error = _outcome(exc), error_line(self.settings, exc)
            call.latency_s = time.perf_counter() - started
            call.attempts = int(retrying.statistics.get("attempt_number", 1))
            call.prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
            call.completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
            spent = call.prompt_tokens + call.completion_tokens
            budget.used += (spent or estimate) - estimate
            if reply is not None:
                self.cache.put(key, reply, call.prompt_tokens, call.completion_tokens)
            return call, reply

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when the server sent one, back-off for other API errors, none before a re-ask."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.APIStatusError):
            after = retry_after(exc.response.headers)
            if after is not None:
                return min(after, MAX_RETRY_AFTER)
        if isinstance(exc, openai.APIError):
            return min(self.settings.llm_retry_wait * 2 ** (state.attempt_number - 1), 30.0)
        return 0.0

    @staticmethod
    def _failure(calls: list[LLMCall]) -> str | None:
        """One line for the errors table: which chunks failed and how, and the first error's text."""
        failed = [c for c in calls if c.outcome != "ok"]
        if not failed:
            return None
        what = "; ".join(
            f"{c.chunk + 1} (p. {c.pages}) {c.outcome}" + (f" after {c.attempts} attempts" if c.attempts else "")
            for c in failed
        )
        head = f"LLM failed on {len(failed)} of {len(calls)} chunks, offline records kept"
        return f"{head}: {failed[0].error}; chunks {what}"


def _earliest(papers: list[Paper]) -> Paper:
    """The header fields as the earliest chunk states them (chunks are in page order; the header is on page 1)."""
    values: dict[str, Any] = {}
    evidence: dict[str, Evidence] = {}
    for paper in papers:
        for name, found in paper.evidence.items():
            if name not in values:
                values[name], evidence[name] = getattr(paper, name), found
    return Paper(**values, evidence=evidence)
