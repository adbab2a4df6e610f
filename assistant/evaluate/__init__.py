"""Offline evaluation of the assistant against question sets.

Keep this package light to import: nothing here pulls in torch, sentence-transformers or
gradio at import time. The in-process backend imports the pipeline lazily, and the ``--url``
backend never imports it at all.

Layout:
    models.py       the typed cases (pydantic) and the row models that validate set files
    cases.py        read question-set files (YAML / JSON / JSONL / CSV) and their lines
    importers.py    map promptfoo test rows and ragas samples onto cases
    corpus.py       the curated corpus text, for the citation-validity check
    metrics.py      judge one answer against its case; aggregate metrics; thresholds
    stats.py        the one percentile (nearest rank), shared with evals/ benchmarks
    runner.py       run cases against a backend (in-process pipeline or HTTP /api/ask)
    report_html.py  the one-page HTML report (templates/report.html.j2, Jinja2, autoescaped)
    charts.py       its inline SVG charts
    junit.py        JUnit XML for CI
    faithfulness.py re-check a generated answer's shown sentences against their cited passages
    compare.py      what changed between two results.json files
    modes.py        --compare-modes: extractive and generative runs side by side
    command.py      the ``eval`` CLI subcommand (``register(subparsers)``)
"""
