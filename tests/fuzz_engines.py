"""Differential fuzzing of the two engines: the compiled accelerator (``_speedups.c``) against
the Python reference (``checks.py`` and the reference path of ``validate``).

The accelerator only ever accepts; whatever it does not accept takes the reference path. So:

- it never accepts a line the reference refuses (nor keeps another value than the strict
  parser's for a line it accepts);
- ``validate``'s verdict and its report on a line are the same with it and without it;
- its semantic walk (``semantic_ok``) finds nothing only where ``checks.check`` finds nothing,
  and on a record the schema takes they agree;
- a chunk of lines accepted whole gives what its lines give one by one.

Inputs: the gold records (``dataset/records``) and ``tests/examples/valid``, mutated where the
rules read them (the places come from the rule plan of each record's version, so every rule
kind the schema declares is mutated, a new one too), then serialised, sometimes with the bytes
mutated (numbers widened or written as decimals, keys repeated or escaped, brackets, bytes
flipped, the line cut short); and hostile bytes of no record at all.

    python tests/fuzz_engines.py [--seconds 60 | --execs N] [--seed 1] [--speedups PATH]

``--speedups``: a build of ``_speedups.c`` to test instead of the installed one (the sanitizer
build of ``benchmarks/sanitize.sh``). Exit 1 with the findings if there are any. The short run
of the test suite is ``tests/test_fuzz.py``; ``DV_FUZZ_SECONDS=600`` makes it a long one.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

from diplomatic_visits import accel, checks, pipeline, rules  # noqa: E402
from diplomatic_visits.errors import InputError  # noqa: E402
from diplomatic_visits.inputs import Source, Sources  # noqa: E402
from diplomatic_visits.parse import line_document, strict_line  # noqa: E402
from diplomatic_visits.pipeline import Settings, check_line, fast_acceptor  # noqa: E402
from diplomatic_visits.report import RecordResult  # noqa: E402
from diplomatic_visits.schema import available_versions, rs_validator  # noqa: E402

SOURCE = REPO / "dataset" / "source" / "000_b730d245b05eac44.txt"
TEXT_BYTES = SOURCE.read_bytes()
TEXT = TEXT_BYTES.decode("utf-8")
SHA = hashlib.sha256(TEXT_BYTES).hexdigest()
PURE = "DIPLOMATIC_VISITS_PURE_PYTHON"
_OTHER_BYTES = b"Minister Ola Varn of Eskeland met Kim in Tovar on Friday."
_OTHER = Source(
    "elsewhere.txt", _OTHER_BYTES.decode(), _OTHER_BYTES, hashlib.sha256(_OTHER_BYTES).hexdigest()
)


def seed_records() -> list[dict[str, Any]]:
    """The gold records, the valid examples and a few generated records of each shipped version
    from 2.0.0 on (the benchmark's generator, seeded: every form of date it writes): the
    records mutations start from."""
    paths = [
        *sorted((REPO / "dataset" / "records").glob("*.json")),
        *sorted((REPO / "tests" / "examples" / "valid").glob("*.json")),
    ]
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths] + generated_records(6)


def generated_records(n: int, seed: int = 26) -> list[dict[str, Any]]:
    """``n`` records of each shipped version from 2.0.0 on, as ``benchmarks/generate.py``
    writes them (seeded)."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(seed)
    out = []
    for version in available_versions():
        if int(version.split(".")[0]) >= 2:
            for i in range(n):
                record = gen.upgrade(gen.make_record(i, rng), rng)
                out.append(gen.upgrade_2(record, rng, version))
    return out


def rule_kinds(plan: rules.Rules) -> set[str]:
    """Every rule kind a plan declares, read from the plan (not from a list kept here)."""
    found: set[str] = set()

    def visit(node: rules.Node) -> None:
        for name in ("span", "date", "basis", "duration", "text_file"):
            if getattr(node, name) is not None:
                found.add(name)
        if node.kind is not None:
            found.add("id")
        if node.orders:
            found.add("order")
        found.update(f"when:{w.rule}" for w in node.whens)
        found.update(c.kind for c in node.checks)
        for f in node.fields:
            if f.ref is not None:
                found.add("ref")
            if f.verbatim:
                found.add("verbatim")
            if f.sequence is not None:
                found.add("sequence")
            if f.obj is not None:
                visit(f.obj)

    visit(plan.root)
    return found


Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Target:
    """A place in a record that a rule reads: its path, the rule kind, the value's role."""

    path: Path_
    rule: str
    role: str
    choices: tuple[Any, ...] = ()


def targets(record: Any, plan: rules.Rules) -> list[Target]:
    """Every place in ``record`` the plan's rules read (walked as the engines walk it)."""
    out: list[Target] = []

    def add(path: Path_, rule: str, role: str, choices: tuple[Any, ...] = ()) -> None:
        out.append(Target(path, rule, role, choices))

    def visit(value: Any, node: rules.Node, path: Path_) -> None:
        if not isinstance(value, dict):
            return
        if node.kind is not None and node.id_key is not None:
            add((*path, node.id_key), "id", "id")
        if node.span is not None:
            for role, key in zip(("offset", "offset", "quote"), node.span, strict=True):
                add((*path, key), "span", role)
        if node.date is not None:
            for role, key in zip(rules.Date._fields, node.date, strict=True):
                if key is not None:
                    add((*path, key), "date", role)
        if node.basis is not None:
            add((*path, node.basis.key), "basis", "basis", node.basis.explain)
            add((*path, node.basis.reason), "basis", "reason")
        for o in node.orders:
            add((*path, o.start, o.value), "order", "value")
            add((*path, o.end, o.value), "order", "value")
        if node.duration is not None:
            add((*path, node.duration.days), "duration", "offset")
        for w in node.whens:
            add((*path, w.key), f"when:{w.rule}", "when-if", (*w.values, "other", [], ["x"]))
            add((*path, w.then), f"when:{w.rule}", "when-then")
        if node.text_file is not None:
            add((*path, node.text_file.length), "text_file", "offset")
            add((*path, node.text_file.sha256), "text_file", "sha256")
        for c in node.checks:
            check_targets(value, c, node, path, add)
        for f in node.fields:
            sub = value.get(f.key)
            here = (*path, f.key)
            items = list(enumerate(sub)) if f.many and isinstance(sub, list) else []
            places = [((*here, i), v) for i, v in items] if f.many else [(here, sub)]
            for where, item in places:
                if f.ref is not None:
                    add(where, "ref", "id")
                if f.verbatim:
                    add(where, "verbatim", "quote")
                if f.obj is not None:
                    visit(item, f.obj, where)
            if f.sequence is not None:
                for where, _ in places:
                    add((*where, f.sequence.by, f.sequence.value), "sequence", "value")
                if len(items) > 1:
                    add(here, "sequence", "shuffle")

    visit(record, plan.root, ())
    return out


def check_targets(
    value: dict[str, Any],
    c: rules.Check,
    node: rules.Node,
    path: Path_,
    add: Callable[..., None],
) -> None:
    """The places a :class:`rules.Check` reads in ``value`` (an object of ``node``)."""
    if c.kind == "edtf":
        for role, key in zip(rules.CHECK_ARGS["edtf"], c.args, strict=True):
            if key is not None:
                add((*path, key), "edtf", f"edtf-{role}")
    elif c.kind == "date-anchor":
        _, date = c.args
        obj = next((f.obj for f in node.fields if f.key == date and f.obj is not None), None)
        edtf = next((k for k in obj.checks if k.kind == "edtf"), None) if obj else None
        if date is not None and edtf is not None and edtf.args[0] is not None:
            add((*path, date, edtf.args[0]), "date-anchor", "edtf-value")
    elif c.kind == "within":
        start, end, items, item_from, item_to, key = c.args
        assert start and end and items and item_from and item_to and key
        add((*path, start, key), "within", "edtf-value")
        add((*path, end, key), "within", "edtf-value")
        listed = value.get(items)
        for i in range(len(listed) if isinstance(listed, list) else 0):
            add((*path, items, i, item_from, key), "within", "edtf-value")
            add((*path, items, i, item_to, key), "within", "edtf-value")
    elif c.kind == "last":
        lst, key, equals, equals_key = c.args
        assert lst and key and equals and equals_key
        add((*path, equals, equals_key), "last", "last")
        listed = value.get(lst)
        for i in range(len(listed) if isinstance(listed, list) else 0):
            add((*path, lst, i, key), "last", "last")
        if isinstance(listed, list) and len(listed) > 1:
            add((*path, lst), "last", "shuffle")
    elif c.kind == "distinct":
        one, many = c.args
        assert one and many
        add((*path, one), "distinct", "id")
        listed = value.get(many)
        for i in range(len(listed) if isinstance(listed, list) else 0):
            add((*path, many, i), "distinct", "id")
        add((*path, many), "distinct", "distinct-list")


INTS: tuple[Any, ...] = (
    0, 1, -1, 5, 25, 10**8, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**30,
    -(2**63), -(2**63) - 1, -(10**30), True, 0.0, 25.0, 9e7, 1.5, -0.0, "25",
)  # fmt: skip
DATES: tuple[Any, ...] = (
    "2023-09-12", "2023-09-17", "2023-09", "2023", "2019-04", "2019", "0000", "0001-01-01",
    "9999-12-31", "2023-02-29", "2024-02-29", "2023-13", "2023-00", "2023-09-00", "2023-09-31",
    "2023-9-1", "２０２３", "", "2023-09-12T00:00", None, 2023,
)  # fmt: skip
POOLS: dict[str, tuple[Any, ...]] = {
    "offset": INTS,
    "value": DATES,
    "earliest": DATES,
    "latest": DATES,
    "precision": ("day", "month", "year", "unknown", "Day", "", None),
    "basis": ("stated", "inferred", "inferred_with_knowledge", "knowledge", "unknown", None),
    "weekday": (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "Monday", "", None,
    ),
    "written": (
        "--09-12", "--09-17", "--09", "--00", "--13", "--00-00", "--09-31", "--09-00",
        "2023-00", "2019-00", "2019-00-01", "2019-04", "2023-09", "2023", "2019", "0000",
        "2023-09-12", "--", "", "--٠٩", None,
    ),
    "reason": (None, "", "the dateline", 0, []),
    "when-then": (None, [], "x", ["x"], 0, ""),
    "sha256": (SHA, "0" * 64, SHA.upper(), None, ""),
    "quote": ("Kim", "", "x", "Putin", "words the article never has", "Kim\u0301", None, 5),
}  # fmt: skip
EDTF: tuple[Any, ...] = (
    "2023-09-12", "2023-09-17", "2023-09", "2023", "2023-23", "2023-21", "2023-24", "2023-25",
    "XXXX-09-12", "XXXX-02-29", "XXXX-02-30", "XXXX-09", "XXXX-XX-XX", "XXXX-13", "XXXX",
    "2023-06-03/2023-06-06", "2023-06-06/2023-06-03", "XXXX-06-03/XXXX-06-06", "2023-06-03/..",
    "2023-06-03/", "../2023-06-06", "/2023-06-06", "../..", "/", "2023-06-10~", "2023-06-10?",
    "2023-06%", "2023-23?", "2023-02-29", "2024-02-29", "0000", "2023-09-12\n", "2019-04",
    "2019-04-24", "2023-09-11", "2023-09-18", "2023-10", "2022", None, 2023,
)  # fmt: skip
RELATIVE: tuple[Any, ...] = (
    *(
        {"offset": o, "unit": u, "anchor": "published"}
        for o in (-1, 0, 1, 2)
        for u in ("day", "week", "month", "year", "weekday")
    ),
    {"offset": 1, "unit": "day"},
    {"offset": True, "unit": "day", "anchor": "published"},
    None,
)
POOLS.update(
    {
        "edtf-value": EDTF,
        "edtf-written": EDTF,
        "edtf-earliest": EDTF,
        "edtf-latest": EDTF,
        "edtf-precision": ("day", "month", "season", "year", "unknown", "Day", "", None),
        "edtf-basis": POOLS["basis"],
        "edtf-weekday": POOLS["weekday"],
        "edtf-relative": RELATIVE,
        "edtf-absence": ("not_given", "not_announced", "not_known", "", None),
        "last": ("planned", "completed", "postponed", "cancelled", "under_way", "begun", None),
        "distinct-list": ([], ["a_0"], ["a_0", "a_1"], ["nobody_here"], None),
    }
)
# whole dates of the 2.0.0 profile, each coherent (value, precision, written, weekday): a
# mutation that lands in the valid region often, so that the engines are compared there too
EDTF_FORMS: tuple[tuple[Any, str, Any, Any], ...] = (
    ("2019-04-24", "day", "XXXX-04-24", "wednesday"),
    ("2019-04", "month", "XXXX-04", None),
    ("2019", "year", "2019", None),
    ("2019-22", "season", "2019-22", None),
    ("XXXX-04-24", "day", "XXXX-04-24", None),
    ("XXXX-XX-XX", "day", "XXXX-XX-XX", "friday"),
    ("2019-04-24/2019-04-26", "day", None, None),
    ("XXXX-04-24/XXXX-04-26", "day", "XXXX-04-24/XXXX-04-26", None),
    ("2019-04-24/..", "day", None, None),
    ("/2019-04", "month", None, None),
    ("2019-04-24~", "day", None, None),
    (None, "unknown", None, None),
)
ANY: tuple[Any, ...] = (None, "", [], {}, True, 0, "x", -1, 1.0)


def _get(record: Any, path: Path_) -> Any:
    for key in path:
        record = record[key]
    return record


def mutate(
    record: dict[str, Any], plan: rules.Rules, rng: random.Random, hits: Counter[str]
) -> Any:
    """``record`` (a copy) with one to four changes where rules read it."""
    record = copy.deepcopy(record)
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        places: dict[str, list[Target]] = {}
        for t in targets(record, plan):
            places.setdefault(t.rule, []).append(t)
        if not places:
            break
        t = rng.choice(places[rng.choice(sorted(places))])  # each rule kind as often
        try:
            parent, key = _get(record, t.path[:-1]), t.path[-1]
            if not isinstance(parent, dict | list):
                continue
            if isinstance(parent, dict) and key not in parent and rng.random() < 0.5:
                continue
            hits[t.rule] += 1
            apply(record, parent, key, t, rng)
        except (KeyError, IndexError, TypeError):
            continue
    return record


def apply(record: Any, parent: Any, key: Any, t: Target, rng: random.Random) -> None:
    """One change at ``parent[key]`` (a place of ``t``'s role)."""
    roll = rng.random()
    if t.role == "shuffle":
        items = parent[key]
        i, j = rng.randrange(len(items)), rng.randrange(len(items))
        items[i], items[j] = items[j], items[i]
        return
    if roll < 0.08 and isinstance(parent, dict):
        del parent[key]
        return
    if roll < 0.16:
        parent[key] = rng.choice(ANY)
        return
    if t.role == "id":
        ids = list(_strings_at(record, "id")) or ["x"]
        parent[key] = rng.choice([*ids, "nobody_here", "", None, 5])
        if roll > 0.9 and isinstance(parent, dict):  # an object repeated whole: ids repeat
            holder = parent
            for lst in _lists_holding(record, holder):
                lst.append(copy.deepcopy(holder))
        return
    if t.rule == "edtf" and isinstance(parent, dict) and roll < 0.4:  # a whole date, coherent
        edtf = _edtf_check(record, t)
        if edtf is not None:
            value, precision, written, weekday = rng.choice(EDTF_FORMS)
            keys = dict(zip(rules.CHECK_ARGS["edtf"], edtf.args, strict=True))
            parent[keys["value"]], parent[keys["precision"]] = value, precision
            parent[keys["basis"]] = "stated" if value is not None else "unknown"
            for k in ("weekday", "written", "earliest", "latest", "relative", "absence"):
                if keys[k] is not None:
                    parent.pop(keys[k], None)
            if keys["weekday"] is not None:
                parent[keys["weekday"]] = weekday
            if keys["written"] is not None and written is not None and rng.random() < 0.7:
                parent[keys["written"]] = written
            return
    if t.rule == "date" and isinstance(parent, dict) and roll < 0.4:  # a whole date, coherent
        rule = _date_rule(record, t)
        if rule is not None:
            precision = rng.choice(("day", "month", "year"))
            value = {"day": "2019-04-24", "month": "2019-04", "year": "2019"}[precision]
            parent[rule.value], parent[rule.precision], parent[rule.basis] = (
                value,
                precision,
                "stated",
            )
            for k in (rule.weekday, rule.earliest, rule.latest):
                if k is not None and k in parent:
                    parent[k] = None
            if rule.written is not None:
                parent[rule.written] = rng.choice(POOLS["written"])
            return
    if t.role == "offset" and isinstance(parent, dict) and roll < 0.5:
        quote = parent.get("quote")
        start = rng.choice((0, 5, 17, len(TEXT) - 3, len(TEXT), -(2**63), 2**63 - 1, 2**64))
        if isinstance(quote, str):  # offsets that fit the quote's length, maybe not the text
            parent["start"], parent["end"] = start, start + len(quote) + rng.choice((0, 0, -1, 1))
            return
    if t.role == "quote" and roll < 0.4:
        a = rng.randrange(len(TEXT))
        b = min(len(TEXT), a + rng.randrange(40))
        parent[key] = TEXT[a:b]
        if isinstance(parent, dict) and roll < 0.3:
            parent["start"], parent["end"] = a, b
        return
    pool = t.choices or POOLS.get(t.role, ANY)
    parent[key] = copy.deepcopy(rng.choice(pool))


def _node_at(record: Any, t: Target) -> rules.Node | None:
    """The plan's node of the object holding ``t``."""
    plan = rules.rules_for(record.get("schema_version"))
    node: rules.Node | None = plan.root
    for key in t.path[:-1]:
        if isinstance(key, int) or node is None:
            continue
        node = next((f.obj for f in node.fields if f.key == key), None)
    return node


def _date_rule(record: Any, t: Target) -> rules.Date | None:
    """The date rule of the object holding ``t``."""
    node = _node_at(record, t)
    return node.date if node is not None else None


def _edtf_check(record: Any, t: Target) -> rules.Check | None:
    """The edtf check of the object holding ``t``."""
    node = _node_at(record, t)
    return next((c for c in node.checks if c.kind == "edtf"), None) if node else None


def _strings_at(node: Any, name: str) -> Iterator[str]:
    if isinstance(node, dict):
        v = node.get(name)
        if isinstance(v, str):
            yield v
        for sub in node.values():
            yield from _strings_at(sub, name)
    elif isinstance(node, list):
        for sub in node:
            yield from _strings_at(sub, name)


def _lists_holding(node: Any, item: Any) -> Iterator[list[Any]]:
    if isinstance(node, dict):
        for sub in node.values():
            yield from _lists_holding(sub, item)
    elif isinstance(node, list):
        if any(x is item for x in node):
            yield node
        for sub in node:
            yield from _lists_holding(sub, item)


# --- bytes ---------------------------------------------------------------------------------


def serialise(record: Any, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.6:
        return json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if roll < 0.8:
        return json.dumps(record).encode()
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def _digits_at(raw: bytes, rng: random.Random) -> tuple[int, int] | None:
    """A run of digits outside strings, roughly (a digit after ``:``, ``,`` or ``[``)."""
    spots = [i for i in range(1, len(raw)) if raw[i] in b"-0123456789" and raw[i - 1] in b":,[ "]
    if not spots:
        return None
    i = rng.choice(spots)
    j = i + 1
    while j < len(raw) and raw[j] in b"0123456789":
        j += 1
    return i, j


NUMBERS = (
    b"0.0", b"1.0", b"25.0", b"9e7", b"2.5E1", b"1e400", b"-1e400", b"1E-400", b"-0", b"00",
    b"18446744073709551616", b"-9223372036854775809", b"9223372036854775808",
    b"123456789012345678", b"1234567890123456789", b"9" * 40, b"-" + b"9" * 400, b"1.", b"+1",
    b"0x10", b"NaN", b"Infinity", b"-Infinity", b"true", b"null",
)  # fmt: skip


def mutate_bytes(raw: bytes, rng: random.Random) -> bytes:
    """One byte-level change that a parser, not a rule, must catch (or let through)."""
    kind = rng.randrange(11)
    n = len(raw)
    if kind == 0:  # a number rewritten
        spot = _digits_at(raw, rng)
        if spot:
            return raw[: spot[0]] + rng.choice(NUMBERS) + raw[spot[1] :]
    if kind == 1:  # a key repeated in the same object
        i = raw.find(b'{"', rng.randrange(max(1, n)))
        j = raw.find(b",", i)
        if i >= 0 and j > i:
            return raw[: i + 1] + raw[i + 1 : j] + b"," + raw[i + 1 :]
    if kind == 2:  # a key spelled with an escape
        for key in (b'"start"', b'"end"', b'"id"', b'"schema_version"', b'"value"'):
            if key in raw:
                k = rng.randrange(1, len(key) - 1)
                esc = b"\\u%04x" % key[k]
                return raw.replace(key, key[:k] + esc + key[k + 1 :], rng.choice((1, -1)))
    if kind == 3:  # cut short
        return raw[: rng.randrange(n + 1)]
    if kind == 4:  # a bracket, a quote or a colon in a random place
        i = rng.randrange(n + 1)
        return raw[:i] + rng.choice((b"{", b"}", b"[", b"]", b'"', b":", b",", b"\\")) + raw[i:]
    if kind == 5 and n:  # a byte flipped
        i = rng.randrange(n)
        return raw[:i] + bytes([raw[i] ^ (1 << rng.randrange(8))]) + raw[i + 1 :]
    if kind == 6 and n:  # a byte dropped
        i = rng.randrange(n)
        return raw[:i] + raw[i + 1 :]
    if kind == 7:  # invalid UTF-8, a NUL, a lone surrogate, a byte-order mark
        i = rng.randrange(n + 1)
        bad = rng.choice((b"\xff", b"\xc3", b"\x00", b"\\ud800", b"\\udc00x", b"\xef\xbb\xbf"))
        return raw[:i] + bad + raw[i:]
    if kind == 8:  # nested deeper
        depth = rng.choice((50, 199, 200, 201, 260))
        return raw[:-1] + b', "x": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == 9:  # white space where JSON allows it, and where it does not
        return raw.replace(b": ", rng.choice((b" :\t", b":\r\n ", b"\x0b:")), rng.randrange(1, 5))
    return raw + rng.choice((b"\r", b" ", b"\n", b"x", b"}", b"{}"))


def hostile(rng: random.Random) -> bytes:
    """Bytes of no record at all."""
    kind = rng.randrange(7)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
    if kind == 6:  # many keys in each of many open objects: the scan's key table grows
        width, depth = rng.randrange(50, 70), rng.randrange(3, 12)
        keys = b"".join(b'"k%d": %d, ' % (i, i) for i in range(width))
        inner = b'{"schema_version": "1.1.0", ' + keys + b'"k0": 1}'  # the last key repeats
        for _ in range(depth):
            inner = b"{" + keys + b'"x": ' + inner + b"}"
        return inner
    if kind == 1:
        alphabet = b'{}[]",:0123456789.eE- atrufsnl\\'
        return bytes(rng.choice(alphabet) for _ in range(rng.randrange(2000)))
    if kind == 2:
        unit = rng.choice((b"{]", b"[}", b"]", b"}", b"{", b"[", b'{"a":', b'["a":1', b"[{"))
        return unit * rng.randrange(1, 3000)
    if kind == 3:
        d = rng.randrange(150, 400)
        return b'{"schema_version": "1.1.0", "x": ' + b"[" * d + b"]" * d + b"}"
    if kind == 4:
        keys = b",".join(b'"k%d": %d' % (i % 70, i) for i in range(rng.randrange(300)))
        return b'{"schema_version": "1.1.0", ' + keys + b"}"
    return b'{"schema_version": "1.1.0", "n": ' + b"9" * rng.randrange(1, 5000) + b"}"


def regressions() -> list[bytes]:
    """Lines that broke an engine once (issue 22): every run starts with them."""
    gold = seed_records()[0]
    out = [b"{]" * 1000, b"[}" * 1000, b'{"a":1]' * 300, b"}" * 3000]
    for written in ("--00", "2019-00"):
        r = copy.deepcopy(gold)
        visit = r["visits"][1]
        for date in (visit["start"], visit["end"], visit["sub_events"][0]["date"]):
            date.update(value="2019", precision="year", written="2019")
        visit["start"]["written"] = written
        out.append(_dump(r))
    for start, end in ((2**64, 25), (-(2**63), 2**63 - 1), (-(2**63), 25), (0.0, 9e7)):
        r = copy.deepcopy(gold)
        r["actors"][0]["mentions"][0].update(start=start, end=end)
        out.append(_dump(r))
    return out


# --- the oracle ----------------------------------------------------------------------------


@contextmanager
def pure_python(on: bool) -> Iterator[None]:
    before = os.environ.get(PURE)
    os.environ[PURE] = "1" if on else ""
    try:
        yield
    finally:
        if before is None:
            del os.environ[PURE]
        else:
            os.environ[PURE] = before


def _outcome(result: RecordResult | InputError) -> tuple[Any, ...]:
    if isinstance(result, InputError):
        return ("input error", str(result))
    return ("record", result.valid, tuple((i.path, i.keyword, i.message) for i in result.issues))


def _valid(result: RecordResult | InputError) -> bool:
    return isinstance(result, RecordResult) and result.valid


def _dump(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def _strict_ok(raw: bytes) -> bool:
    """Whether orjson and the strict parser both parse the line (to the same value)."""
    try:
        import orjson

        fast = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return True  # scan is asked only about what orjson parsed: anything goes
    try:
        return _same_value(strict_line(raw, "fuzz", 1), fast)
    except InputError:
        return False


def _same_value(a: Any, b: Any) -> bool:
    """Equal as JSON values, types included (2**64 is not 2.0**64, 1 is not True)."""
    return json.dumps(a) == json.dumps(b)


@dataclass
class Stats:
    execs: int = 0
    lines: int = 0
    accepted: int = 0
    reference_valid: int = 0
    walks: int = 0
    walk_unsure: int = 0
    chunks: int = 0
    rules_hit: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.execs} executions ({self.lines} lines through validate both ways, "
            f"{self.walks} semantic walks, {self.chunks} chunks): {self.accepted} lines "
            f"accepted by C, {self.reference_valid} valid by the reference; "
            f"{self.walk_unsure} walks where C was unsure and Python found nothing; "
            f"{len(self.findings)} findings"
        )


class Harness:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seeds = seed_records()
        self.settings = [
            Settings(),
            Settings(sources=Sources.from_files([str(SOURCE)])),
            Settings(level="verified", sources=Sources.from_files([str(SOURCE)])),
            # two texts: each record's is chosen by its sha256, its article id or the file
            # name, and one that none matches is refused (source-match)
            Settings(sources=Sources((Source(str(SOURCE), TEXT, TEXT_BYTES, SHA), _OTHER))),
        ]
        # the settings each seed is valid under (the examples quote other articles than the
        # one text at hand): a mutant is checked under one of them most of the time
        self.fits = [
            [k for k, st in enumerate(self.settings) if _valid(check_line("seed", 1, _dump(r), st))]
            for r in self.seeds
        ]
        self.stats = Stats()
        self.window: list[tuple[bytes, bool]] = []
        self.module = accel._speedups
        assert self.module is not None, "the C accelerator is not compiled here"

    def find(self, what: str, raw: bytes | None, detail: Any = "") -> None:
        if len(self.stats.findings) < 50:
            shown = raw[:300] if raw is not None else b""
            self.stats.findings.append(f"{what}: {detail!r:.600} line {shown!r}")

    def one(self) -> None:
        rng = self.rng
        self.stats.execs += 1
        roll = rng.random()
        record: Any = None
        setting = rng.choice(self.settings)
        if roll < 0.08:
            raw = hostile(rng)
        else:
            i = rng.randrange(len(self.seeds))
            base = self.seeds[i]
            if rng.random() < 0.8:
                setting = self.settings[rng.choice(self.fits[i] or [0])]
            plan = rules.rules_for(base["schema_version"])
            record = mutate(base, plan, rng, self.stats.rules_hit) if roll > 0.12 else base
            article = record.get("article")
            if rng.random() < 0.05 and isinstance(article, dict):  # another text, or none
                record = copy.deepcopy(record)
                record["article"]["id"] = rng.choice(("elsewhere", "nowhere"))
                if isinstance(article.get("text_file"), dict) and rng.random() < 0.5:
                    record["article"]["text_file"]["sha256"] = _OTHER.sha256
            raw = serialise(record, rng)
            if rng.random() < 0.3:
                raw = mutate_bytes(raw, rng)
                record = None  # the bytes say what the record is now
            if record is not None:
                self.walk(record)
        self.line(raw.replace(b"\n", b" ") if rng.random() < 0.9 else raw, setting)

    def line(self, raw: bytes, s: Settings) -> None:
        """validate's verdict and report on one line, with the accelerator and without."""
        exact, _ = self.module.scan(raw, (b"start", b"end"))  # any bytes, not only JSON
        if exact and not _strict_ok(raw):
            self.find("scan says exact for a line the strict parser refuses", raw)
        self.stats.lines += 1
        with pure_python(True):
            reference = check_line("fuzz", 1, raw, s)
        with pure_python(False):
            accept = fast_acceptor(s)
            assert accept is not None
            accepted = accept(raw)
            fast = check_line("fuzz", 1, raw, s)
        ref = _outcome(reference)
        valid = _valid(reference)
        self.stats.reference_valid += bool(valid)
        if accepted is not None:
            self.stats.accepted += 1
            if not valid:
                self.find("C accepted a line the reference refuses", raw, ref)
            else:
                strict = line_document(raw, "fuzz", 1).value
                if not _same_value(accepted, strict):
                    self.find("C accepted another value than the strict parser's", raw)
        if _outcome(fast) != ref:
            self.find(
                "validate reports differently with the accelerator", raw, (_outcome(fast), ref)
            )
        if b"\n" not in raw and s is self.settings[0]:
            self.window.append((raw, accepted is not None))
            if len(self.window) >= 12:
                self.chunk()

    def chunk(self) -> None:
        """The lines of the window as one chunk: what the chunk acceptor accepts whole."""
        self.stats.chunks += 1
        lines, self.window = self.window, []
        blob = b"\n".join(raw for raw, _ in lines) + b"\n"
        with pure_python(False):
            batch = pipeline._acceptors(self.settings[0])[1]
            count, valid, rejected, _ = batch(blob, False, False)
        blank = {i + 1 for i, (raw, _) in enumerate(lines) if not raw.strip(b" \t\r\n\x0b\x0c")}
        expected = {i + 1 for i, (_, ok) in enumerate(lines) if not ok} - blank
        got = {n for n, _ in rejected}
        if count != len(lines) or got != expected or valid != len(lines) - len(blank) - len(got):
            self.find(
                "a chunk gives other lines than its lines", blob, (count, valid, got, expected)
            )

    def walk(self, record: Any) -> None:
        """The C semantic walk against checks.check, under one of the record's plans."""
        version = record.get("schema_version") if isinstance(record, dict) else None
        if version not in available_versions():
            return
        self.stats.walks += 1
        text = self.rng.random() < 0.5
        offsets = text or self.rng.random() < 0.7
        plan = rules.plan(version, text, offsets)
        compiled = self.module.compile(plan)
        found = checks.check(record, plan, TEXT if text else None, TEXT_BYTES if text else None)
        args = (TEXT, SHA) if text else ()
        ok = self.module.semantic_ok(record, compiled, *args)
        if ok and found:
            detail = [(i.path, i.keyword) for i in found]
            self.find("C walk finds nothing where Python finds issues", None, (detail, record))
        elif not ok and not found:
            if rs_validator(version, "extraction").is_valid(record):
                self.find("C walk refuses a schema-valid record Python takes", None, record)
            else:
                self.stats.walk_unsure += 1


def use_module(path: str) -> None:
    """Test another build of ``_speedups.c`` (e.g. with sanitizers) instead of the installed."""
    spec = importlib.util.spec_from_file_location("diplomatic_visits._speedups", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = Path(accel.__file__).with_name("_speedups.c")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if getattr(module, "SOURCE_SHA256", None) != digest:
        raise SystemExit(f"{path} was not built from {source}")
    sys.modules["diplomatic_visits._speedups"] = module
    accel._speedups = module
    accel._compiled.cache_clear()
    pipeline._ACCEPTORS.clear()


def run(
    seed: int,
    execs: int | None = None,
    seconds: float | None = None,
    progress: Callable[[Stats], None] | None = None,
) -> Stats:
    """Fuzz for ``execs`` executions or ``seconds`` seconds, from ``seed``."""
    h = Harness(seed)
    for raw in regressions():
        for setting in h.settings:
            h.line(raw, setting)
    end = time.monotonic() + seconds if seconds is not None else None
    last = time.monotonic()
    while (execs is None or h.stats.execs < execs) and (end is None or time.monotonic() < end):
        h.one()
        if progress is not None and time.monotonic() - last > 30:
            last = time.monotonic()
            progress(h.stats)
    return h.stats


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=None)
    p.add_argument("--execs", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--speedups", help="a build of _speedups.c to load instead")
    args = p.parse_args(argv)
    if args.speedups:
        use_module(args.speedups)
    if args.seconds is None and args.execs is None:
        args.seconds = 60.0
    t = time.monotonic()
    stats = run(args.seed, args.execs, args.seconds, lambda s: print(s.summary(), flush=True))
    print(f"{stats.summary()} in {time.monotonic() - t:.0f} s")
    print("rule kinds mutated:", dict(sorted(stats.rules_hit.items())))
    for f in stats.findings:
        print("FINDING", f)
    fields = {k: v for k, v in vars(stats).items() if k not in ("rules_hit", "findings")}
    print(
        "STATS",
        json.dumps({**fields, "rules_hit": stats.rules_hit, "findings": len(stats.findings)}),
    )
    return 1 if stats.findings else 0


if __name__ == "__main__":
    sys.exit(main())
