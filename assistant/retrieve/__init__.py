"""Retrieve: the passages closest to a question, dense-first with BM25 (hybrid, bm25), and across languages
through a multilingual model (multilingual)."""

from .hybrid import Hit, HybridRetriever

__all__ = ["Hit", "HybridRetriever"]
