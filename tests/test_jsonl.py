"""Cutting JSON Lines into chunks: every line in exactly one chunk, numbered as in the input,
whatever the chunk size, for files and for streams, and over-long lines reported, not held."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplomatic_visits import jsonl
from diplomatic_visits.chunkwork import renumbered
from diplomatic_visits.errors import InputError
from diplomatic_visits.report import RecordResult

LINES = st.lists(
    st.sampled_from([b"", b"  ", b"{}", b'{"a": 1}', b"x" * 40, b"\xef\xbb\xbf{}", b"\t{ }\r"]),
    max_size=30,
)


def _expected(lines: list[bytes], trailing_newline: bool) -> list[tuple[int, bytes]]:
    out = []
    for n, raw in enumerate(lines, start=1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw.strip():
            out.append((n, raw + (b"\n" if trailing_newline or n < len(lines) else b"")))
    return out


def _numbered(chunks: list[jsonl.Chunk]) -> list[tuple[int, bytes | InputError]]:
    """What map_chunks makes of the chunks: chunk-relative numbers turned into the input's."""
    out: list[tuple[int, bytes | InputError]] = []
    before = 0
    for chunk in chunks:
        lines = jsonl.Lines(chunk)
        got = list(lines)
        out += [(n + before, raw) for n, raw in got]
        before += lines.count
    return out


@settings(max_examples=10 * settings.default.max_examples)
@given(LINES, st.booleans(), st.integers(1, 120))
def test_file_chunks_cover_every_line_once(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], newline: bool, size: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if newline and lines else b"")
    f = tmp_path_factory.mktemp("c") / "in.jsonl"
    f.write_bytes(data)
    chunks = list(jsonl.chunks(str(f), size=size))
    # the ranges tile the file, and every cut is at the end of a line
    ends = [c.start + c.length for c in chunks]
    assert [c.start for c in chunks] == [0, *ends][: len(chunks)]
    assert sum(c.length for c in chunks) == len(data) and (chunks or not data)
    assert all(data[c.start + c.length - 1 : c.start + c.length] == b"\n" for c in chunks[:-1])
    assert _numbered(chunks) == _expected(lines, newline)


@settings(max_examples=10 * settings.default.max_examples)
@given(LINES, st.booleans(), st.integers(1, 120))
def test_stream_chunks_number_lines_the_same(lines: list[bytes], newline: bool, size: int) -> None:
    data = b"\n".join(lines) + (b"\n" if newline and lines else b"")
    chunks = list(jsonl.chunks("-", io.BytesIO(data), size=size))
    assert all(c.path is None for c in chunks)
    assert _numbered(chunks) == _expected(lines, newline)
    assert list(jsonl.read_lines(io.BytesIO(data), "<stdin>")) == _expected(lines, newline)


def test_over_long_lines_are_reported_with_their_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 50)
    data = b"{}\n" + b"x" * 500 + b"\n{}\n" + b"y" * 51 + b"\n{}"
    f = tmp_path / "long.jsonl"
    f.write_bytes(data)
    for chunks in (list(jsonl.chunks(str(f), size=7)), list(jsonl.chunks("-", io.BytesIO(data)))):
        got = _numbered(chunks)
        assert [(n, raw) for n, raw in got if isinstance(raw, bytes)] == [
            (1, b"{}\n"),
            (3, b"{}\n"),
            (5, b"{}"),
        ]
        errors = [(n, raw.reason) for n, raw in got if isinstance(raw, InputError)]
        assert errors == [(2, "line longer than 50 bytes"), (4, "line longer than 50 bytes")]


def test_renumbering_moves_problems_by_the_lines_before() -> None:
    err = InputError("f", "bad", 3, 7)
    moved = renumbered(err, 100)
    assert (moved.path, moved.reason, moved.line, moved.column) == ("f", "bad", 103, 7)
    assert renumbered(InputError("f", "unreadable"), 100).line is None
    result = RecordResult("f", 3, "r1", [])
    assert renumbered(result, 100) == RecordResult("f", 103, "r1", [])
    assert result.line == 3  # a copy: the worker's result is left as it was


def test_a_file_changed_while_being_read_is_an_error_not_wrong_lines(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(b"{}\n" * 100)
    chunks = list(jsonl.chunks(str(f), size=30))
    assert len(list(jsonl.Lines(chunks[0]))) == 11  # the cut moves to the end of a line
    f.write_bytes(b"[]\n" * 100 + b"{}\n")  # rewritten: the cut ranges no longer fit
    with pytest.raises(OSError, match="changed while being read"):
        list(jsonl.Lines(chunks[1]))


def test_the_command_reports_a_file_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from diplomatic_visits import pipeline

    f = tmp_path / "in.jsonl"
    f.write_bytes(b"{}\n" * 100)
    cut = jsonl.chunks

    def cut_then_change(path: str, *args: object, **kwargs: object) -> object:
        for chunk in cut(path, *args, **kwargs):  # type: ignore[arg-type]
            yield chunk
            f.write_bytes(b"{}\n" * 101)

    monkeypatch.setattr(pipeline, "chunks", cut_then_change)
    monkeypatch.setattr(jsonl, "CHUNK_BYTES", 30)
    report = pipeline.validate_files([str(f)])
    assert report.exit_code == 2
    assert [e.reason for e in report.input_errors] == [f"cannot read: {f} changed while being read"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_files_whose_size_says_nothing_are_read_whole() -> None:
    # /proc files are regular files of size 0: cut by size, they would look empty
    chunks = list(jsonl.chunks("/proc/self/status"))
    assert len(chunks) == 1 and chunks[0].path is None and len(chunks[0].held) > 5
