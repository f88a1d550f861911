"""``diplomatic-visits extract``: a record from each article, with any model."""

from __future__ import annotations

import argparse
import sys

from diplomatic_visits.cli import options
from diplomatic_visits.cli.options import EXIT_INVALID, EXIT_OK, UsageError


def _price(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not n >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return n


def add_arguments(x: argparse.ArgumentParser) -> None:
    x.description = (
        "Ask a model for the record of each article (the llm profile as structured\n"
        "output), lift and validate every answer, send invalid answers back with the\n"
        "validator's messages, and write the valid records. Any OpenAI-compatible server\n"
        "(OpenAI, vLLM, SGLang, Ollama, llama.cpp's server: --base-url) takes the profile as\n"
        "response_format json_schema, or JSON mode with the schema in the prompt when it\n"
        "refuses that (--mode auto); Anthropic takes it as a tool (--provider anthropic).\n"
        "API keys come from the environment only (OPENAI_API_KEY, ANTHROPIC_API_KEY, or the\n"
        "variable --api-key-env names) and are never written anywhere.\n\n"
        "Every call is cached on disk, keyed by the whole request (model, parameters, prompt,\n"
        "profile, article): a rerun costs nothing and a killed run resumes where it stopped.\n"
        "Beside --out: OUT.issues.jsonl (every article not in --out, and why; quotes placed by\n"
        "context or left without offsets) and OUT.manifest.json (model, parameters, schema and\n"
        "prompt versions, counts, timings, tokens, cost). No article is dropped silently."
    )
    x.epilog = (
        "examples:\n"
        "  export OPENAI_API_KEY=...\n"
        "  diplomatic-visits extract articles/ --model gpt-5-mini --out records.jsonl\n"
        "  diplomatic-visits extract dataset/source/ --model qwen3 --base-url "
        "http://localhost:8000/v1 \\\n"
        "      --out records.jsonl --gold dataset/records --view pages/\n"
        "  diplomatic-visits extract news.jsonl --text-column body --provider anthropic \\\n"
        "      --model claude-sonnet-4-5 --out records.jsonl -j 8 --price 3 15\n\n"
        "exit codes: 0 every article has a valid record, 1 some article has none (see the\n"
        "issues file), 2 usage error, unreadable input or a server that refuses the run"
    )
    x.formatter_class = argparse.RawDescriptionHelpFormatter
    x.add_argument(
        "articles",
        nargs="+",
        metavar="ARTICLE",
        help="a .txt file (its name without .txt is the article id), a folder of them, or a "
        "JSON Lines file with the text in a column (--text-column)",
    )
    x.add_argument("--model", required=True, metavar="NAME", help="the model to ask")
    options.out(x, "the valid records, JSON Lines, in order")
    x.add_argument(
        "--provider",
        choices=("openai", "anthropic"),
        default="openai",
        help="openai: any OpenAI-compatible chat completions server; anthropic: the Messages "
        "API with tool use (default: %(default)s)",
    )
    x.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="the server (e.g. http://localhost:8000/v1 for vLLM, http://localhost:11434/v1 "
        "for Ollama); a server that needs no key needs no environment variable",
    )
    x.add_argument(
        "--api-key-env",
        metavar="VAR",
        default=None,
        help="the environment variable holding the key (default: OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY); there is deliberately no option taking the key itself",
    )
    x.add_argument(
        "--mode",
        choices=("auto", "json_schema", "json_object"),
        default="auto",
        help="how the profile is sent to an OpenAI-compatible server: json_schema "
        "(structured output), json_object (JSON mode, the schema in the prompt, the answer "
        "validated), or auto: json_schema, and JSON mode for the rest of the run if the server "
        "refuses it (default: %(default)s)",
    )
    x.add_argument("--temperature", type=float, default=None, help="sampling temperature")
    x.add_argument(
        "--max-tokens", type=options.positive, default=None, metavar="N", help="output token limit"
    )
    x.add_argument("--seed", type=int, default=None, help="sampling seed, where served")
    x.add_argument(
        "-j",
        "--jobs",
        type=options.positive,
        default=4,
        metavar="N",
        help="calls in flight at once (default: %(default)s)",
    )
    x.add_argument(
        "--max-repairs",
        type=int,
        default=2,
        metavar="N",
        help="times an unreadable answer or an invalid record is sent back with the "
        "validator's messages (default: %(default)s)",
    )
    x.add_argument(
        "--retries",
        type=int,
        default=6,
        metavar="N",
        help="tries again after a 429, a 5xx or a dropped connection, waiting what the "
        "server's Retry-After says, else 1 s doubling each time (default: %(default)s)",
    )
    x.add_argument(
        "--chunk-chars",
        type=options.positive,
        default=None,
        metavar="N",
        help="split articles longer than N characters into chunks (at line or sentence ends, "
        "overlapping by --chunk-overlap) and merge their records: a visit told across two "
        "chunks is one visit (default: no split)",
    )
    x.add_argument(
        "--chunk-overlap",
        type=int,
        default=1000,
        metavar="N",
        help="characters two chunks share (default: %(default)s)",
    )
    x.add_argument(
        "--price",
        nargs=2,
        type=_price,
        metavar=("IN", "OUT"),
        default=None,
        help="USD per million input and output tokens, to show and record the cost",
    )
    x.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="the cache of answers (default: $XDG_CACHE_HOME/diplomatic-visits/extract)",
    )
    x.add_argument(
        "--issues", metavar="FILE", default=None, help="default: OUT.issues.jsonl beside --out"
    )
    x.add_argument("--manifest", metavar="FILE", default=None, help="default: OUT.manifest.json")
    options.gold(
        x,
        "The records of the articles that have one are scored, as `score` does; the score is "
        "printed and kept in the manifest.",
    )
    x.add_argument(
        "--view",
        metavar="DIR",
        default=None,
        help="write a page per article to DIR (ARTICLE_ID.html): the record over its text, "
        "against its gold where there is one",
    )
    x.add_argument(
        "--text-column", default="text", metavar="NAME", help="JSON Lines: the text's column"
    )
    x.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="JSON Lines: the article id's column (default: FILE-LINE)",
    )
    options.schema_version(x, "schema version the model is asked for (default: latest)")
    x.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    options.force(x)


def run(args: argparse.Namespace) -> int:
    from diplomatic_visits.extract import Options, extract, read_articles
    from diplomatic_visits.score import render_text

    out, err = sys.stdout, sys.stderr
    if args.max_repairs < 0 or args.retries < 0 or args.chunk_overlap < 0:
        raise UsageError("--max-repairs, --retries and --chunk-overlap take 0 or more")
    if args.chunk_chars is not None and args.chunk_overlap >= args.chunk_chars:
        raise UsageError("--chunk-overlap must be smaller than --chunk-chars")
    articles = read_articles(args.articles, args.text_column, args.id_column)
    opts = Options(
        model=args.model,
        provider=args.provider,
        base_url=args.base_url,
        api_key_env=args.api_key_env,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        seed=args.seed,
        mode=args.mode,
        jobs=args.jobs,
        max_repairs=args.max_repairs,
        retries=args.retries,
        chunk_chars=args.chunk_chars,
        chunk_overlap=args.chunk_overlap,
        price=tuple(args.price) if args.price else None,
        schema_version=args.schema_version,
    )
    run = extract(
        articles,
        opts,
        args.out,
        issues_out=args.issues,
        manifest_out=args.manifest,
        cache_dir=args.cache,
        gold=args.gold,
        view_dir=args.view,
        force=args.force,
        progress=None if args.quiet else err,
        inputs=args.articles,
    )
    m = run.manifest
    counts = ", ".join(f"{n} {s}" for s, n in m["counts"].items() if n)
    print(
        f"wrote {args.out}: {len(run.records)} records of {m['articles']} articles ({counts}); "
        f"{m['calls']['answered']} answers, {m['calls']['from_cache']} from the cache; issues in "
        f"{m['outputs']['issues']}, manifest in {m['outputs']['manifest']}",
        file=err,
    )
    if run.score is not None:
        print(render_text(run.score), file=out)
    elif args.gold:
        print("no article of the run has a gold record: nothing scored", file=err)
    return EXIT_OK if run.ok else EXIT_INVALID
