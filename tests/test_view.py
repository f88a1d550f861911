"""The view: the page's data (spans over the text, the panel, the alignment), the command, and
the page as headless Chromium renders it (the DOM after its script ran, and a screenshot)."""

from __future__ import annotations

import copy
import json
import os
import re
import struct
import time
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, REPO, load_json
from diplomatic_visits import _browser, available_versions, iter_record_issues
from diplomatic_visits.checks import iter_spans
from diplomatic_visits.cli import main
from diplomatic_visits.score import iter_pairs, score_records
from diplomatic_visits.view import (
    OTHER,
    compare_page,
    iter_span_paths,
    place_span,
    record_page,
    render_html,
    span_kind,
)

GOLD_FILE = REPO / "dataset" / "records" / "000_b730d245b05eac44.json"
SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"
NO_OFFSETS = EXAMPLES / "valid" / "extraction-quotes-without-offsets.json"
V100 = EXAMPLES / "valid" / "verified-gold-record.json"
PAYLOAD = "<script>document.body.setAttribute('data-pwned','1')</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"


def _data(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="dv-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def _counts(record: dict[str, Any]) -> dict[str, int]:
    return {
        "actor": len(record["actors"]),
        "place": len(record["places"]),
        "visit": len(record["visits"]),
        "sub_event": sum(len(v["sub_events"]) for v in record["visits"]),
        "outcome": sum(len(v["outcomes"]) for v in record["visits"]),
        "statement": len(record["statements"]),
    }


def _group(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(g for g in data["groups"] if g["key"] == key)["items"]  # type: ignore[no-any-return]


# --- the kinds of spans ------------------------------------------------------------------------


@pytest.mark.parametrize("version", available_versions())
def test_every_span_path_a_schema_version_allows_has_a_named_kind(version: str) -> None:
    paths = list(iter_span_paths(version))
    assert len(paths) > 25
    unnamed = [p for p in paths if span_kind(_parts(p)) == OTHER]
    assert unnamed == []


def _parts(general: str) -> tuple[str | int, ...]:
    """``$.visits[].start`` as a path with index 0 for every list."""
    out: list[str | int] = []
    for part in general[2:].split("."):
        name, n = part.rstrip("[]"), part.count("[]")
        out.append(name)
        out.extend([0] * n)
    return tuple(out)


def test_span_kinds_follow_the_field_the_span_supports() -> None:
    assert span_kind(("visits", 0, "start", "evidence", 1)) == "date"
    assert span_kind(("visits", 0, "sub_events", 2, "date", "evidence", 0)) == "date"
    assert span_kind(("visits", 0, "sub_events", 2, "place", "evidence", 0)) == "place"
    assert span_kind(("visits", 0, "sub_events", 2, "evidence", 0)) == "visit"
    assert span_kind(("visits", 0, "outcomes", 0, "evidence", 0)) == "outcome"
    assert span_kind(("actors", 3, "mentions", 0)) == "actor"
    assert span_kind(("places", 1, "mentions", 0)) == "place"
    assert span_kind(("statements", 0, "date", "evidence", 0)) == "date"
    assert span_kind(("statements", 0, "evidence", 0)) == "statement"
    assert span_kind(("annotation", "sentences", 4, "span")) == "sentence"
    assert span_kind(("something", "new")) == OTHER


# --- the page's data -----------------------------------------------------------------------


def test_every_gold_span_is_drawn_over_its_quote(gold: dict[str, Any], gold_text: str) -> None:
    data = record_page(gold, gold_text, [])
    spans = data["spans"]
    assert len(spans) == len(list(iter_spans(gold))) == 219
    for s in spans:
        assert s["how"] == "offsets"
        assert gold_text[s["s"] : s["e"]] == s["quote"] or s["quote"].endswith("…")
    kinds = Counter(s["kind"] for s in spans)
    assert set(kinds) >= {"visit", "date", "place", "actor", "statement", "outcome"}
    assert OTHER not in kinds
    groups = {g["key"]: len(g["items"]) for g in data["groups"]}
    assert {k: groups[k] for k in _counts(gold)} == _counts(gold)
    # the one sentence left out and the boilerplate are listed with their reason
    left = _group(data, "left-out")
    reasons = " ".join(v for item in left for _, v in item["details"])
    assert "Background in the article's own voice" in reasons


def test_inferred_values_carry_what_they_rest_on(gold: dict[str, Any], gold_text: str) -> None:
    data = record_page(gold, gold_text, [])
    inferred = {i["label"]: i for i in _group(data, "inferred")}
    start = inferred["$.visits[0].start"]
    assert start["badges"] == ["inferred_with_knowledge"]
    assert start["more"] == gold["visits"][0]["start"]["inferred_from"]
    origin = inferred["$.visits[0].origin"]
    assert origin["badges"] == ["inferred"] and "to return to North Korea" in origin["more"]
    assert "$.visits[0].status" not in inferred  # stated
    # a span that supports an inferred value says so
    span = next(s for s in data["spans"] if s["path"] == "$.visits[0].origin.evidence[0]")
    assert span["basis"] == "inferred" and span["kind"] == "place"


def test_quotes_without_offsets_are_located_as_the_validator_locates_them(gold_text: str) -> None:
    record = load_json(NO_OFFSETS)
    data = record_page(record, gold_text, [])
    assert data["spans"]
    for s in data["spans"]:
        assert s["how"] == "quote"
        assert (s["s"], s["e"]) == (
            gold_text.find(s["quote"]),
            gold_text.find(s["quote"]) + len(s["quote"]),
        )


@pytest.mark.parametrize(
    "path", sorted((EXAMPLES / "valid").glob("1.1.0-*.json")), ids=lambda p: p.stem
)
def test_the_examples_of_1_1_0_are_drawn_over_their_texts(path: Path) -> None:
    record = load_json(path)
    text = (EXAMPLES / record["article"]["text_file"]["path"]).read_text(encoding="utf-8")
    data = record_page(record, text, list(iter_record_issues(record, text=text)))
    assert data["issues"] == []
    assert len(data["spans"]) == len(list(iter_spans(record))) > 0
    for s in data["spans"]:
        assert s["how"] == "offsets" and s["kind"] != OTHER, s["path"]
    groups = {g["key"]: len(g["items"]) for g in data["groups"]}
    assert {k: groups[k] for k in _counts(record)} == _counts(record)


def test_placing_a_span() -> None:
    text = "Ana met Ben. Ana left."
    assert place_span(text, {"start": 13, "end": 16, "quote": "Ana"}) == (13, 16, "offsets", 2)
    assert place_span(text, {"quote": "Ana"}) == (0, 3, "quote", 2)
    assert place_span(text, {"start": 4, "end": 7, "quote": "Ana"}) == (0, 3, "moved", 2)
    assert place_span(text, {"start": 90, "end": 93, "quote": "Ben"})[2] == "moved"
    assert place_span(text, {"quote": "Cleo"}) == (None, None, "missing", 0)


def test_an_invalid_record_is_drawn_with_its_issues(gold: dict[str, Any], gold_text: str) -> None:
    gold["visits"][0]["start"]["evidence"][0]["start"] += 1  # offsets that miss their quote
    gold["statements"][0]["speaker"] = "a_nobody"
    gold["unknown_member"] = 1
    issues = list(iter_record_issues(gold, text=gold_text))
    data = record_page(gold, gold_text, issues)
    by_path = {i["path"]: i for i in data["issues"]}
    assert set(by_path) == {"$.visits[0].start.evidence[0]", "$.statements[0].speaker", "$"}
    assert by_path["$"]["spans"] == []  # about the record as a whole: no place in the text
    moved = next(s for s in data["spans"] if s["path"] == "$.visits[0].start.evidence[0]")
    assert moved["how"] == "moved" and by_path[moved["path"]]["spans"] == [moved["i"]]
    # an issue on a value with no span of its own links to the spans of the object holding it
    held = by_path["$.statements[0].speaker"]["spans"]
    assert held and all(data["spans"][i]["path"].startswith("$.statements[0].") for i in held)


def test_text_from_the_record_cannot_close_the_page_script(
    gold: dict[str, Any], gold_text: str
) -> None:
    gold["actors"][0]["name"] = PAYLOAD + IMG
    gold["statements"][0]["evidence"][0]["quote"] = "</script><script>alert(1)</script>"
    page = render_html(record_page(gold, gold_text, []))
    assert page.count("<script") == 2  # the data and the page's own script
    assert "<img" not in page
    assert _data(page)["groups"][0]["items"][0]["label"] == PAYLOAD + IMG


def test_the_page_is_self_contained(gold: dict[str, Any], gold_text: str) -> None:
    page = render_html(record_page(gold, gold_text, []))
    assert "default-src 'none'" in page  # the browser loads nothing and runs no other script
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "@import" not in page and "url(" not in page


def test_compare_tells_matched_missed_and_invented_apart(
    gold: dict[str, Any], gold_text: str
) -> None:
    pred = copy.deepcopy(gold)
    missed = pred["visits"].pop(2)  # the delegation
    invented = copy.deepcopy(pred["actors"][0])
    invented.update(id="a_invented", name="Cleo Zanetti", titles=[], mentions=[])
    invented["country"]["evidence"] = [{"quote": "Cleo Zanetti of nowhere"}]
    pred["actors"].append(invented)
    pred_issues = list(iter_record_issues(pred, text=gold_text))
    data = compare_page(pred, gold, gold_text, pred_issues, [])
    groups = {g["key"]: g["items"] for g in data["groups"]}
    assert {g["title"] for g in data["groups"]} >= {"visits", "sub-events", "actors"}
    visits = Counter(i["status"] for i in groups["visits"])
    assert visits == {"matched": 2, "missed": 1}
    [gone] = [i for i in groups["visits"] if i["status"] == "missed"]
    assert missed["description"].startswith(gone["label"].rstrip("…"))
    assert {data["spans"][i]["cls"] for i in gone["spans"]} == {"missed"}
    assert {data["spans"][i]["side"] for i in gone["spans"]} == {"gold"}
    actors = Counter(i["status"] for i in groups["actors"])
    assert actors == {"matched": 15, "invented": 1}
    # within a matched pair, the spans of a value that differs are told apart, on both sides
    pred["visits"][0]["start"].update(value="2023-09", precision="month", written="--09")
    data = compare_page(pred, gold, gold_text, pred_issues, [])
    differs = {(s["side"], s["path"]) for s in data["spans"] if s["cls"] == "differs"}
    assert differs == {
        (side, f"$.visits[0].start.evidence[{i}]")
        for side in ("prediction", "gold")
        for i in range(len(gold["visits"][0]["start"]["evidence"]))
    }
    # the invented actor's quote is not in the text: flagged
    assert [m["label"] for m in data["missing"]["items"]] == ["Cleo Zanetti of nowhere"]
    # the table is the scorer's
    score = score_records([pred], [gold])
    rows = {(r[0], r[1]): r for r in data["scores"]}
    assert rows[("visits", "(aligned)")][5:] == [2, 0, 1]
    assert rows[("visits", "start")][4] == score.fields["visits"]["start"].f1


def test_the_alignment_shown_is_what_the_score_counts(gold: dict[str, Any]) -> None:
    pred = copy.deepcopy(gold)
    pred["visits"][0]["sub_events"].pop(0)
    pred["statements"].pop(3)
    pairs = list(iter_pairs(pred, gold))
    score = score_records([pred], [gold])
    for kind, c in score.objects.items():
        mine = Counter(p.status for p in pairs if p.kind == kind)
        assert (mine["matched"], mine["invented"], mine["missed"]) == (c.tp, c.fp, c.fn)
    for p in pairs:  # the paths name the objects read
        if p.pred is not None and p.pred_path is not None:
            assert p.pred_path[-1] == p.pred["_index"]


# --- the command ---------------------------------------------------------------------------


def test_view_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["view", str(GOLD_FILE), "--out", str(out), "--level", "verified"]) == 0
    err = capsys.readouterr().err
    assert "219 evidence spans, 0 validation issues" in err
    assert len(_data(out.read_text(encoding="utf-8"))["spans"]) == 219
    # an existing page is kept unless --force
    assert main(["view", str(GOLD_FILE), "--out", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["view", str(GOLD_FILE), "--out", str(tmp_path), "--force"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["view", str(V100), "--out", str(out), "--force", "--source", str(SOURCE)]) == 0
    data = _data(out.read_text(encoding="utf-8"))
    assert "schema 1.0.0" in data["subtitle"] and data["spans"]
    assert all(s["how"] == "offsets" for s in data["spans"])


def test_view_command_refuses_what_it_cannot_draw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    bad = tmp_path / "bad.json"
    bad.write_text('{"record_id": "x",\n "visits": [}', encoding="utf-8")
    assert main(["view", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "Traceback" not in err
    two = tmp_path / "two.jsonl"
    rec = load_json(GOLD_FILE)
    two.write_text(json.dumps(rec) + "\n" + json.dumps({**rec, "record_id": "b"}) + "\n")
    assert main(["view", str(two), "--out", str(out)]) == 2
    assert "pick one with --record" in capsys.readouterr().err
    assert main(["view", str(two), "--out", str(out), "--record", "b"]) == 0
    capsys.readouterr()
    stranger = {**rec, "article": {**rec["article"], "id": "elsewhere", "text_file": None}}
    alone = tmp_path / "alone.json"
    alone.write_text(json.dumps(stranger), encoding="utf-8")
    assert main(["view", str(alone), "--out", str(tmp_path / "p2.html")]) == 2
    assert "give it with --source" in capsys.readouterr().err
    assert not out.with_name("p2.html").exists()


@pytest.mark.parametrize(
    "record",
    [
        {"article": "x"},
        "just a string",
        {"article": {"id": "000_b730d245b05eac44"}},
        {"article": {"id": "000_b730d245b05eac44"}, "visits": [{"id": 3}], "places": 5},
        {"visits": [1, {"start": {"evidence": [{"quote": 5, "start": "a"}]}}], "actors": {}},
        {"schema_version": "9.9.9", "actors": [{"mentions": [{"start": 0, "end": 3}]}]},
    ],
)
def test_view_command_draws_or_refuses_a_malformed_record_without_a_traceback(
    record: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "page.html"
    for more in ([], ["--source", str(SOURCE)], ["--gold", str(GOLD_FILE)]):
        out.unlink(missing_ok=True)
        code = main(["view", str(f), "--out", str(out), *more])
        err = capsys.readouterr().err
        assert code in (0, 2) and out.exists() == (code == 0)
        if code == 0:
            assert "validation issues" in err and "0 validation issues" not in err
        else:
            assert "diplomatic-visits: error: " in err


def test_view_command_against_the_gold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    code = main(["view", str(NO_OFFSETS), "--gold", str(GOLD_FILE), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    data = _data(out.read_text(encoding="utf-8"))
    assert data["mode"] == "compare" and data["scores"]
    statuses = {i["status"] for g in data["groups"] for i in g["items"] if "status" in i}
    assert statuses == {"matched", "missed"}
    # score's spelling of the prediction works too (with its warning)
    code = main(["view", "--pred", str(NO_OFFSETS), "--gold", str(GOLD_FILE), "--out", str(out)])
    assert code == 2 and "exists" in capsys.readouterr().err
    argv = ["view", "--pred", str(NO_OFFSETS), "--gold", str(GOLD_FILE), "--out", str(out)]
    assert main([*argv, "--force"]) == 0
    assert "--pred is deprecated" in capsys.readouterr().err


# --- in a real browser -------------------------------------------------------------------------


def _need_browser() -> None:
    if _browser.find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test the page in Chromium: .ci/run installs it")
        pytest.skip("no chromium here (CI installs it)")


class _Dom(HTMLParser):
    """The rendered text panel: its text, and for each span the characters drawn for it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside #dv-text
        self.text: list[str] = []
        self.stack: list[list[int]] = []
        self.covered: dict[int, list[int]] = {}
        self.attrs_of: dict[str, dict[str, str]] = {}
        self.groups: dict[str, tuple[int, int]] = {}  # key -> (data-count, items drawn)
        self._group: str | None = None
        self._items_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.attrs_of[a["id"]] = a
        if tag == "body":
            self.attrs_of["body"] = a
        if "data-group" in a:
            self._group = a["data-group"]
            self.groups[self._group] = (int(a["data-count"]), 0)
        if tag == "li" and self._group is not None and "items" in self._last_ul:
            count, n = self.groups[self._group]
            self.groups[self._group] = (count, n + 1)
        if tag == "ul":
            self._last_ul = a.get("class", "")
        if a.get("id") == "dv-text":
            self.depth = 1
            return
        if self.depth:
            self.depth += 1
            spans = a.get("data-spans")
            self.stack.append([int(i) for i in spans.split()] if spans else [])

    _last_ul = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._group = None
        if tag == "ul":
            self._last_ul = ""
        if self.depth:
            self.depth -= 1
            if self.depth:
                self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        at = sum(len(t) for t in self.text)
        self.text.append(data)
        for ids in self.stack:
            for i in ids:
                self.covered.setdefault(i, []).extend(range(at, at + len(data)))


def _render(tmp_path: Path, page: str, name: str = "page.html") -> _Dom:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    dom = _Dom()
    dom.feed(_browser.dump_dom(path))
    return dom


def test_in_chromium_every_gold_span_is_highlighted_exactly_over_its_text(
    gold: dict[str, Any], gold_text: str, tmp_path: Path
) -> None:
    _need_browser()
    data = record_page(gold, gold_text, [])
    started = time.perf_counter()
    dom = _render(tmp_path, render_html(data))
    assert time.perf_counter() - started < 60
    assert dom.attrs_of["body"].get("data-ready") == "1"  # the script ran to its end
    assert int(dom.attrs_of["body"]["data-render-ms"]) < 1000  # drawing the page, in the browser
    assert "".join(dom.text) == gold_text  # the article, every character, once, in order
    spans = list(iter_spans(gold))
    assert len(spans) == len(data["spans"]) == 219
    for (_, span), drawn in zip(spans, data["spans"], strict=True):
        chars = dom.covered.get(drawn["i"], [])
        assert chars == list(range(span["start"], span["end"])), drawn["path"]
        assert "".join(gold_text[c] for c in chars) == span["quote"]
    counts = _counts(gold)
    for key, n in counts.items():
        assert dom.groups[key] == (n, n), key  # the count shown, and the items listed
    assert "dv-issues" not in dom.attrs_of  # the gold record has none


def test_in_chromium_text_from_a_record_is_shown_not_run(tmp_path: Path) -> None:
    _need_browser()
    text = f"Ana Lopes wrote {PAYLOAD} and {IMG} on 3 May.\n\U0001f600 Ana left."
    record = load_json(NO_OFFSETS)
    record["article"]["title"] = PAYLOAD
    record["actors"][0]["name"] = IMG
    record["actors"][0]["mentions"] = [{"quote": PAYLOAD}, {"quote": "Ana left"}]
    issues = list(iter_record_issues(record, text=text))
    dom = _render(tmp_path, render_html(record_page(record, text, issues)))
    assert dom.attrs_of["body"].get("data-ready") == "1"
    assert "data-pwned" not in dom.attrs_of["body"]
    assert "".join(dom.text) == text
    placed = record_page(record, text, issues)["spans"]
    for s in placed:
        if s["s"] is not None:  # code points, also past a character outside the BMP
            assert "".join(text[c] for c in dom.covered[s["i"]]) == s["quote"]
    assert "dv-issues" in dom.attrs_of and "dv-missing" in dom.attrs_of


_DRIVER = r"""
(function () {
  // what a reader does: click a piece of text, then an object in the panel
  var seg = document.querySelector('.seg[data-spans~="SPAN"]');
  seg.dispatchEvent(new MouseEvent("click", {bubbles: true, clientX: 50, clientY: 50}));
  var tip = document.getElementById("dv-tip");
  document.body.setAttribute("data-tip", tip.hidden ? "" : tip.textContent);
  var li = document.querySelector('[data-group="visit"] li');
  li.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  var sel = Array.prototype.map.call(document.querySelectorAll(".seg.sel"), function (s) {
    return s.getAttribute("data-spans"); });
  document.body.setAttribute("data-selected", JSON.stringify(sel));
  document.body.setAttribute("data-item", li.getAttribute("data-spans"));
})();
"""


def test_in_chromium_a_click_shows_the_path_and_the_value_and_selects_spans(
    gold: dict[str, Any], gold_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_browser()
    from diplomatic_visits import view

    data = record_page(gold, gold_text, [])
    target = next(s for s in data["spans"] if s["path"] == "$.visits[0].start.evidence[0]")
    asset = view._asset
    # the driver is appended to the page's own script, so the page's policy lets it run
    driver = _DRIVER.replace("SPAN", str(target["i"]))
    monkeypatch.setattr(view, "_asset", lambda n: asset(n) + (driver if n == "view.js" else ""))
    dom = _render(tmp_path, render_html(data))
    body = dom.attrs_of["body"]
    tip = body["data-tip"]
    assert "$.visits[0].start.evidence[0]" in tip
    assert "value: 2023-09-12" in tip and "inferred_with_knowledge" in tip
    item = {int(i) for i in body["data-item"].split()}
    assert item == {
        s["i"] for s in data["spans"] if s["entity"] == "visit $.visits[0]"
    }  # the visit's own spans, not its sub-events'
    selected = [{int(i) for i in ids.split()} for ids in json.loads(body["data-selected"])]
    assert selected and all(ids & item for ids in selected)
    drawn = {i for ids in selected for i in ids if i in item}
    assert drawn == {i for i in item if data["spans"][i]["s"] is not None}


def _png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB or RGBA PNG, unfiltered (zlib only)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = depth = ctype = 0
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        f, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3)))
        prev = line
    return width, height, rows


def test_in_chromium_the_screenshot_shows_the_spans(
    gold: dict[str, Any], gold_text: str, tmp_path: Path
) -> None:
    _need_browser()
    page = tmp_path / "page.html"
    page.write_text(render_html(record_page(gold, gold_text, [])), encoding="utf-8")
    width, height, rows = _png_pixels(_browser.screenshot(page, 900, 600))
    assert (width, height) == (900, 600)
    colours = Counter(row[i : i + 3] for row in rows for i in range(0, len(row), 3))
    assert len(colours) > 200  # text, tints and stripes: not a blank page
    white = colours[b"\xff\xff\xff"] / (width * height)
    assert white < 0.8
    # the stripes of the kinds are drawn in their colours
    for hex_colour in ("#1f6fd1", "#7b3fc4", "#23843a"):  # visit, actor, place
        rgb = bytes.fromhex(hex_colour[1:])
        assert colours[rgb] > 50, hex_colour


class _CountingText(str):
    """A text that counts the searches made in it."""

    finds = 0

    def find(self, *args: Any) -> int:  # type: ignore[override]
        type(self).finds += 1
        return super().find(*args)


def test_place_span_asks_once_or_more_without_listing_every_occurrence() -> None:
    text = _CountingText("Ana met Ben. " * 20_000)
    _CountingText.finds = 0
    assert place_span(text, {"quote": "Ana met Ben."}) == (0, 12, "quote", 2)
    assert place_span(text, {"start": 13, "end": 25, "quote": "Ana met Ben."})[2] == "offsets"
    assert _CountingText.finds <= 4  # 40,000 when every occurrence was listed


_CONTROLS = "\u202e\u2066\u200f"


def test_in_chromium_direction_controls_are_shown_not_applied(tmp_path: Path) -> None:
    """A name holding a right-to-left override would read as other letters: every direction
    control of the record and of the text is drawn as its code, in the panel and the text."""
    _need_browser()
    text = "Ana Lopes met Bo\u202eLIAM\u202c on 3 May.\n"
    record = load_json(NO_OFFSETS)
    record["actors"][0]["name"] = "Kim \u202enuj-gnoJ"
    record["article"]["title"] = "t\u2066i\u2069tle\u200f"
    page = render_html(record_page(record, text, []))
    assert "<title>t[U+2066]i[U+2069]tle[U+200F]" in page
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    dom = _browser.dump_dom(path)
    assert 'data-ready="1"' in dom
    body = dom.split("<body", 1)[1].split("<script", 1)[0]  # what is drawn, not the page data
    assert not any(c in body for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Kim [U+202E]nuj-gnoJ" in re.sub(r"<[^>]+>", "", body)
    assert "Bo[U+202E]LIAM[U+202C] on 3 May" in re.sub(r"<[^>]+>", "", body)


def test_a_challenge_record_is_drawn_over_its_bundled_text_without_source(tmp_path: Path) -> None:
    # the challenge set's texts are bundled too: view finds one by the record's sha256
    page = tmp_path / "c017.html"
    record = REPO / "dataset" / "challenge" / "records" / "c017.json"
    assert main(["view", str(record), "--out", str(page)]) == 0
    text = (REPO / "dataset" / "challenge" / "source" / "c017.txt").read_text("utf-8")
    assert json.dumps(text.strip(), ensure_ascii=False)[1:-1][:40] in page.read_text("utf-8")
