"""Type stubs of the optional compiled accelerator (``_speedups.c``, which documents it)."""

from collections.abc import Callable, Mapping
from typing import Any

SCHEMA_VERSIONS: tuple[str, ...]
API_VERSION: int
PLAN_API: int  # the rules.PLAN_API whose plans compile() reads
LIMITED_API: int
SOURCE_SHA256: str  # set when the build hook compiled it

def compile(rules: Any, /) -> Any: ...
def deferred(plan: Any, /) -> int: ...
def scan(raw: bytes, /) -> tuple[bool, bool]: ...
def semantic_ok(
    record: Any, plan: Any, text: str | None = None, sha256: str | None = None, /
) -> bool: ...
def accept(
    loads: Callable[[bytes], Any],
    checks: Mapping[str, tuple[Callable[[Any], bool], Any, Any]],
    texts: tuple[Mapping[str, str], str | None] | None,
    raw: bytes,
    /,
) -> dict[str, Any] | None: ...
