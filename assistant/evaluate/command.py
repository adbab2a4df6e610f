"""The ``eval`` subcommand.

Wiring (in ``assistant/cli.py``)::

    from assistant.evaluate import command as eval_command
    eval_command.register(subparsers)      # adds "eval" with func=run
    ...
    return args.func(args, settings)       # run(args, settings) -> exit code

Importing this module is cheap: no torch, sentence-transformers or gradio. The pipeline is
imported inside :func:`run`, and only when evaluating in-process (not with ``--url``).

``--compare-modes`` runs the same cases in-process twice, quoting (extractive) and with the chat model of
``--llm`` writing (generative), writes each run's report to ``DIR/extractive/`` and ``DIR/generative/`` and
prints the main metrics of both side by side (:mod:`.modes`).

Exit codes: 0 all thresholds met (or none given); 1 a threshold missed (in either mode with
``--compare-modes``), the assistant could not start or the server could not be reached, or ``--compare``
found newly failing cases; 2 bad input (malformed set file, bad threshold, unknown option values).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, TextIO

if TYPE_CHECKING:  # the imports themselves stay inside the functions: importing this module is cheap
    from assistant.settings import Settings

    from .cases import Case
    from .corpus import CorpusText
    from .faithfulness import FaithfulnessCheck
    from .metrics import Threshold
    from .runner import Backend

DEFAULT_REPORT_DIR = "reports/eval"

EPILOG = """\
examples:
  sciatica-assistant eval evals/sets/
  sciatica-assistant eval my-set.csv --report out/ --fail-under pass_rate=0.95
  sciatica-assistant eval evals/sets/ --fail-under citation_validity=1,disclaimer_presence=1 \\
      --fail-under tag:emergency:triage_recall_emergency=1 --fail-over false_alarm_rate=0.05
  sciatica-assistant eval evals/sets/ --url http://127.0.0.1:7860
  sciatica-assistant eval --compare reports/old/results.json reports/eval/results.json
  sciatica-assistant eval evals/sets/ --answer-mode generative --llm gguf:smollm2 --fail-under faithfulness=1
  sciatica-assistant eval evals/sets/ --compare-modes --llm gguf:smollm2 --report reports/modes

thresholds: [SET:|tag:TAG:]METRIC=VALUE, comma-separated or repeated. --fail-under for
higher-is-better metrics (pass_rate, hit@1, hit@3, mrr, citation_precision, citation_validity,
disclaimer_presence, triage_recall_<level>, triage_recall_at_or_above_<level>, <outcome>_accuracy,
outcome_accuracy, first_quote_accuracy, cited_any_accuracy, partial_accuracy; generative mode:
generated_rate, faithfulness), --fail-over for lower-is-better ones (false_alarm_rate[_<level>],
latency_p50_<stage>, latency_p95_<stage>, failed, errors; generative mode: fallback_rate,
removed_sentence_rate, unsupported_sentences, unfaithful_cases). Metrics are defined in evals/README.md.
"""


def register(subparsers) -> None:
    """Add the ``eval`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "eval",
        help="run question sets against the assistant; write an HTML report, JSON and JUnit XML",
        description="Run question sets (YAML, JSON, JSONL or CSV; promptfoo and ragas rows too) "
        "against the same pipeline the web app serves, offline and deterministically.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="SET", help="question-set files, or folders of them (not recursive)")
    p.add_argument(
        "--report",
        metavar="DIR",
        default=None,
        help=f"where to write report.html, results.json and junit.xml (default: {DEFAULT_REPORT_DIR})",
    )
    p.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="[SCOPE:]METRIC=VALUE",
        help="exit 1 when METRIC is below VALUE (repeatable, comma-separated)",
    )
    p.add_argument(
        "--fail-over",
        action="append",
        default=[],
        metavar="[SCOPE:]METRIC=VALUE",
        help="exit 1 when a lower-is-better METRIC is above VALUE",
    )
    p.add_argument(
        "--url",
        metavar="URL",
        default=None,
        help="evaluate a running server (POST URL/api/ask) instead of the in-process pipeline",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="per-question HTTP timeout with --url (default 60)",
    )
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="only run cases with this tag (repeatable: any of them)",
    )
    p.add_argument(
        "--case", action="append", default=[], metavar="ID", help="only run cases whose id matches (glob; repeatable)"
    )
    p.add_argument("--check", action="store_true", help="only load and validate the set files; run nothing")
    p.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        default=None,
        help="show what changed between two results.json files (newly failing first)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--answer-mode",
        choices=("extractive", "generative"),
        help="in-process only: quote (the default) or have a chat model write it (needs --llm or ASSISTANT_LLM)",
    )
    p.add_argument("--llm", help="in-process only: the chat model for --answer-mode generative (e.g. gguf:smollm2)")
    p.add_argument(
        "--compare-modes",
        action="store_true",
        help="in-process: run the sets in extractive and in generative mode (the model of --llm or ASSISTANT_LLM), "
        "write both reports under --report (extractive/, generative/) and print their metrics side by side",
    )


# --------------------------------------------------------------------------------------------


def _err(stream: TextIO, message: str) -> None:
    stream.write(f"eval: {message}\n")


class _Stop(Exception):
    """Ends :func:`run` early with an exit code and the lines to write to stderr (``eval: `` first)."""

    def __init__(self, code: int, message: str = "", details: Iterable[str] = ()):
        super().__init__(message)
        self.code, self.message, self.details = code, message, list(details)


def run(
    args: argparse.Namespace,
    settings: Settings | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    backend: Backend | None = None,
    backends: Mapping[str, Backend] | None = None,
) -> int:
    """Run the ``eval`` subcommand; returns the process exit code.

    ``backend`` (an object with ``ask(question, history) -> dict``, and ``embed(texts)`` for re-checking generated
    sentences), and ``backends`` ({"extractive": ..., "generative": ...} for ``--compare-modes``), are for tests.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        if args.compare:
            return _compare(args, out)
        if getattr(args, "compare_modes", False) and (args.url or args.answer_mode):
            raise _Stop(2, "--compare-modes runs both answer modes in-process: leave out --url and --answer-mode")
        thresholds = _thresholds(args)
        cases, set_files = _select_cases(args, thresholds)
        if args.check:
            out.write(f"eval: {len(cases)} cases in {len(set_files)} file(s) are valid\n")
            return 0
        if getattr(args, "compare_modes", False):
            base = settings if settings is not None else _settings()
            return _compare_modes(args, cases, set_files, thresholds, base, backends, out, err)
        settings = _with_answer_mode(args, settings if settings is not None else _settings())
        corpus = _corpus(settings)
        backend = backend if backend is not None else _backend(args, settings)
        document = _evaluate(args, cases, set_files, thresholds, backend, corpus, settings, err)
        paths = _write(args, document)
    except _Stop as stop:
        if stop.message:
            _err(err, stop.message)
        for line in stop.details:
            err.write(f"  {line}\n")
        return stop.code
    out.write(console_summary(document, paths) + "\n")
    return 1 if document["summary"]["status"] == "fail" else 0


def _compare(args: argparse.Namespace, out: TextIO) -> int:
    """``--compare OLD NEW``: print what changed; 1 when a case newly fails."""
    from assistant.errors import AssistantError

    from . import compare as compare_mod
    from .runner import write_json

    if args.paths:
        raise _Stop(2, "give either question sets or --compare OLD NEW, not both")
    try:
        old = compare_mod.load_results(args.compare[0])
        new = compare_mod.load_results(args.compare[1])
    except AssistantError as exc:
        raise _Stop(exc.exit_code, str(exc)) from None
    result = compare_mod.compare_documents(old, new)
    out.write(compare_mod.format_compare(result) + "\n")
    if args.report:
        report_dir = Path(args.report)
        report_dir.mkdir(parents=True, exist_ok=True)
        write_json(report_dir / "compare.json", result)
    return 1 if result["regressed"] else 0


def _thresholds(args: argparse.Namespace) -> list[Threshold]:
    from .metrics import ThresholdError, parse_thresholds

    if not args.paths:
        raise _Stop(2, "name at least one question-set file or folder (e.g. evals/sets/)")
    try:
        return parse_thresholds(args.fail_under, args.fail_over)
    except ThresholdError as exc:
        raise _Stop(2, str(exc)) from None


def _select_cases(args: argparse.Namespace, thresholds: list[Threshold]) -> tuple[list[Case], list[str]]:
    """Load every set, check that each threshold's scope exists, then apply --tag and --case: the cases
    to run and every set file read."""
    from .cases import SetFormatError, load_sets

    try:
        cases = load_sets(args.paths)
    except SetFormatError as exc:
        raise _Stop(2, f"{len(exc.problems)} problem(s) in the question sets; nothing was run:", exc.problems) from None
    set_files = sorted({c.source for c in cases})
    set_names = {c.set_name for c in cases}
    tag_names = {t for c in cases for t in c.tags}
    for t in thresholds:
        if t.scope.startswith("set:") and t.scope[4:] not in set_names:
            raise _Stop(2, f"threshold {t.spec!r}: no set named {t.scope[4:]!r} (sets: {', '.join(sorted(set_names))})")
        if t.scope.startswith("tag:") and t.scope[4:] not in tag_names:
            raise _Stop(2, f"threshold {t.spec!r}: no case has the tag {t.scope[4:]!r}")
    if args.tag:
        cases = [c for c in cases if set(c.tags) & set(args.tag)]
    if args.case:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.id, pat) for pat in args.case)]
    if not cases:
        raise _Stop(2, "no cases left after --tag/--case filtering")
    return cases, set_files


def _with_answer_mode(args: argparse.Namespace, settings: Settings, mode: str | None = None) -> Settings:
    """``--answer-mode`` (or ``mode``) and ``--llm`` over whatever settings the run was given."""
    from assistant.errors import AssistantError
    from assistant.settings import validate

    overrides = {k: v for k, v in (("answer_mode", mode or args.answer_mode), ("llm", args.llm)) if v}
    if not overrides:
        return settings
    try:
        settings = settings.with_overrides(**overrides)
        validate(settings)
        return settings
    except AssistantError as exc:
        raise _Stop(exc.exit_code, str(exc)) from None


def _settings() -> Settings:
    from assistant.errors import AssistantError
    from assistant.settings import load_settings

    try:
        return load_settings()
    except AssistantError as exc:
        raise _Stop(exc.exit_code, str(exc)) from None


def _corpus(settings: Settings) -> CorpusText:
    from .corpus import load_corpus_text

    corpus = load_corpus_text(settings.corpus_dir)
    if corpus.empty:
        raise _Stop(
            2,
            f"no curated corpus files (*.md) in {settings.corpus_dir}: "
            "citation validity cannot be checked (set ASSISTANT_CORPUS_DIR)",
        )
    return corpus


def _backend(args: argparse.Namespace, settings: Settings) -> Backend:
    """The server behind ``--url``, or the in-process pipeline (which loads the model)."""
    from assistant.errors import AssistantError

    from .runner import HttpBackend

    try:
        if args.url:
            return HttpBackend(args.url, timeout=args.timeout)
        from assistant.offline import apply_offline_env

        from .runner import InProcessBackend

        apply_offline_env()  # the CLI does this too; direct callers of run() may not
        return InProcessBackend(settings)
    except AssistantError as exc:
        raise _Stop(exc.exit_code, str(exc)) from None


def _evaluate(
    args: argparse.Namespace,
    cases: list[Case],
    set_files: list[str],
    thresholds: list[Threshold],
    backend: Backend,
    corpus: CorpusText,
    settings: Settings,
    err: TextIO,
) -> dict:
    """Ask every case, judge the answers (re-checking every generated one's shown sentences), measure, check the
    thresholds: the results document."""
    from .metrics import check_thresholds, group_metrics
    from .runner import BackendUnavailable, Progress, results_document, run_cases

    progress = Progress(len(cases), stream=err, enabled=not args.no_progress)
    try:
        results = run_cases(cases, backend, corpus, progress, faithful=_faithfulness_check(backend, settings))
    except BackendUnavailable as exc:
        raise _Stop(1, str(exc)) from None
    metrics = group_metrics(results)
    return results_document(
        results,
        metrics,
        check_thresholds(thresholds, metrics),
        backend=getattr(backend, "name", "custom"),
        set_files=set_files,
        corpus=corpus,
        settings=settings if not args.url else None,
    )


def _faithfulness_check(backend: Backend, settings: Settings) -> FaithfulnessCheck:
    """The eval's own re-check of generated answers, with the backend's embedder (in-process: the one the verifier
    uses) or, for a server, the configured one, loaded only when the first generated answer comes back."""
    from .faithfulness import FaithfulnessCheck

    def load():
        from assistant.embeddings import load_configured_embedder

        return load_configured_embedder(settings).embed_documents

    return FaithfulnessCheck(getattr(backend, "embed", None), load)


def _compare_modes(
    args: argparse.Namespace,
    cases: list[Case],
    set_files: list[str],
    thresholds: list[Threshold],
    settings: Settings,
    backends: Mapping[str, Backend] | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """``--compare-modes``: the same cases in extractive, then generative mode; both reports and the comparison."""
    from . import modes
    from .compare import compare_documents
    from .runner import write_json

    per_mode = {m: _with_answer_mode(args, settings, m) for m in modes.MODES}  # a missing --llm stops it here
    corpus = _corpus(settings)
    report_dir = Path(args.report or DEFAULT_REPORT_DIR)
    documents: dict[str, dict] = {}
    paths: dict[str, dict[str, Path]] = {}
    for mode in modes.MODES:
        if not args.no_progress:
            err.write(f"eval: {mode} mode\n")
        backend = backends[mode] if backends is not None else _backend(args, per_mode[mode])
        own = [t for t in thresholds if mode == "generative" or t.metric not in modes.GENERATIVE_ONLY]
        documents[mode] = _evaluate(args, cases, set_files, own, backend, corpus, per_mode[mode], err)
        del backend  # the next mode loads its own pipeline
        try:
            paths[mode] = write_outputs(report_dir / mode, documents[mode])
        except OSError as exc:
            raise _Stop(2, f"cannot write the report to {report_dir / mode}: {exc.strerror or exc}") from None
    changes = compare_documents(documents["extractive"], documents["generative"])
    side = modes.side_by_side(documents["extractive"], documents["generative"])
    summary = {"llm": per_mode["generative"].llm, "reports": {m: str(paths[m]["json"]) for m in modes.MODES}}
    write_json(report_dir / "compare-modes.json", {**summary, **side, "changes": changes})
    out.write(modes.format_side_by_side(side, changes, documents, paths, per_mode["generative"].llm) + "\n")
    failed = any(d["summary"]["status"] == "fail" for d in documents.values())
    return 1 if failed else 0


def _write(args: argparse.Namespace, document: dict) -> dict[str, Path]:
    report_dir = Path(args.report or DEFAULT_REPORT_DIR)
    try:
        return write_outputs(report_dir, document)
    except OSError as exc:
        raise _Stop(2, f"cannot write the report to {report_dir}: {exc.strerror or exc}") from None


def write_outputs(report_dir: Path, document: dict) -> dict[str, Path]:
    from .junit import write_junit
    from .report_html import write_html
    from .runner import write_json

    report_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": report_dir / "report.html", "json": report_dir / "results.json", "junit": report_dir / "junit.xml"}
    write_json(paths["json"], document)
    write_html(paths["html"], document)
    write_junit(paths["junit"], document)
    return paths


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def console_summary(document: dict, paths: dict[str, Path] | None = None, max_listed: int = 25) -> str:
    m = document["metrics"]
    o = m["overall"]
    lines = [
        f"eval: {o['cases']} cases from {len(m['by_set'])} set(s): {o['passed']} passed, "
        f"{o['failed']} failed, {o['errors']} errors (pass rate {_pct(o['pass_rate'])})",
        "",
        f"  {'set':<24}{'cases':>6}{'pass':>8}{'hit@1':>8}{'hit@3':>8}{'MRR':>7}{'outcome':>9}{'alarms':>8}",
    ]
    for name, g in m["by_set"].items():
        mrr = "—" if g["mrr"] is None else f"{g['mrr']:.2f}"
        lines.append(
            f"  {name[:23]:<24}{g['cases']:>6}{_pct(g['pass_rate']):>8}{_pct(g['hit@1']):>8}"
            f"{_pct(g['hit@3']):>8}{mrr:>7}{_pct(g['outcome_accuracy']):>9}{_pct(g['false_alarm_rate']):>8}"
        )
    mrr = "—" if o["mrr"] is None else f"{o['mrr']:.3f}"
    lines += [
        "",
        f"  retrieval: hit@1 {_pct(o['hit@1'])}  hit@3 {_pct(o['hit@3'])}  MRR {mrr}  "
        f"({o['retrieval_cases']} cases with cites_any)",
        f"  citations: precision {_pct(o['citation_precision'])}  validity {_pct(o['citation_validity'])} "
        f"({o['citations']} quotes)  disclaimer {_pct(o['disclaimer_presence'])}",
        "  triage recall: "
        + "  ".join(
            f"{lvl} {_pct(o[f'triage_recall_{lvl}'])} (≥ {_pct(o[f'triage_recall_at_or_above_{lvl}'])}, "
            f"n={o[f'triage_cases_{lvl}']})"
            for lvl in ("caution", "urgent", "emergency")
        ),
        f"  false alarms: {_pct(o['false_alarm_rate'])} of {o['triage_cases_none']} cases expecting none",
        f"  outcomes: not_covered {_pct(o['not_covered_accuracy'])}  out_of_scope {_pct(o['out_of_scope_accuracy'])}"
        f"  refusal {_pct(o['refusal_accuracy'])}  emergency {_pct(o['emergency_accuracy'])}"
        f"  answer {_pct(o['answer_accuracy'])}",
    ]
    if "generated_rate" in o:  # --answer-mode generative
        lines.append(
            f"  generated answers ({o['asked_model']} sent to the model): shown {_pct(o['generated_rate'])}  "
            f"extractive fallback {_pct(o['fallback_rate'])}  "
            f"drafted sentences removed {_pct(o['removed_sentence_rate'])}"
        )
        if o.get("generated_sentences") is not None:
            lines.append(
                f"  faithfulness (eval's re-check of shown sentences): {_pct(o['faithfulness'])} of "
                f"{o['generated_sentences']} supported by their cited passage; {o['unsupported_sentences']} "
                f"unsupported in {o['unfaithful_cases']} case(s)"
            )
    stages = sorted(k[len("latency_p50_") :] for k in o if k.startswith("latency_p50_"))
    if stages:
        lines.append(
            "  latency p50/p95 ms: "
            + "  ".join(
                f"{s} {o[f'latency_p50_{s}']:.0f}/{o[f'latency_p95_{s}']:.0f}"
                for s in stages
                if o[f"latency_p50_{s}"] is not None
            )
        )
    bad = [c for c in document["cases"] if c["status"] != "pass"]
    bad.sort(key=lambda c: (c["status"] != "error", c["set"], c["id"]))
    if bad:
        lines += ["", "Not passed:"]
        for c in bad[:max_listed]:
            if c["status"] == "error":
                why, more = c["error"], ""
            else:
                why = c["reasons"][0] if c["reasons"] else ""
                more = f" (+{len(c['reasons']) - 1} more)" if len(c["reasons"]) > 1 else ""
            lines.append(f"  {c['status'].upper():<5} {c['id']}: {why}{more}")
        if len(bad) > max_listed:
            lines.append(f"  ... and {len(bad) - max_listed} more (see the report)")
    thresholds = document["summary"]["thresholds"]
    if thresholds:
        lines += ["", "Thresholds:"]
        for t in thresholds:
            actual = t["note"] or "no data" if t["actual"] is None else f"{t['actual']:g}"
            lines.append(f"  {'ok    ' if t['ok'] else 'MISSED'} {t['threshold']}  (actual {actual})")
    if paths:
        lines += ["", f"Report: {paths['html']}", f"        {paths['json']}", f"        {paths['junit']}"]
    return "\n".join(lines)
