#!/usr/bin/env bash
# The C accelerator under AddressSanitizer and UndefinedBehaviorSanitizer: compile
# loaders/diplomatic_visits/_speedups.c with -fsanitize=address,undefined into a temporary
# folder and run the differential fuzzing harness (tests/fuzz_engines.py) against that build.
# Any sanitizer report stops the run (halt_on_error, -fno-sanitize-recover) and fails it, as
# does any finding of the harness. Opt-in: not part of the test run (minutes, and a compiler).
#
#   benchmarks/sanitize.sh [SECONDS] [SEED]        # default: 300 seconds, seed 1
#
# Needs gcc (or CC) with libasan and libubsan (Debian: gcc 12 brings them); CPython itself is
# not built with ASan, so libasan is preloaded into it.
set -euo pipefail

SECONDS_TO_RUN="${1:-300}"
SEED="${2:-1}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python}"
CC="${CC:-gcc}"
SOURCE="$HERE/loaders/diplomatic_visits/_speedups.c"
WORK="$(mktemp -d -t dv-sanitize-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

INCLUDE="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
DIGEST="$(sha256sum "$SOURCE" | cut -d' ' -f1)"
# the same macros as hatch_build.py's build (limited API, the source's sha256), plus the
# sanitizers; -O1 keeps the stack traces readable
"$CC" -shared -fPIC -g -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -DPy_LIMITED_API=0x030A0000 -DSOURCE_SHA256="$DIGEST" -I"$INCLUDE" \
    "$SOURCE" -o "$WORK/_speedups.abi3.so"

ASAN_LIB="$("$CC" -print-file-name=libasan.so)"
UBSAN_LIB="$("$CC" -print-file-name=libubsan.so)"
if [ ! -e "$ASAN_LIB" ]; then
    echo "sanitize.sh: libasan not found for $CC (Debian: apt-get install libasan8)" >&2
    exit 2
fi

# detect_leaks=0: CPython keeps memory alive at exit by design; PYTHONMALLOC=malloc: every
# object allocation goes through ASan's malloc, so an overrun of a Python buffer is seen too
export LD_PRELOAD="$ASAN_LIB:$UBSAN_LIB"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export PYTHONMALLOC=malloc
export PYTHONPATH="$HERE/loaders${PYTHONPATH:+:$PYTHONPATH}"
LOG="$WORK/fuzz.log"
set +e
# -X faulthandler: a crash also shows where Python was (then ASan's report follows)
"$PYTHON" -X faulthandler "$HERE/tests/fuzz_engines.py" --speedups "$WORK/_speedups.abi3.so" \
    --seconds "$SECONDS_TO_RUN" --seed "$SEED" 2>&1 | tee "$LOG"
STATUS="${PIPESTATUS[0]}"
set -e
if grep -q -E "AddressSanitizer|runtime error:|LeakSanitizer" "$LOG"; then
    echo "sanitize.sh: sanitizer report (above)" >&2
    exit 1
fi
if [ "$STATUS" -ne 0 ]; then
    echo "sanitize.sh: the harness failed (exit $STATUS)" >&2
    exit 1
fi
echo "sanitize.sh: no sanitizer report, no finding"
