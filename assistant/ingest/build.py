"""Index the curated corpus: load and validate every article, split, then sync the Chroma index.

All validation happens before the index is touched, so a broken corpus file never costs the
working index anything.
"""

from __future__ import annotations

from .corpus import Article, load_corpus
from ..embeddings import MODEL_DIM, MODEL_ID, Embedder, load_configured_embedder, set_threads
from ..store import IndexCheck, SyncStats, store_for
from .passages import split_corpus
from ..settings import Settings


def check_corpus(settings: Settings) -> tuple[IndexCheck, int]:
    """Compare the corpus with the served index without loading the model: (the check, passage count)."""
    passages = split_corpus(load_corpus(settings.corpus_dir))
    return store_for(settings, create=False).check(passages, MODEL_ID, MODEL_DIM), len(passages)


def index_corpus(settings: Settings, *, rebuild: bool = False, on_progress=None) -> SyncStats:
    return index_articles(settings, load_corpus(settings.corpus_dir), rebuild=rebuild, on_progress=on_progress)


def index_articles(
    settings: Settings,
    articles: list[Article],
    *,
    rebuild: bool = False,
    on_progress=None,
    embedder: Embedder | None = None,
) -> SyncStats:
    """Index already-loaded articles (the benchmarks feed MedQuAD through here, with a timed embedder)."""
    passages = split_corpus(articles)
    store = store_for(settings, create=True)
    embedder = embedder or load_configured_embedder(settings, threads=settings.index_threads)
    try:
        stats = store.sync(passages, embedder, rebuild=rebuild, on_progress=on_progress)
        stats.notices = [n for a in articles for n in a.notices]
        return stats
    finally:
        if settings.embedder == "torch":
            set_threads(settings.torch_threads)  # back to the answering setting for this process
