"""``diplomatic-visits info``: what this install holds, for a bug report."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits import _version
from diplomatic_visits.cli.options import EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Print what this install holds: the package version, the shipped schema "
        "versions and levels, the dataset version, the rules engine and the compiled "
        "accelerator in use, the gold records' counts (the real article's and the "
        "challenge set's), and the checksum of every shipped file (verified as they are "
        "read). Paste it into a bug report."
    )


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits import accel
    from diplomatic_visits._paths import dataset_dir, schema_dir
    from diplomatic_visits.checks import engine
    from diplomatic_visits.records import (
        dataset_version,
        load_records,
        read_sums,
        verify_dataset,
    )
    from diplomatic_visits.schema import LEVELS, available_versions

    out = sys.stdout
    verify_dataset()  # every set's files: each checksum below is printed as verified
    records = load_records()
    challenge = load_records(bundled="challenge")
    print(f"package          {_version.__version__}", file=out)
    print(
        f"schema versions  {', '.join(available_versions())} (levels: {', '.join(LEVELS)})",
        file=out,
    )
    print(f"dataset version  {dataset_version()}", file=out)
    print(f"rules engine     {engine()} (reports)", file=out)
    print(f"accelerator      {accel.status()}", file=out)
    print(f"records          {len(records)}", file=out)
    n_visits = sum(len(r["visits"]) for r in records)
    n_statements = sum(len(r["statements"]) for r in records)
    print(f"visits           {n_visits}", file=out)
    print(f"statements       {n_statements}", file=out)
    print(
        f"challenge set    {len(challenge)} records (load_records(bundled='challenge'))", file=out
    )
    print("checksums (verified):", file=out)
    for folder in (schema_dir(), dataset_dir()):
        for name, digest in read_sums(folder / "SHA256SUMS").items():
            print(f"  {digest}  {folder.name}/{name}", file=out)
    return EXIT_OK
