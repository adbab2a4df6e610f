"""Offline evaluation of the assistant against question sets.

Keep this package light to import: nothing here pulls in torch, sentence-transformers or
gradio at import time. The in-process backend imports the pipeline lazily, and the ``--url``
backend never imports it at all.

Layout:
    cases.py        load and validate question sets (YAML / JSONL / CSV, native format)
    importers.py    map promptfoo test rows and ragas samples onto cases
    corpus.py       the curated corpus text, for the citation-validity check
    metrics.py      judge one answer against its case; aggregate metrics; thresholds
    runner.py       run cases against a backend (in-process pipeline or HTTP /api/ask)
    report_html.py  the one-page HTML report
    junit.py        JUnit XML for CI
    compare.py      what changed between two results.json files
    command.py      the ``eval`` CLI subcommand (``register(subparsers)``)
"""
