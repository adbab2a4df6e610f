"""A small MedQuAD slice indexed and queried for real: ~200 NIH answers, nothing else.

The full MedQuAD benchmark is ``python -m evals.bench.run``; this keeps its plumbing honest in
``make test``: the answers go through ``index_articles`` into a throw-away index, their own questions
are asked of the hybrid retriever, an unchanged re-index embeds nothing, and the articles keep their
CC BY 4.0 attribution.
"""

from __future__ import annotations

import sys

import pytest

from helpers import ROOT, make_settings

if str(ROOT) not in sys.path:  # evals/ is not an installed package
    sys.path.insert(0, str(ROOT))

from evals.bench.medquad import DEFAULT_PATH, load_rows, rows_to_articles  # noqa: E402
from evals.bench.quality import document_slice, first_rank, summarise  # noqa: E402

SLICE = 200  # questions, from whole MedQuAD documents (78 of them), so sibling questions compete
MAX_ANSWER_CHARS = 1000  # at most two passages per answer: ~240 passages, ~830 sentences to embed
SEED = 6
# Measured on this slice (bundled MiniLM, default settings, 2026-11): hybrid recall@1 0.655,
# recall@5 0.955, MRR@10 0.789 (dense alone: 0.705 / 0.965 / 0.816; BM25: 0.56 / 0.94 / 0.718).
# The floors leave a few questions of room for harmless ranking changes.
MIN_RECALL_AT_5 = 0.90
MIN_MRR_AT_10 = 0.72


@pytest.fixture(scope="module")
def medquad_slice(tmp_path_factory):
    from assistant.ingest.build import index_articles

    assert DEFAULT_PATH.is_file(), f"MedQuAD is expected at {DEFAULT_PATH} (shared/datasets beside the repo)"
    rows = document_slice(load_rows(), SLICE, SEED, MAX_ANSWER_CHARS)
    articles, answer_of = rows_to_articles(rows)
    settings = make_settings(tmp_path_factory.mktemp("medquad-slice"))
    stats = index_articles(settings, articles)
    return settings, rows, articles, answer_of, stats


@pytest.fixture(scope="module")
def slice_assistant(medquad_slice):
    from assistant.pipeline import build_assistant

    return build_assistant(medquad_slice[0])


def test_slice_is_indexed_from_medquad_only(medquad_slice, slice_assistant):
    _settings, rows, articles, _answer_of, stats = medquad_slice
    from assistant.text import normalise_space

    assert len(rows) == SLICE
    assert len(articles) == len({normalise_space(r["answer"]) for r in rows})  # one article per distinct answer
    assert stats.switched and stats.embedded_passages == stats.passages
    assert slice_assistant.passage_count == stats.passages
    slugs = {a.slug for a in articles}
    assert {m["article_slug"] for m in slice_assistant.retriever.metas} == slugs


def test_hybrid_retrieval_finds_each_questions_own_answer(medquad_slice, slice_assistant):
    settings, rows, _articles, answer_of, _stats = medquad_slice
    retriever, embedder = slice_assistant.retriever, slice_assistant.embedder
    ranks = []
    for row in rows:
        hits = retriever.retrieve(row["question"], embedder.embed_query(row["question"]), 10, settings.dense_candidates)
        ranks.append(first_rank([h.meta["article_slug"] for h in hits], answer_of[row["id"]]))
    got = summarise(ranks)
    assert got["recall@5"] >= MIN_RECALL_AT_5, got
    assert got["mrr@10"] >= MIN_MRR_AT_10, got


def test_unchanged_reindex_embeds_nothing(medquad_slice):
    from assistant.ingest.build import index_articles

    settings, _rows, articles, _answer_of, stats = medquad_slice
    again = index_articles(settings, articles)
    assert again.embedded_passages == 0 and again.embedded_sentences == 0
    assert not again.switched and again.generation == stats.generation


def test_top_hit_carries_medquad_attribution(medquad_slice, slice_assistant):
    settings, rows, articles, answer_of, _stats = medquad_slice
    by_slug = {a.slug: a for a in articles}
    question = rows[0]["question"]
    top = slice_assistant.retriever.retrieve(question, slice_assistant.embedder.embed_query(question), 1, settings.dense_candidates)[0]
    article = by_slug[top.meta["article_slug"]]
    origin = next(r for r in rows if answer_of[r["id"]] == article.slug)
    assert "CC BY 4.0" in article.source and "MedQuAD" in article.source
    assert origin["source"] in article.source and origin["url"] in article.source  # the NIH site and page
    # what the index itself stores as "source" is the article's file name, not the attribution
    assert top.meta["source"] == article.file == f"medquad/{origin['id']}"
