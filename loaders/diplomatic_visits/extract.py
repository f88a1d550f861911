"""Extract records from articles with any model: the loop around prompt, profile, lift and
validate, done once, properly.

For each article the model is asked for the ``llm`` profile (:mod:`diplomatic_visits.prompt`),
as structured output where the server takes it: an OpenAI-compatible endpoint (OpenAI, vLLM,
SGLang, Ollama, llama.cpp's server) gets ``response_format: json_schema``, and falls back to
JSON mode with the schema in the prompt when it refuses that; Anthropic gets a forced tool
whose input schema is the profile. The answer is lifted (:func:`diplomatic_visits.profile.lift`,
quotes grounded with a status each) and validated against the article; an answer that cannot
be read, or a record that is not valid, is sent back with the validator's messages
(``max_repairs`` times), as instructor does.

Around that: a limit on concurrent calls; 429 and 5xx answered with backoff that honours the
server's ``Retry-After``; an on-disk cache of every call, keyed by the whole request (model,
parameters, prompt, profile and article: the messages hold them), so a rerun costs nothing and
a killed run resumes without repeating a call; progress on stderr; and a run manifest beside
the output. Every article ends as a record in the output or as an entry of the issues file
saying why: nothing is dropped. API keys are read from the environment and never written.

>>> from diplomatic_visits.extract import Options, extract, read_articles
>>> articles = read_articles(["articles/"])  # doctest: +SKIP
>>> run = extract(articles, Options("gpt-5-mini"), "records.jsonl")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from diplomatic_visits._version import __version__
from diplomatic_visits.errors import DiplomaticVisitsError, InputError

Provider = Literal["openai", "anthropic"]
Mode = Literal["auto", "json_schema", "json_object"]
Status = Literal["valid", "invalid", "unreadable", "failed"]
PROVIDERS: tuple[Provider, ...] = ("openai", "anthropic")
KEY_ENV: Mapping[str, str] = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
ARTICLE_SUFFIXES = (".txt",)
TABLE_SUFFIXES = (".jsonl", ".ndjson")
CACHE_FORMAT = 1  # part of every cache key: a change of what is stored starts a new cache
TOOL_NAME = "record"


class ExtractError(DiplomaticVisitsError):
    """A run that cannot go on: no API key, a key the server refuses, an unknown model."""


# --- articles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """One article to extract: its id (the record's ``article.id``), text and where it came
    from (``path``, with ``:LINE`` for a JSON Lines row)."""

    id: str
    text: str
    path: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_articles(
    inputs: Sequence[str], text_column: str = "text", id_column: str = "id"
) -> list[Article]:
    """The articles of ``inputs``: ``.txt`` files (the id is the file name without ``.txt``),
    folders (their ``.txt``, ``.jsonl`` and ``.ndjson`` files, in name order), and JSON Lines
    files with one object per line holding the text in ``text_column`` (and the id in
    ``id_column``, default ``FILE-LINE``). Raises :class:`InputError` for anything unreadable,
    an empty article, or two articles with one id."""
    from diplomatic_visits.parse import decode, parse_document

    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES + TABLE_SUFFIXES
            )
            if not found:
                raise InputError(item, "folder holds no article (.txt, .jsonl or .ndjson file)")
            files.extend(found)
        elif not p.exists():
            raise InputError(item, "no such file or folder")
        else:
            files.append(p)
    out: list[Article] = []
    seen: dict[str, str] = {}

    def add(a: Article) -> None:
        if not a.text.strip():
            raise InputError(a.path, "the article is empty")
        if a.id in seen:
            raise InputError(a.path, f"article id {a.id!r} is also that of {seen[a.id]}")
        seen[a.id] = a.path
        out.append(a)

    for f in files:
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise InputError(str(f), f"cannot read: {exc.strerror or exc}") from None
        suffix = f.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            for n, raw in enumerate(data.splitlines(), 1):
                if not raw.strip():
                    continue
                row = parse_document(decode(raw, str(f), n), str(f), n)
                text = row.get(text_column) if isinstance(row, dict) else None
                if not isinstance(text, str):
                    raise InputError(
                        str(f),
                        f"each line must be an object with the article's text in {text_column!r} "
                        "(--text-column names another)",
                        n,
                    )
                aid = row.get(id_column)
                add(
                    Article(
                        aid if isinstance(aid, str) and aid else f"{f.stem}-{n}", text, f"{f}:{n}"
                    )
                )
        elif suffix in ARTICLE_SUFFIXES or suffix == "":
            add(Article(f.stem, decode(data, str(f), None), str(f)))
        else:
            raise InputError(
                str(f), "not an article: give .txt files, folders of them, or JSON Lines rows"
            )
    return out


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How to call the model and run the loop (the command's options)."""

    model: str
    provider: Provider = "openai"
    base_url: str | None = None
    api_key_env: str | None = None  # the variable holding the key (default per provider)
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    mode: Mode = "auto"
    jobs: int = 4
    max_repairs: int = 2
    retries: int = 6
    backoff: float = 1.0  # the first wait without a Retry-After, in seconds; doubles each time
    max_wait: float = 120.0  # the longest wait between two tries, Retry-After included
    timeout: float = 600.0
    chunk_chars: int | None = None
    chunk_overlap: int = 1000
    price: tuple[float, float] | None = None  # USD per million input and output tokens
    schema_version: str | None = None

    def parameters(self) -> dict[str, Any]:
        """The parameters that shape an answer (part of every cache key and the manifest)."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
        }


# --- the providers ---------------------------------------------------------------------------


@dataclass
class Reply:
    """One answer of the model: its JSON text, or the object a tool call carried."""

    answer: str | dict[str, Any]
    input_tokens: int = 0
    output_tokens: int = 0
    finish: str | None = None
    mode: str = ""


class CallFailed(Exception):
    """A call that got no answer: ``retryable`` (429, 5xx, a dropped connection), ``fatal``
    for the whole run (a refused key, an unknown model), or neither (this request is refused)."""

    def __init__(
        self,
        message: str,
        retryable: bool = False,
        retry_after: float | None = None,
        fatal: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.fatal = fatal
        self.status = status


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The wait a server asks for: ``retry-after-ms``, or ``Retry-After`` in seconds or as an
    HTTP date; None when it asks for none."""
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        with contextlib.suppress(ValueError):
            return max(0.0, float(ms) / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    return None


def _status_failure(status: int, message: str, headers: Mapping[str, str] | None) -> CallFailed:
    said = f"HTTP {status}: {message}"
    if status in (408, 409, 429) or status >= 500:
        return CallFailed(said, retryable=True, retry_after=retry_after(headers), status=status)
    return CallFailed(said, fatal=status in (401, 403, 404), status=status)


def _need(package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError:
        raise ExtractError(
            f"extract needs the {package!r} package: pip install 'diplomatic-visits[llm]'"
        ) from None


def _key(opts: Options) -> str:
    env = opts.api_key_env or KEY_ENV[opts.provider]
    key = os.environ.get(env)
    if key:
        return key
    if opts.base_url is not None:
        return "none"  # a local server (vLLM, Ollama, llama.cpp) takes any key
    raise ExtractError(
        f"set {env} to your API key (it is read from the environment only, never from a file "
        "or an argument), or give --base-url for a server that needs none"
    )


def _json_mode_messages(messages: list[dict[str, str]], schema: Any) -> list[dict[str, str]]:
    """Messages for a server without ``json_schema``: the schema joins the instructions."""
    note = (
        "\n\nAnswer with one JSON object and nothing else, following this JSON Schema:\n"
        + json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    )
    out = [dict(m) for m in messages]
    if out and out[0]["role"] == "system":
        out[0]["content"] += note
    else:
        out.insert(0, {"role": "system", "content": note.strip()})
    return out


class OpenAIBackend:
    """Any OpenAI-compatible chat completions endpoint, through the ``openai`` SDK."""

    def __init__(self, opts: Options, client: Any = None) -> None:
        self.opts = opts
        self._openai = _need("openai")
        self.client = client or self._openai.OpenAI(
            api_key=_key(opts), base_url=opts.base_url, max_retries=0, timeout=opts.timeout
        )
        self.mode: str = "json_object" if opts.mode == "json_object" else "json_schema"
        self._lock = threading.Lock()

    def call(self, messages: list[dict[str, str]], schema: Any) -> Reply:
        mode = self.mode
        try:
            return self._create(messages, schema, mode)
        except CallFailed as exc:
            if exc.status != 400 or mode != "json_schema" or self.opts.mode != "auto":
                raise
        with self._lock:  # the server refuses json_schema: JSON mode for the rest of the run
            self.mode = "json_object"
        return self._create(messages, schema, "json_object")

    def _create(self, messages: list[dict[str, str]], schema: Any, mode: str) -> Reply:
        o = self._openai
        kwargs: dict[str, Any] = {"model": self.opts.model}
        for name, value in self.opts.parameters().items():
            if value is not None:
                kwargs[name] = value
        if mode == "json_schema":
            kwargs["messages"] = messages
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": TOOL_NAME, "strict": True, "schema": schema},
            }
        else:
            kwargs["messages"] = _json_mode_messages(messages, schema)
            kwargs["response_format"] = {"type": "json_object"}
        try:
            reply = self.client.chat.completions.create(**kwargs)
        except o.APIStatusError as exc:
            raise _status_failure(exc.status_code, _message(exc), exc.response.headers) from None
        except o.APIConnectionError as exc:
            raise CallFailed(f"no answer from the server: {exc}", retryable=True) from None
        if not reply.choices:
            raise CallFailed("the server answered with no choice", retryable=True)
        choice = reply.choices[0]
        usage = reply.usage
        return Reply(
            choice.message.content or "",
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
            choice.finish_reason,
            mode,
        )


class AnthropicBackend:
    """Anthropic's Messages API through the ``anthropic`` SDK: the profile is the input schema
    of a tool the model must call."""

    def __init__(self, opts: Options, client: Any = None) -> None:
        self.opts = opts
        self._anthropic = _need("anthropic")
        self.client = client or self._anthropic.Anthropic(
            api_key=_key(opts), base_url=opts.base_url, max_retries=0, timeout=opts.timeout
        )
        self.mode = "tool"
        self._tool_schema: tuple[int, Any] | None = None

    def _input_schema(self, schema: Any) -> Any:
        """The profile as Anthropic's converter writes a tool's input schema (once per run)."""
        if self._tool_schema is None or self._tool_schema[0] != id(schema):
            self._tool_schema = (id(schema), self._anthropic.transform_schema(schema))
        return self._tool_schema[1]

    def call(self, messages: list[dict[str, str]], schema: Any) -> Reply:
        a = self._anthropic
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        kwargs: dict[str, Any] = {
            "model": self.opts.model,
            "max_tokens": self.opts.max_tokens or 16000,
            "messages": [m for m in messages if m["role"] != "system"],
            "tools": [
                {
                    "name": TOOL_NAME,
                    "description": "The record of the article, as the schema says.",
                    "input_schema": self._input_schema(schema),
                }
            ],
            "tool_choice": {"type": "tool", "name": TOOL_NAME},
        }
        if system:
            kwargs["system"] = system
        if self.opts.temperature is not None:
            kwargs["temperature"] = self.opts.temperature
        try:
            reply = self.client.messages.create(**kwargs)
        except a.APIStatusError as exc:
            raise _status_failure(exc.status_code, _message(exc), exc.response.headers) from None
        except a.APIConnectionError as exc:
            raise CallFailed(f"no answer from the server: {exc}", retryable=True) from None
        answer: str | dict[str, Any] = ""
        for block in reply.content:
            if block.type == "tool_use":
                answer = dict(block.input) if isinstance(block.input, Mapping) else ""
                break
            if block.type == "text":
                answer = f"{answer}{block.text}"
        usage = reply.usage
        return Reply(
            answer,
            getattr(usage, "input_tokens", 0) or 0,
            getattr(usage, "output_tokens", 0) or 0,
            reply.stop_reason,
            self.mode,
        )


def _message(exc: Exception) -> str:
    text = str(getattr(exc, "message", "") or exc)
    return text if len(text) <= 300 else text[:297] + "..."


Backend = OpenAIBackend | AnthropicBackend


def make_backend(opts: Options, client: Any = None) -> Backend:
    """The backend of ``opts.provider`` (``client``: a ready SDK client, e.g. with a stand-in
    transport)."""
    if opts.provider == "anthropic":
        return AnthropicBackend(opts, client)
    return OpenAIBackend(opts, client)


# --- the cache -------------------------------------------------------------------------------


class Cache:
    """Answers on disk, one JSON file per request, named by the sha256 of the request.

    The request holds the provider, model, parameters, the messages (the prompt, the article
    and any repair round) and the profile's sha256, so a change to any of them is a new entry.
    Writes are atomic (a temporary file renamed into place): a killed run leaves whole entries
    or none, and its temporary files are removed by the next run."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._sweep()

    def _sweep(self) -> None:
        old = time.time() - 3600  # another run's file being written now is younger than that
        for tmp in self.root.glob("*/.*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < old:
                    tmp.unlink()

    @staticmethod
    def key(request: Mapping[str, Any]) -> str:
        blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            value = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent, or not ours: asked again
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            Path(tmp).replace(path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                Path(tmp).unlink()
            raise


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/diplomatic-visits/extract`` (``~/.cache/...`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "diplomatic-visits" / "extract"


# --- chunks ----------------------------------------------------------------------------------


def split_text(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """[start, end) of the chunks of a text longer than ``size`` characters: each ends at a
    line break (else a sentence end, else a space) in its second half, and the next starts
    ``overlap`` characters before that end, at the start of a line or word, so that a sentence
    cut by one chunk is whole in the next."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    if len(text) <= size:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + size, len(text))
        if end < len(text):
            half = start + size // 2
            for sep in ("\n", ". ", " "):
                cut = text.rfind(sep, half, end)
                if cut >= 0:
                    end = cut + len(sep)
                    break
        out.append((start, end))
        if end >= len(text):
            return out
        nxt = max(end - overlap, start + 1)
        for sep in ("\n", " "):  # the first line (else word) that starts in the overlap
            cut = text.find(sep, nxt - 1, end - 1)
            if cut >= 0:
                nxt = cut + 1
                break
        start = max(nxt, start + 1)


# --- one article -----------------------------------------------------------------------------


@dataclass
class ArticleResult:
    """How one article ended: a ``valid`` record, an ``invalid`` one (with its issues), an
    ``unreadable`` answer, or a ``failed`` call; with what it took."""

    article: Article
    status: Status
    record: dict[str, Any] | None = None
    issues: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    calls: int = 0
    cached: int = 0
    repairs: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0

    def as_issue(self) -> dict[str, Any]:
        """The entry of the issues file for this article."""
        out: dict[str, Any] = {
            "article": self.article.id,
            "source": self.article.path,
            "status": self.status,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.issues:
            out["issues"] = self.issues
        if self.notes:
            out["notes"] = self.notes
        if self.placements:
            out["placements"] = self.placements
        if self.status == "invalid" and self.record is not None:
            out["record"] = self.record
        return out


def repair_message(problems: Sequence[str], unreadable: bool) -> str:
    """What a model is told when its answer is sent back (the validator's own messages)."""
    head = (
        "Your answer could not be read as one JSON object:"
        if unreadable
        else "The record in your answer is not valid. The validator says:"
    )
    shown = list(problems[:40])
    more = f"\n- ... and {len(problems) - 40} more" if len(problems) > 40 else ""
    return (
        f"{head}\n"
        + "\n".join(f"- {p}" for p in shown)
        + more
        + "\n\nAnswer again with the whole corrected JSON object, and nothing else. Quotes must "
        "be copied from the article exactly."
    )


class _Counts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls = self.cached = self.retries = self.repairs = 0
        self.input_tokens = self.output_tokens = 0
        self.cached_input_tokens = self.cached_output_tokens = 0


class Runner:
    """The loop over articles: one backend, one cache, counters shared by the workers."""

    def __init__(
        self,
        opts: Options,
        backend: Backend | None = None,
        cache: Cache | None = None,
        progress: TextIO | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from diplomatic_visits.profile import profile_schema
        from diplomatic_visits.schema import latest_version

        self.opts = opts
        self.backend = backend or make_backend(opts)
        self.cache = cache
        self.progress = progress
        self.sleep = sleep
        self.version = opts.schema_version or latest_version()
        self.schema = profile_schema(self.version)
        self.schema_sha256 = hashlib.sha256(
            json.dumps(self.schema, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        self.counts = _Counts()
        self.stopped = threading.Event()
        self.refusal: ExtractError | None = None
        self.done = 0
        self.total = 0
        self.statuses: dict[str, int] = {}
        self._tty = bool(progress is not None and getattr(progress, "isatty", lambda: False)())

    # one call, through the cache, with retries
    def ask(self, messages: list[dict[str, str]], result: ArticleResult) -> Reply:
        request = {
            "format": CACHE_FORMAT,
            "provider": self.opts.provider,
            "model": self.opts.model,
            "parameters": self.opts.parameters(),
            "profile_sha256": self.schema_sha256,
            "messages": messages,
        }
        key = Cache.key(request)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and "answer" in hit:
                with self.counts.lock:
                    self.counts.cached += 1
                    self.counts.cached_input_tokens += int(hit.get("input_tokens", 0))
                    self.counts.cached_output_tokens += int(hit.get("output_tokens", 0))
                result.cached += 1
                return Reply(
                    hit["answer"],
                    int(hit.get("input_tokens", 0)),
                    int(hit.get("output_tokens", 0)),
                    hit.get("finish"),
                    str(hit.get("mode", "")),
                )
        reply = self._call(messages, result)
        with self.counts.lock:
            self.counts.calls += 1
            self.counts.input_tokens += reply.input_tokens
            self.counts.output_tokens += reply.output_tokens
        result.calls += 1
        result.input_tokens += reply.input_tokens
        result.output_tokens += reply.output_tokens
        if self.cache is not None:
            self.cache.put(
                key,
                {
                    "answer": reply.answer,
                    "input_tokens": reply.input_tokens,
                    "output_tokens": reply.output_tokens,
                    "finish": reply.finish,
                    "mode": reply.mode,
                    "model": self.opts.model,
                },
            )
        return reply

    def _call(self, messages: list[dict[str, str]], result: ArticleResult) -> Reply:
        attempt = 0
        while True:
            if self.stopped.is_set():  # another worker's call was refused for the whole run
                raise ExtractError("the run was stopped")
            try:
                return self.backend.call(messages, self.schema)
            except CallFailed as exc:
                if exc.fatal:
                    self.refusal = ExtractError(f"the server refused the run: {exc}")
                    self.stopped.set()
                    raise self.refusal from None
                if not exc.retryable or attempt >= self.opts.retries:
                    raise
                wait = exc.retry_after
                if wait is None:  # exponential backoff with jitter
                    wait = self.opts.backoff * 2**attempt * random.uniform(0.5, 1.0)
                attempt += 1
                with self.counts.lock:
                    self.counts.retries += 1
                result.retries += 1
                self.sleep(min(wait, self.opts.max_wait))

    # one article
    def run_article(self, article: Article) -> ArticleResult:
        started = time.perf_counter()
        result = ArticleResult(article, "failed")
        try:
            self._article(article, result)
        except CallFailed as exc:
            result.status, result.reason = "failed", f"no answer: {exc}"
        except DiplomaticVisitsError:
            raise  # the run stops (a refused key): ExtractError
        except Exception as exc:  # a bug of ours must not lose the other articles
            result.status = "failed"
            result.reason = f"internal error ({type(exc).__name__}: {exc}); please report it"
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _article(self, article: Article, result: ArticleResult) -> None:
        size = self.opts.chunk_chars
        spans = (
            split_text(article.text, size, self.opts.chunk_overlap)
            if size
            else [(0, len(article.text))]
        )
        parts: list[dict[str, Any]] = []
        for n, (start, end) in enumerate(spans):
            label = f"chunk {n + 1} of {len(spans)} [{start}, {end}): " if len(spans) > 1 else ""
            record, ok = self._chunk(article, article.text[start:end], start, label, result)
            if record is None or not ok:
                return  # the result says why
            parts.append(record)
        record = parts[0] if len(parts) == 1 else merge_records(parts, article.text)
        self._finish(article, record, result)

    def _chunk(
        self, article: Article, text: str, offset: int, label: str, result: ArticleResult
    ) -> tuple[dict[str, Any] | None, bool]:
        from diplomatic_visits.profile import AnswerError, lift
        from diplomatic_visits.prompt import messages as prompt_messages
        from diplomatic_visits.validate import iter_record_issues

        messages = prompt_messages(text, self.version)
        record: dict[str, Any] | None = None
        for attempt in range(self.opts.max_repairs + 1):
            reply = self.ask(messages, result)
            unreadable = False
            try:
                record, notes = lift(reply.answer, text, article_id=article.id)
            except AnswerError as exc:
                problems, unreadable, record = [str(exc)], True, None
                if reply.finish == "length":
                    problems[0] += " (the server says the answer hit the output token limit)"
            else:
                problems = [f"{i} ({i.keyword})" for i in iter_record_issues(record, text=text)]
                if not problems:
                    result.notes.extend(f"{label}{n}" for n in notes)
                    for p in (n.placement for n in notes if n.placement is not None):
                        d = p.as_dict()
                        if d["start"] is not None:
                            d["start"] += offset
                            d["end"] += offset
                        result.placements.append(d)
                    _shift(record, offset)
                    return record, True
            if attempt == self.opts.max_repairs:
                result.status = "unreadable" if unreadable else "invalid"
                result.issues = [f"{label}{p}" for p in problems]
                result.reason = (
                    f"{label}the answer could not be read after {attempt + 1} tries"
                    if unreadable
                    else f"{label}the record is not valid after {attempt + 1} tries"
                )
                result.record = record
                return record, False
            result.repairs += 1
            with self.counts.lock:
                self.counts.repairs += 1
            said = (
                reply.answer
                if isinstance(reply.answer, str)
                else json.dumps(reply.answer, ensure_ascii=False)
            )
            messages = [
                *messages,
                {"role": "assistant", "content": said},
                {"role": "user", "content": repair_message(problems, unreadable)},
            ]
        raise AssertionError("unreachable")  # pragma: no cover

    def _finish(self, article: Article, record: dict[str, Any], result: ArticleResult) -> None:
        from diplomatic_visits.validate import iter_record_issues

        _fill_text_file(record, article)
        issues = [f"{i} ({i.keyword})" for i in iter_record_issues(record, text=article.text)]
        result.record = record
        if issues:  # only a merge of chunks can get here with issues
            result.status, result.issues = "invalid", issues
            result.reason = "the record merged from the chunks is not valid"
        else:
            result.status = "valid"

    # many articles
    def run(self, articles: Sequence[Article]) -> list[ArticleResult]:
        """Every article's result, in the order of ``articles``."""
        self.total = len(articles)
        results: list[ArticleResult | None] = [None] * len(articles)
        with ThreadPoolExecutor(max_workers=max(1, self.opts.jobs)) as pool:
            futures = {pool.submit(self.run_article, a): i for i, a in enumerate(articles)}
            try:
                for fut in as_completed(futures):
                    r = fut.result()
                    results[futures[fut]] = r
                    self.done += 1
                    self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                    self._show()
            except BaseException as exc:
                self.stopped.set()
                for f in futures:
                    f.cancel()
                if isinstance(exc, ExtractError) and self.refusal is not None:
                    raise self.refusal from None  # the cause, not a worker that saw it
                raise
        if self.progress is not None and self._tty:
            self.progress.write("\n")
        return [r for r in results if r is not None]

    def cost(self) -> float | None:
        """USD spent by this run's calls, when a price was given."""
        if self.opts.price is None:
            return None
        pin, pout = self.opts.price
        c = self.counts
        return round((c.input_tokens * pin + c.output_tokens * pout) / 1e6, 6)

    def _show(self) -> None:
        if self.progress is None:
            return
        c = self.counts
        states = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        cost = self.cost()
        line = (
            f"extract: {self.done}/{self.total} articles ({states}); {c.calls} calls, "
            f"{c.cached} from the cache, {c.retries} retries, {c.repairs} repairs; tokens "
            f"{c.input_tokens:,} in, {c.output_tokens:,} out"
            + (f"; ${cost:.4f}" if cost is not None else "")
        )
        self.progress.write(f"\r{line}" if self._tty else f"{line}\n")
        self.progress.flush()


def _shift(record: Any, offset: int) -> None:
    """Move every span's offsets by ``offset`` (a chunk's record into the article)."""
    if not offset:
        return
    from diplomatic_visits.checks import iter_spans

    for _, span in iter_spans(record):
        if isinstance(span, dict) and isinstance(span.get("start"), int):
            span["start"] += offset
            span["end"] += offset


def _fill_text_file(record: dict[str, Any], article: Article) -> None:
    """The article's own text file (a chunk's record names the chunk's)."""
    art = record.get("article")
    if isinstance(art, dict) and isinstance(art.get("text_file"), dict):
        art["text_file"]["sha256"] = article.sha256
        art["text_file"]["length"] = len(article.text)


# --- merging the records of chunks -----------------------------------------------------------


def _is_span(v: Any) -> bool:
    return isinstance(v, dict) and "quote" in v and set(v) <= {"start", "end", "quote"}


def _span_key(v: Any) -> Any:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _merge_values(a: Any, b: Any) -> Any:
    """``a`` completed by ``b``: empty values filled, lists joined without repeats, objects
    merged key by key; where both say something different, ``a`` (the earlier chunk) stays."""
    if a is None or a == []:
        return b
    if isinstance(a, list) and isinstance(b, list):
        seen = {_span_key(x) for x in a}
        out = a + [x for x in b if _span_key(x) not in seen]
        # a quote left without offsets in one chunk and placed in another: the placed one
        placed = {x["quote"] for x in out if _is_span(x) and x.get("start") is not None}
        return [x for x in out if not (_is_span(x) and "start" not in x and x["quote"] in placed)]
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [*a, *(k for k in b if k not in a)]
        return {
            k: _merge_values(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in keys
        }
    return a


def _rename(value: Any, names: Mapping[str, str]) -> None:
    """Replace, in place, every id of ``names`` in ``value`` by its new name (references
    included; the words of a span are never an id)."""
    items: Any
    if isinstance(value, dict):
        if _is_span(value):
            return
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for k, v in list(items):
        if isinstance(v, str):
            if v in names:
                value[k] = names[v]
        else:
            _rename(v, names)


def _at(record: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        record = record[step]
    return record


def merge_records(parts: Sequence[dict[str, Any]], text: str) -> dict[str, Any]:
    """One record from the valid records of an article's chunks. Objects are paired as the
    scorer pairs a prediction with the gold (:func:`diplomatic_visits.score.iter_pairs`: every
    kind the schema declares with an id, nested kinds within their paired parents): a pair is
    one object, its evidence and empty fields completed from the later chunk, and the later
    chunk's references renamed to it; an object with no pair is added (renamed if its id is
    taken), under the counterpart of its parent. So a visit told across two chunks is one
    visit."""
    import copy

    from diplomatic_visits.score import iter_pairs, plan_for_pair

    merged = copy.deepcopy(parts[0])
    for part in parts[1:]:
        part = copy.deepcopy(part)
        plan = plan_for_pair(part, merged)
        pairs = list(iter_pairs(part, merged, plan=plan))
        where = {p.pred_path: p.gold_path for p in pairs if p.pred_path and p.gold_path}
        taken = {
            _at(merged, p.gold_path).get(plan.shapes[p.kind].id_key)
            for p in pairs
            if p.gold_path and plan.shapes[p.kind].id_key
        }
        names: dict[str, str] = {}
        for p in pairs:
            id_key = plan.shapes[p.kind].id_key
            if p.pred_path is None or id_key is None:
                continue
            oid = _at(part, p.pred_path).get(id_key)
            if not isinstance(oid, str):
                continue
            if p.gold_path is not None:
                names[oid] = _at(merged, p.gold_path)[id_key]
                continue
            new, n = oid, 2
            while new in taken:
                new, n = f"{oid}_{n}", n + 1
            names[oid] = new
            taken.add(new)
        _rename(part, names)
        for p in pairs:  # parents come before their nested kinds
            if p.pred_path is None:
                continue
            nested = {s.key for s in plan.shapes[p.kind].slots if s.how == "entities"}
            own = _at(part, p.pred_path)
            if p.gold_path is not None:
                holder, index = _at(merged, p.gold_path[:-1]), p.gold_path[-1]
                mine = holder[index]
                keep = {k: v for k, v in own.items() if k not in nested}
                holder[index] = _merge_values(mine, keep)  # its nested lists stay the same objects
                continue
            parent = p.pred_path[:-2]
            if parent and parent not in where:
                continue  # its parent was added whole, with it
            target = _at(merged, where[parent]) if parent else merged
            target.setdefault(str(p.pred_path[-2]), []).append(own)
    return merged


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Run:
    """What :func:`extract` did: each article's result, the counts, the score against the gold
    (when given), and the files written."""

    results: list[ArticleResult]
    manifest: dict[str, Any]
    score: Any = None
    written: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[dict[str, Any]]:
        return [r.record for r in self.results if r.status == "valid" and r.record is not None]

    @property
    def ok(self) -> bool:
        return all(r.status == "valid" for r in self.results)


def sibling(out: str | Path, suffix: str) -> Path:
    """A file beside ``out`` named after it: ``records.jsonl`` -> ``records.issues.jsonl``."""
    out = Path(out)
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return out.with_name(f"{stem}{suffix}")


def _page_name(article_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", article_id).lstrip(".") or "article"


def extract(
    articles: Sequence[Article],
    opts: Options,
    out: str | Path | None = None,
    *,
    issues_out: str | Path | None = None,
    manifest_out: str | Path | None = None,
    cache_dir: str | Path | None = None,
    gold: Sequence[str] | None = None,
    view_dir: str | Path | None = None,
    force: bool = False,
    progress: TextIO | None = None,
    client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    inputs: Sequence[str] = (),
) -> Run:
    """Extract a record from each article with ``opts.model`` and write what was found.

    ``out``: the valid records, JSON Lines, in article order; ``issues_out`` (default:
    ``OUT.issues.jsonl``): one line per article that is not in ``out`` (why, the validator's
    issues, the invalid record) or that has notes (quotes placed by context, or left without
    offsets); ``manifest_out`` (default ``OUT.manifest.json``): model, parameters, schema and
    prompt versions, counts, timings, tokens, cost; with ``out=None`` nothing is written but the
    cache. ``cache_dir`` (default: :func:`default_cache_dir`). ``gold``: gold
    record files, to score the valid records against those of the same articles;
    ``view_dir``: a page per article (against its gold where there is one). Nothing is
    overwritten without ``force``; every file is written atomically. ``client``: a ready SDK
    client for ``opts.provider`` (tests use a stand-in transport)."""
    from diplomatic_visits.output import OutputExistsError

    outputs: dict[str, Path] = {}
    if out is not None:
        outputs["records"] = Path(out)
        outputs["issues"] = Path(issues_out) if issues_out else sibling(out, ".issues.jsonl")
        outputs["manifest"] = Path(manifest_out) if manifest_out else sibling(out, ".manifest.json")
    pages: dict[str, Path] = {}
    if view_dir is not None:
        pages = {a.id: Path(view_dir) / f"{_page_name(a.id)}.html" for a in articles}
    for target in [*outputs.values(), *pages.values()]:
        if target.exists() and not force:
            raise OutputExistsError(target)
    check_ids(articles, opts.schema_version)
    golds = _read_gold(gold) if gold else None

    started = time.time()
    clock = time.perf_counter()
    cache = Cache(cache_dir if cache_dir is not None else default_cache_dir())
    runner = Runner(opts, make_backend(opts, client), cache, progress, sleep)
    results = runner.run(articles)
    seconds = round(time.perf_counter() - clock, 3)

    score = None
    if golds is not None:
        score = _score(results, golds)
    manifest = _manifest(runner, results, started, seconds, cache, outputs, score, inputs)
    run = Run(results, manifest, score)
    if "records" in outputs:
        _write_jsonl(outputs["records"], (r.record for r in results if r.status == "valid"), force)
        _write_jsonl(
            outputs["issues"],
            (r.as_issue() for r in results if r.status != "valid" or r.notes),
            force,
        )
        _write_json(outputs["manifest"], manifest, force)
        run.written += [str(p) for p in outputs.values()]
    if pages:
        run.written += _write_pages(results, pages, golds, force)
    return run


def check_ids(articles: Sequence[Article], version: str | None = None) -> None:
    """Raise :class:`InputError` for an article whose id the schema refuses as an
    ``article.id`` (a model cannot mend it: it would fail every try), before any call."""
    import jsonschema

    from diplomatic_visits.schema import bundle_schema

    node = bundle_schema(version, "extraction")["$defs"]["article"]["properties"]["id"]
    check = jsonschema.Draft202012Validator(node)
    for a in articles:
        err = next(iter(check.iter_errors(a.id)), None)
        if err is not None or "\n" in a.id:
            why = err.message if err is not None else "a line break"
            raise InputError(
                a.path,
                f"{a.id!r} cannot be an article id ({why}): rename the file, or give the id "
                "in a column (--id-column)",
            )


def _read_gold(paths: Sequence[str]) -> dict[str, dict[str, Any]]:
    from diplomatic_visits.reader import raise_unreadable, read_documents

    out: dict[str, dict[str, Any]] = {}
    for doc in raise_unreadable(read_documents(paths)):
        rec = doc.value
        art = rec.get("article") if isinstance(rec, dict) else None
        if isinstance(art, dict) and isinstance(art.get("id"), str):
            out.setdefault(art["id"], rec)
    return out


def _score(results: Sequence[ArticleResult], golds: Mapping[str, dict[str, Any]]) -> Any:
    """The valid records against the gold of their articles; an article with gold and no valid
    record counts as all missed."""
    from diplomatic_visits.score import score_records

    mine = [r for r in results if r.article.id in golds]
    if not mine:
        return None
    preds = [r.record for r in mine if r.status == "valid" and r.record is not None]
    texts = {r.article.id: r.article.text for r in mine}  # the grounding looks quotes up
    return score_records(preds, [golds[r.article.id] for r in mine], texts=texts)


def _prompt_sha256(version: str) -> str:
    from diplomatic_visits.prompt import system_prompt, user_prompt

    blob = system_prompt(version) + "\0" + user_prompt("{article}")
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _manifest(
    runner: Runner,
    results: Sequence[ArticleResult],
    started: float,
    seconds: float,
    cache: Cache,
    outputs: Mapping[str, Path],
    score: Any,
    inputs: Sequence[str],
) -> dict[str, Any]:
    opts, c = runner.opts, runner.counts
    counts: dict[str, int] = dict.fromkeys(("valid", "invalid", "unreadable", "failed"), 0)
    for r in results:
        counts[r.status] += 1
    return {
        "tool": f"diplomatic-visits {__version__} extract",
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": seconds,
        "model": opts.model,
        "provider": opts.provider,
        "base_url": opts.base_url,
        "mode": runner.backend.mode,
        "parameters": opts.parameters(),
        "loop": {
            "jobs": opts.jobs,
            "max_repairs": opts.max_repairs,
            "retries": opts.retries,
            "chunk_chars": opts.chunk_chars,
            "chunk_overlap": opts.chunk_overlap if opts.chunk_chars else None,
        },
        "schema_version": runner.version,
        "profile": "llm",
        "profile_sha256": runner.schema_sha256,
        "prompt_sha256": _prompt_sha256(runner.version),
        "inputs": list(inputs),
        "articles": len(results),
        "counts": counts,
        "calls": {
            "answered": c.calls,
            "from_cache": c.cached,
            "retries": c.retries,
            "repairs": c.repairs,
        },
        "tokens": {
            "input": c.input_tokens,
            "output": c.output_tokens,
            "from_cache_input": c.cached_input_tokens,
            "from_cache_output": c.cached_output_tokens,
        },
        "cost_usd": runner.cost(),
        "price_usd_per_mtok": list(opts.price) if opts.price else None,
        "cache": str(cache.root),
        "outputs": {k: str(v) for k, v in outputs.items()},
        "score": score.as_dict() if score is not None else None,
        "per_article": [
            {
                "article": r.article.id,
                "sha256": r.article.sha256,
                "status": r.status,
                "calls": r.calls,
                "from_cache": r.cached,
                "repairs": r.repairs,
                "retries": r.retries,
                "tokens": [r.input_tokens, r.output_tokens],
                "seconds": r.seconds,
            }
            for r in results
        ],
    }


def _write_jsonl(path: Path, rows: Iterator[Any] | Any, force: bool) -> None:
    from diplomatic_visits.output import atomic_file

    with atomic_file(path, force) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")


def _write_json(path: Path, value: Any, force: bool) -> None:
    from diplomatic_visits.output import atomic_file

    with atomic_file(path, force) as f:
        f.write(json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


def _write_pages(
    results: Sequence[ArticleResult],
    pages: Mapping[str, Path],
    golds: Mapping[str, dict[str, Any]] | None,
    force: bool,
) -> list[str]:
    from diplomatic_visits.validate import iter_record_issues
    from diplomatic_visits.view import compare_page, record_page, render_html, write_page

    written = []
    for r in results:
        if r.record is None:
            continue
        text = r.article.text
        issues = list(iter_record_issues(r.record, text=text))
        g = (golds or {}).get(r.article.id)
        if g is not None:
            gold_issues = list(iter_record_issues(g, text=text))
            data = compare_page(r.record, g, text, issues, gold_issues)
        else:
            data = record_page(r.record, text, issues, title=r.article.id)
        target = pages[r.article.id]
        write_page(render_html(data), target, force)
        written.append(str(target))
    return written
