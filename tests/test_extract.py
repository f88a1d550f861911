"""extract, for real but offline: a stand-in OpenAI-compatible server on 127.0.0.1 (stdlib
http.server in a thread) answers from scripts (good, fenced, truncated, invalid, 429 with
Retry-After, 500, slow, a refusal of json_schema), driven through the real ``openai`` SDK; a
run killed half-way resumes from the cache; Anthropic through its SDK and a stand-in transport."""

from __future__ import annotations

import copy
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import diplomatic_visits as dv
from diplomatic_visits import extract as X
from diplomatic_visits import profile
from diplomatic_visits.cli import main

ROOT = Path(__file__).parent.parent
LOADERS = ROOT / "loaders"
KEY = "sk-test-DO-NOT-WRITE-3f9a1c"
GOLD = dv.load_records()[0]
GOLD_ID = GOLD["article"]["id"]
TEXT = dv.load_source_text(GOLD)
GOOD = json.dumps(profile.project(GOLD), ensure_ascii=False)


def invalid_answer() -> str:
    bad = profile.project(GOLD)
    bad["visits"][0]["visitors"] *= 2  # a repeat the profile cannot refuse
    return json.dumps(bad, ensure_ascii=False)


Behaviour = str  # good, fenced, truncated, invalid, 429, 500, slow, refuse_schema, hold


class StandIn:
    """An OpenAI-compatible chat completions server answering each article from its script
    (a list of behaviours, one per call; the last one repeats)."""

    def __init__(self, scripts: dict[str, list[Behaviour]], texts: dict[str, str]) -> None:
        self.scripts = scripts
        self.texts = texts
        self.requests: list[tuple[str, dict[str, Any]]] = []  # (article, body), as received
        self.answered: list[str] = []  # articles given a 200
        self.release = threading.Event()
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def article_of(self, body: dict[str, Any]) -> str:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        found = [a for a, t in self.texts.items() if f"<article>\n{t}\n</article>" in user]
        assert len(found) == 1, "each test article has its own text"
        return found[0]

    def handle(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        article = self.article_of(body)
        with self.lock:
            n = sum(1 for a, _ in self.requests if a == article)
            self.requests.append((article, body))
            script = self.scripts.get(article, ["good"])
            what = script[min(n, len(script) - 1)]
        if what == "hold":
            self.release.wait(30)
            return
        failure = {
            "429": (429, {"Retry-After": "0.05"}),
            "500": (500, {"Retry-After": "0.05"}),
            "500-bare": (500, {}),
            "401": (401, {}),
        }.get(what)
        if failure is not None:
            self.error(h, *failure)
            return
        if what == "refuse_schema" and body["response_format"]["type"] == "json_schema":
            self.error(h, 400, {}, "response_format json_schema is not supported")
            return
        if what == "slow":
            time.sleep(0.4)
        content = {
            "fenced": f"```json\n{GOOD}\n```",
            "truncated": GOOD[: len(GOOD) // 2],
            "invalid": invalid_answer(),
        }.get(what, GOOD)
        with self.lock:
            self.answered.append(article)
        self.send(
            h,
            200,
            {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "length" if what == "truncated" else "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
            },
        )

    def error(
        self, h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], msg: str = "busy"
    ) -> None:
        self.send(h, status, {"error": {"message": msg, "type": "x", "code": None}}, headers)

    @staticmethod
    def send(
        h: BaseHTTPRequestHandler, status: int, doc: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(doc).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass  # the client went away (a killed run)

    def calls(self, article: str) -> int:
        return sum(1 for a, _ in self.requests if a == article)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def make_articles(folder: Path, names: list[str]) -> dict[str, str]:
    """Articles named ``names``: the gold article's text (under its own id), others the same
    text with a line of their own on top, so that the projected gold holds for each."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for name in names:
        text = TEXT if name == GOLD_ID else f"[{name}]\n{TEXT}"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        texts[name] = text
    return texts


@pytest.fixture
def serve() -> Iterator[Callable[..., StandIn]]:
    servers: list[StandIn] = []

    def start(scripts: dict[str, list[Behaviour]], texts: dict[str, str]) -> StandIn:
        s = StandIn(scripts, texts)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def read_jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def every_file(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file())


# --- the command, end to end ------------------------------------------------------------------


def test_a_folder_becomes_valid_records_through_a_flaky_server(
    tmp_path: Path,
    serve: Callable[..., StandIn],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = [GOLD_ID, "b_fenced", "c_429", "d_500", "e_invalid", "f_truncated", "g_slow"]
    texts = make_articles(tmp_path / "articles", names)
    server = serve(
        {
            "b_fenced": ["fenced"],
            "c_429": ["429", "429", "good"],
            "d_500": ["500", "good"],
            "e_invalid": ["invalid", "good"],
            "f_truncated": ["truncated", "good"],
            "g_slow": ["slow"],
        },
        texts,
    )
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = tmp_path / "run" / "records.jsonl"
    argv = [
        "extract", str(tmp_path / "articles"), "--model", "stand-in", "--base-url", server.url,
        "--out", str(out), "--cache", str(tmp_path / "cache"), "-j", "3", "--gold",
        str(ROOT / "dataset" / "records"), "--view", str(tmp_path / "pages"), "--price", "2", "8",
    ]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()

    records = read_jsonl(out)
    assert [r["article"]["id"] for r in records] == names  # every article, in order
    for r in records:
        assert dv.validate_record(r, text=texts[r["article"]["id"]]) == []
    assert records[0]["article"]["text_file"]["sha256"] == GOLD["article"]["text_file"]["sha256"]
    assert [server.calls(n) for n in names] == [1, 1, 3, 2, 2, 2, 1]
    # the repair sends the validator's own message back, after the model's answer
    (_, repair), *_ = [(a, b) for a, b in server.requests if a == "e_invalid"][1:]
    said = repair["messages"][-1]["content"]
    assert repair["messages"][-2]["role"] == "assistant" and "uniqueItems" in said
    truncated = [b for a, b in server.requests if a == "f_truncated"][1]["messages"][-1]
    assert "cut off" in truncated["content"] and "output token limit" in truncated["content"]

    manifest = json.loads((out.parent / "records.manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"valid": 7, "invalid": 0, "unreadable": 0, "failed": 0}
    assert manifest["calls"] == {"answered": 9, "from_cache": 0, "retries": 3, "repairs": 2}
    assert manifest["tokens"]["input"] == 9 * 1000 and manifest["tokens"]["output"] == 9 * 200
    assert manifest["cost_usd"] == pytest.approx((9000 * 2 + 1800 * 8) / 1e6)
    assert manifest["mode"] == "json_schema" and manifest["schema_version"] == dv.latest_version()
    assert manifest["score"]["micro"]["f1"] == 1.0  # the one article with gold
    assert "F1" in captured.out or "f1" in captured.out.lower()
    assert "7/7 articles" in captured.err  # progress

    issues = {i["article"]: i for i in read_jsonl(out.parent / "records.issues.jsonl")}
    assert {i["status"] for i in issues.values()} == {"valid"}  # notes only
    assert any("fence" in n for n in issues["b_fenced"]["notes"])
    # 'Russia' is used twice in the answer and occurs more often in the text: no offsets
    assert any("'Russia' occurs more than once" in n for n in issues[GOLD_ID]["notes"])
    statuses = {p["status"] for p in issues[GOLD_ID]["placements"]}
    assert statuses == {"ambiguous"}
    pages = sorted(p.name for p in (tmp_path / "pages").iterdir())
    assert pages == sorted(f"{n}.html" for n in names)

    # the key is read from the environment and written nowhere
    for path in [*every_file(tmp_path / "run"), *every_file(tmp_path / "cache"), *every_file(
        tmp_path / "pages"
    )]:  # fmt: skip
        assert KEY.encode() not in path.read_bytes(), path

    # a rerun costs nothing and writes the same records; without --force nothing is replaced
    before = out.read_bytes()
    assert main(argv) == 2
    assert "exists" in capsys.readouterr().err
    assert len(server.requests) == 12
    assert main([*argv, "--force"]) == 0
    assert len(server.requests) == 12 and out.read_bytes() == before
    manifest = json.loads((out.parent / "records.manifest.json").read_text(encoding="utf-8"))
    assert manifest["calls"]["answered"] == 0 and manifest["calls"]["from_cache"] == 9


def test_every_article_ends_as_a_record_or_an_issue(
    tmp_path: Path, serve: Callable[..., StandIn], monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["a_good", "b_invalid", "c_down", "d_unreadable"]
    texts = make_articles(tmp_path / "articles", names)
    server = serve(
        {"b_invalid": ["invalid"], "c_down": ["500"], "d_unreadable": ["truncated"]}, texts
    )
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs no key
    out = tmp_path / "records.jsonl"
    argv = [
        "extract", *(str(tmp_path / "articles" / f"{n}.txt") for n in names), "--model", "m",
        "--base-url", server.url, "--out", str(out), "--cache", str(tmp_path / "cache"),
        "--max-repairs", "1", "--retries", "1", "-q",
    ]  # fmt: skip
    assert main(argv) == 1
    assert [r["article"]["id"] for r in read_jsonl(out)] == ["a_good"]
    issues = {i["article"]: i for i in read_jsonl(tmp_path / "records.issues.jsonl")}
    assert {k: v["status"] for k, v in issues.items() if v["status"] != "valid"} == {
        "b_invalid": "invalid",
        "c_down": "failed",
        "d_unreadable": "unreadable",
    }
    assert any("uniqueItems" in m or "repeats" in m for m in issues["b_invalid"]["issues"])
    assert issues["b_invalid"]["record"]["article"]["id"] == "b_invalid"  # kept, not dropped
    assert "HTTP 500" in issues["c_down"]["reason"]
    assert "cut off" in issues["d_unreadable"]["issues"][0]
    assert [server.calls(n) for n in names] == [1, 2, 2, 2]


def test_a_server_without_json_schema_gets_json_mode_and_the_schema_in_the_prompt(
    tmp_path: Path, serve: Callable[..., StandIn]
) -> None:
    names = ["a", "b"]
    texts = make_articles(tmp_path / "articles", names)
    server = serve({n: ["refuse_schema"] for n in names}, texts)
    run = X.extract(
        X.read_articles([str(tmp_path / "articles")]),
        X.Options("m", base_url=server.url, jobs=1),
        tmp_path / "out.jsonl",
        cache_dir=tmp_path / "cache",
    )
    assert run.ok and len(run.records) == 2
    kinds = [b["response_format"]["type"] for _, b in server.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # refused once, then JSON mode
    system = server.requests[1][1]["messages"][0]["content"]
    assert json.dumps(profile.profile_schema(), ensure_ascii=False, separators=(",", ":")) in system
    assert run.manifest["mode"] == "json_object"


def test_concurrency_is_limited_and_used(tmp_path: Path, serve: Callable[..., StandIn]) -> None:
    names = [f"s{i}" for i in range(6)]
    texts = make_articles(tmp_path / "articles", names)
    server = serve({n: ["slow"] for n in names}, texts)
    started = time.perf_counter()
    run = X.extract(
        X.read_articles([str(tmp_path / "articles")]),
        X.Options("m", base_url=server.url, jobs=3),
        cache_dir=tmp_path / "cache",
    )
    took = time.perf_counter() - started
    assert run.ok and len(run.records) == 6
    assert took < 6 * 0.4  # three at a time: about 0.8 s of waiting, not 2.4 s


def test_backoff_without_retry_after_doubles_and_honours_the_header_when_given(
    tmp_path: Path, serve: Callable[..., StandIn]
) -> None:
    texts = make_articles(tmp_path / "articles", ["a", "b"])
    server = serve({"a": ["500-bare", "500-bare", "good"], "b": ["429", "good"]}, texts)
    waits: list[float] = []
    run = X.extract(
        X.read_articles([str(tmp_path / "articles")]),
        X.Options("m", base_url=server.url, jobs=1, backoff=0.01),
        cache_dir=tmp_path / "cache",
        sleep=waits.append,
    )
    assert run.ok
    assert 0.005 <= waits[0] <= 0.01 and 0.01 <= waits[1] <= 0.02  # 1x, 2x backoff, jittered
    assert waits[2] == pytest.approx(0.05)  # the server's Retry-After


def test_retry_after_reads_seconds_milliseconds_and_dates() -> None:
    import email.utils

    assert X.retry_after({"retry-after": "2"}) == 2.0
    assert X.retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < (X.retry_after({"retry-after": soon}) or 0) <= 30
    assert X.retry_after({"retry-after": "soon"}) is None and X.retry_after({}) is None


def test_no_key_and_no_server_is_a_usage_error_not_a_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_articles(tmp_path / "articles", ["a"])
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    argv = ["extract", str(tmp_path / "articles"), "--model", "m", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "OPENAI_API_KEY" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_key_the_server_refuses_stops_the_run_with_exit_2(
    tmp_path: Path,
    serve: Callable[..., StandIn],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = make_articles(tmp_path / "articles", ["a", "b", "c"])
    server = serve({n: ["401"] for n in texts}, texts)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = tmp_path / "records.jsonl"
    argv = [
        "extract", str(tmp_path / "articles"), "--model", "m", "--base-url", server.url,
        "--out", str(out), "--cache", str(tmp_path / "cache"), "-j", "1", "-q",
    ]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "refused the run" in err and "HTTP 401" in err and KEY not in err
    assert len(server.requests) == 1  # not once per article
    assert not out.exists()


# --- a killed run resumes --------------------------------------------------------------------


def test_a_killed_run_resumes_from_the_cache_without_repeating_a_call(
    tmp_path: Path, serve: Callable[..., StandIn]
) -> None:
    names = [f"k{i}" for i in range(5)]
    texts = make_articles(tmp_path / "articles", names)
    server = serve({"k2": ["hold", "good"]}, texts)  # the third article's first call hangs
    out = tmp_path / "records.jsonl"
    argv = [
        sys.executable, "-m", "diplomatic_visits", "extract", str(tmp_path / "articles"),
        "--model", "m", "--base-url", server.url, "--out", str(out), "--cache",
        str(tmp_path / "cache"), "-j", "1", "-q",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(LOADERS), "OPENAI_API_KEY": KEY}
    proc = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while server.calls("k2") < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.answered == ["k0", "k1"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    server.release.set()
    assert not out.exists()  # nothing half-written

    first = len(server.requests)
    done = subprocess.run([*argv[:-1]], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    resumed = [a for a, _ in server.requests[first:]]
    assert resumed == ["k2", "k3", "k4"]  # k0 and k1 came from the cache
    assert sorted(server.answered) == names  # each article answered exactly once
    assert [r["article"]["id"] for r in read_jsonl(out)] == names
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    manifest = json.loads((tmp_path / "records.manifest.json").read_text(encoding="utf-8"))
    assert manifest["calls"]["answered"] == 3 and manifest["calls"]["from_cache"] == 2


# --- Anthropic ------------------------------------------------------------------------------


def test_anthropic_through_its_sdk_with_tool_use_and_a_retry(tmp_path: Path) -> None:
    import anthropic
    import httpx2

    texts = make_articles(tmp_path / "articles", [GOLD_ID])
    seen: list[dict[str, Any]] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        if len(seen) == 1:
            return httpx2.Response(
                529,
                headers={"retry-after": "0.01"},
                json={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}},
            )
        return httpx2.Response(
            200,
            json={
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "stand-in",
                "content": [
                    {"type": "tool_use", "id": "t1", "name": "record", "input": json.loads(GOOD)}
                ],
                "stop_reason": "tool_use",
                "stop_sequence": None,
                "usage": {"input_tokens": 900, "output_tokens": 300},
            },
        )

    transport = httpx2.MockTransport(handle)
    client = anthropic.Anthropic(
        api_key="x", max_retries=0, http_client=httpx2.Client(transport=transport)
    )
    run = X.extract(
        X.read_articles([str(tmp_path / "articles")]),
        X.Options("stand-in", provider="anthropic"),
        tmp_path / "out.jsonl",
        cache_dir=tmp_path / "cache",
        gold=[str(ROOT / "dataset" / "records")],
        client=client,
    )
    assert run.ok and len(seen) == 2
    body = seen[1]
    assert body["tool_choice"] == {"type": "tool", "name": "record"}
    assert body["tools"][0]["input_schema"] == anthropic.transform_schema(profile.profile_schema())
    assert body["system"].startswith(texts and dv.prompt.instructions()[:40])
    assert run.score.micro.f1 == 1.0
    assert run.manifest["tokens"]["input"] == 900 and run.manifest["calls"]["retries"] == 1


# --- chunks ---------------------------------------------------------------------------------


def test_a_long_article_is_split_and_a_visit_told_in_two_chunks_is_one_visit(
    tmp_path: Path, serve: Callable[..., StandIn]
) -> None:
    # the article told twice: each chunk holds one telling, and both answers are the gold's
    folder = tmp_path / "articles"
    folder.mkdir()
    text = f"{TEXT}\n{TEXT}"
    (folder / "twice.txt").write_text(text, encoding="utf-8")
    server = serve({}, {"twice": text})
    chunk = len(TEXT) + 200
    server.texts = {}

    def article_of(body: dict[str, Any]) -> str:
        return "twice"

    server.article_of = article_of  # type: ignore[method-assign]
    run = X.extract(
        X.read_articles([str(folder)]),
        X.Options("m", base_url=server.url, chunk_chars=chunk, chunk_overlap=400),
        cache_dir=tmp_path / "cache",
    )
    assert len(server.requests) == 2
    assert run.ok, run.results[0].issues
    (record,) = run.records
    gold = GOLD
    assert len(record["visits"]) == len(gold["visits"])
    assert len(record["actors"]) == len(gold["actors"])
    from diplomatic_visits.checks import iter_spans

    starts = [s["start"] for _, s in iter_spans(record) if "start" in s]
    assert min(starts) < len(TEXT) < max(starts)  # evidence from both tellings
    assert dv.validate_record(record, text=text) == []


def test_split_text_cuts_at_line_ends_with_overlap() -> None:
    text = "".join(f"Line {i} of the article.\n" for i in range(100))
    chunks = X.split_text(text, 500, 100)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    for (_, b), (c, _) in itertools.pairwise(chunks):
        assert text[b - 1] == "\n" and c < b and b - c <= 100 and text[c - 1] == "\n"
    assert X.split_text("short", 500, 100) == [(0, 5)]


def test_merge_pairs_objects_and_renames_references() -> None:
    first, _ = profile.lift(GOOD, TEXT, article_id=GOLD_ID)
    second = copy.deepcopy(first)
    kim = second["actors"][0]["id"]
    second["actors"][0]["id"] = "a_kim"  # the same man under another id in the second chunk
    second = json.loads(json.dumps(second).replace(f'"{kim}"', '"a_kim"'))
    merged = X.merge_records([first, second], TEXT)
    assert [a["id"] for a in merged["actors"]] == [a["id"] for a in first["actors"]]
    assert merged["visits"] == first["visits"]
    assert dv.validate_record(merged, text=TEXT) == []


def test_reading_articles_from_jsonl_and_refusing_duplicates(tmp_path: Path) -> None:
    rows = tmp_path / "news.jsonl"
    rows.write_text(
        json.dumps({"id": "n1", "body": "Ana Vell arrived."})
        + "\n\n"
        + json.dumps({"body": "Ben Oru left."})
        + "\n",
        encoding="utf-8",
    )
    got = X.read_articles([str(rows)], text_column="body")
    assert [(a.id, a.text, a.path) for a in got] == [
        ("n1", "Ana Vell arrived.", f"{rows}:1"),
        ("news-3", "Ben Oru left.", f"{rows}:3"),
    ]
    with pytest.raises(dv.InputError, match="text"):
        X.read_articles([str(rows)])
    (tmp_path / "n1.txt").write_text("Other text.", encoding="utf-8")
    with pytest.raises(dv.InputError, match="n1"):
        X.read_articles([str(rows), str(tmp_path / "n1.txt")], text_column="body")


def test_an_article_id_the_schema_refuses_is_a_usage_error_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "my article (1).txt").write_text("Ana Vell arrived.", encoding="utf-8")
    argv = ["extract", str(tmp_path), "--model", "m", "--base-url", "http://127.0.0.1:9/v1"]
    assert main([*argv, "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "cannot be an article id" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_importing_the_package_imports_no_sdk() -> None:
    code = (
        "import sys, diplomatic_visits, diplomatic_visits.extract; "
        "print(sorted(m for m in ('openai', 'anthropic', 'httpx') if m in sys.modules))"
    )
    got = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(LOADERS)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert got.stdout.strip() == "[]"


def test_the_readme_api_example_runs(
    tmp_path: Path, serve: Callable[..., StandIn], monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    import openai

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Extract with any model")[1]
    (code,) = [
        c
        for c in re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
        if "extract(" in c
    ]
    texts = make_articles(tmp_path / "articles", ["r1", "r2"])
    server = serve({}, texts)
    real = X.make_backend
    monkeypatch.setattr(  # the README's default server is OpenAI's: here, the stand-in
        X,
        "make_backend",
        lambda opts, client=None: real(opts, openai.OpenAI(base_url=server.url, api_key="x")),
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shown: list[Any] = []
    scope: dict[str, Any] = {"print": lambda *a: shown.append(a)}
    exec(compile(code, "README.md", "exec"), scope)
    assert shown[0][0]["valid"] == 2 and len(read_jsonl(tmp_path / "records.jsonl")) == 2
    assert sorted(a for a, _ in server.requests) == ["r1", "r2"]  # one call each


def test_the_cache_removes_the_debris_of_a_killed_write_and_keeps_a_live_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "ab").mkdir(parents=True)
    old, young = tmp_path / "ab" / ".abc.1.tmp", tmp_path / "ab" / ".abc.2.tmp"
    old.write_text("{")
    young.write_text("{")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    cache = X.Cache(tmp_path)
    assert not old.exists() and young.exists()  # another run may be writing that one
    key = X.Cache.key({"a": 1})
    assert cache.get(key) is None
    cache.put(key, {"answer": "x"})
    assert cache.get(key) == {"answer": "x"}
    cache._path(key).write_text("not json", encoding="utf-8")  # a damaged entry: asked again
    assert cache.get(key) is None
