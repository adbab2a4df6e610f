"""Ingest: raw articles -> curated Markdown (curate) -> validated articles (corpus) -> passages and
sentences (passages) -> the index (build)."""
