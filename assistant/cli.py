"""Command line: ``sciatica-assistant <command>`` (also ``python -m assistant``).

Heavy libraries are imported inside the commands, so ``--help`` and input errors answer at once.
Every failure a user can cause prints one line starting with ``error:`` and exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import AssistantError
from .settings import Settings, load_settings


def _cmd_ask(args, settings: Settings) -> int:
    from .inputs import clean_question

    clean_question(args.question, settings)  # fail fast, before loading the model
    history = []
    if args.history:
        try:
            history = json.loads(Path(args.history).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AssistantError(f"cannot read history file {args.history}: {exc}") from None
    from .pipeline import build_assistant

    # one question: a second ONNX session for questions that run alone would only cost start-up time (0.2 s)
    answer = build_assistant(settings.with_overrides(alone_threads=1)).ask(args.question, history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.to_text())
    return 0


def _cmd_chat(args, settings: Settings) -> int:
    from .pipeline import build_assistant

    assistant = build_assistant(settings)
    print(f"{settings.assistant_name}. Ask about sciatica and massage; an empty line or Ctrl-D quits.")
    print(settings.disclaimer)
    history: list[dict] = []
    while True:
        try:
            question = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question.strip():
            return 0
        try:
            answer = assistant.ask(question, history)
        except AssistantError as exc:
            print(f"error: {exc}")
            continue
        print("\n" + answer.to_text())
        history += [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.answer}]


def _cmd_index(args, settings: Settings) -> int:
    if args.check:
        from .ingest.build import check_corpus

        check, total = check_corpus(settings)
        print(check.summary(total))
        return 0 if check.up_to_date else 1
    from .ingest.build import index_corpus

    def progress(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total} passages", end="", file=sys.stderr, flush=True)

    stats = index_corpus(settings, rebuild=args.rebuild, on_progress=None if args.quiet else progress)
    if stats.embedded_passages and not args.quiet:
        print(file=sys.stderr)
    print(stats.summary())
    return 0


def _cmd_curate(args, settings: Settings) -> int:
    from .ingest.curate import curate_file
    from .text import slugify

    result = curate_file(Path(args.raw), title=args.title, source=args.source)
    out = Path(args.output) if args.output else settings.corpus_dir / f"{slugify(Path(args.raw).stem)}.md"
    if out.exists() and not args.force:
        raise AssistantError(f"{out} exists; pass --force to overwrite it or -o to write elsewhere")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(result.markdown, encoding="utf-8")
    report = result.report()
    if args.report:
        Path(args.report).write_text(report, encoding="utf-8")
    print(report, end="")
    print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sciatica-assistant",
        description="Answers questions about sciatica and massage from curated articles, with citations.",
    )
    parser.add_argument("--config", help="TOML settings file (default: $ASSISTANT_CONFIG or ./assistant.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer schema as JSON")
    p.add_argument("--history", help="JSON file with earlier turns: [{role, content}, ...]")
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("chat", help="interactive chat in the terminal")
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("index", help="build or update the index from the curated corpus")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything")
    p.add_argument("--quiet", action="store_true")
    p.add_argument(
        "--check",
        action="store_true",
        help="only say whether the index matches the corpus (exit 1 if not); embeds and writes nothing",
    )
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("curate", help="turn a raw article (txt, md, html) into curated Markdown plus a report")
    p.add_argument("raw")
    p.add_argument("-o", "--output", help="where to write the curated Markdown")
    p.add_argument("--title")
    p.add_argument("--source", help="where the article came from (required before indexing)")
    p.add_argument("--report", help="also write the report to this file")
    p.add_argument("--force", action="store_true", help="overwrite an existing curated file")
    p.set_defaults(func=_cmd_curate)

    for module in ("assistant.web.command", "assistant.evaluate.command"):
        try:
            __import__(module, fromlist=["register"]).register(sub)
        except ModuleNotFoundError:
            pass
    return parser


def main(argv: list[str] | None = None) -> int:
    from .offline import apply_offline_env

    apply_offline_env()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(config_file=Path(args.config) if args.config else None)
        return args.func(args, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
