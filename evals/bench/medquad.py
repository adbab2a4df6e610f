"""MedQuAD as a scale corpus: each answer becomes one article, attributed to its NIH source.

MedQuAD (Ben Abacha & Demner-Fushman, BMC Bioinformatics 20, 511, 2019), CC BY 4.0; the JSON-lines
copy lives in ../shared/datasets/medquad/. It is for benchmarks and tests only, never part of the
assistant's shipped corpus.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from assistant.ingest.corpus import Article, Section
from assistant.text import normalise_space, slugify

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT.parent / "shared" / "datasets" / "medquad" / "medquad.jsonl.gz"


def load_rows(limit: int | None = None, path: Path = DEFAULT_PATH) -> list[dict]:
    rows: list[dict] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def _paragraphs(answer: str) -> tuple[str, ...]:
    parts = [normalise_space(p.replace(" - ", " ")) for p in answer.split("\n")]
    return tuple(p for p in parts if p)


def rows_to_articles(rows: list[dict]) -> tuple[list[Article], dict[str, str]]:
    """Articles (one per distinct answer text) and a map question id -> article slug."""
    by_text: dict[str, str] = {}
    articles: list[Article] = []
    answer_of: dict[str, str] = {}
    for row in rows:
        key = normalise_space(row["answer"])
        if key not in by_text:
            slug = slugify(row["id"].replace("/", "-"), 80)
            by_text[key] = slug
            articles.append(
                Article(
                    slug=slug,
                    title=f"{row['focus']} ({row['qtype']})",
                    source=f"MedQuAD {row['id']} from {row['source']}, {row['url']} (CC BY 4.0)",
                    file=f"medquad/{row['id']}",
                    sections=(Section(heading=row["focus"], path=(row["focus"],), paragraphs=_paragraphs(row["answer"])),),
                )
            )
        answer_of[row["id"]] = by_text[key]
    return articles, answer_of
