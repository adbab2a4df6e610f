"""How the generated-answer verifier's thresholds were chosen (assistant/compose/verify.py).

Every quotable sentence of the served corpus is embedded alone (as a generated sentence is) and compared with
the stored sentence vectors of

- its own passage: a faithful restatement; should pass;
- its own passage, with only its last two thirds: a shortened restatement; should mostly pass;
- three passages of other sections, chosen at random (seed 13): a sentence about something else; should fail.

Prints, for each threshold, the share of each kind that passes the similarity rule and the content-word
overlap rule. Run after ``sciatica-assistant index``: ``.venv/bin/python -m evals.bench.verify_threshold``.
"""

from __future__ import annotations

import random

import numpy as np

from assistant.compose.verify import overlap
from assistant.ingest.passages import is_meta_sentence
from assistant.pipeline import build_assistant
from assistant.settings import load_settings


def main() -> None:
    assistant = build_assistant(load_settings())
    retriever = assistant.retriever
    assert retriever is not None
    ids = list(retriever.ids)
    sections = {pid: meta.get("section", "") for pid, meta in zip(ids, retriever.metas)}
    texts = dict(zip(ids, retriever.docs))
    stored = retriever.sentence_vectors(ids)
    rows = [(pid, t) for pid in ids for _, t, _ in stored.get(pid, []) if not is_meta_sentence(t)]
    sentences = [t for _, t in rows]
    shortened = [" ".join(t.split()[len(t.split()) // 3 :]) for t in sentences]
    alone = assistant.embedder.embed_documents(sentences)
    short = assistant.embedder.embed_documents(shortened)
    rng = random.Random(13)

    def best(vec: np.ndarray, pid: str) -> float:
        return float(max(float(v @ vec) for _, _, v in stored[pid]))

    own, own_short, other = [], [], []
    own_ov, short_ov, other_ov = [], [], []
    for i, (pid, text) in enumerate(rows):
        own.append(best(alone[i], pid))
        own_short.append(best(short[i], pid))
        own_ov.append(overlap(text, f"{sections[pid]} {texts[pid]}"))
        short_ov.append(overlap(shortened[i], f"{sections[pid]} {texts[pid]}"))
        candidates = [q for q in ids if sections[q] != sections[pid] and stored.get(q)]
        for q in rng.sample(candidates, 3):
            other.append(best(alone[i], q))
            other_ov.append(overlap(text, f"{sections[q]} {texts[q]}"))
    print(f"{len(rows)} sentences; {len(other)} pairs with other sections")
    print("similarity  own  shortened  other-section")
    for t in np.arange(0.40, 0.86, 0.05):
        print(
            f"  >= {t:.2f}   {np.mean(np.array(own) >= t):.3f}  {np.mean(np.array(own_short) >= t):.3f}"
            f"      {np.mean(np.array(other) >= t):.3f}"
        )
    print("overlap     own  shortened  other-section")
    for t in np.arange(0.30, 0.91, 0.1):
        print(
            f"  >= {t:.2f}   {np.mean(np.array(own_ov) >= t):.3f}  {np.mean(np.array(short_ov) >= t):.3f}"
            f"      {np.mean(np.array(other_ov) >= t):.3f}"
        )
    both = np.mean((np.array(other) >= 0.6) & (np.array(other_ov) >= 0.6))
    print(f"other-section pairs passing both rules at 0.60 / 0.60: {both:.3f}")


if __name__ == "__main__":
    main()
