"""A re-index killed with SIGKILL half-way leaves the previous index serving, and nothing is lost."""

import os
import signal
import subprocess
import sys
import time

from assistant.store import store_for
from assistant.ingest.build import index_corpus
from assistant.pipeline import build_assistant
from helpers import copy_corpus, make_settings, write_article


def test_sigkill_during_reindex_keeps_the_previous_generation(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    # enough text for several embedding batches, so the kill lands mid-way
    sentence = "Gentle stretching of the hamstrings after a warm shower is one routine some people like ({})."
    for i in range(30):
        write_article(corpus, f"filler-{i:02d}", f"Filler {i}", "test filler",
                      {f"Part {j}": sentence.format(f"{i}-{j}") for j in range(10)})
    settings = make_settings(tmp_path, corpus)
    first = index_corpus(settings)
    assert first.passages > 300

    for path in corpus.glob("filler-*.md"):  # every filler passage changes: a long re-index
        path.write_text(path.read_text().replace("some people like", "some people enjoy"))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_CORPUS_DIR": str(corpus)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    seen = b""
    deadline = time.monotonic() + 240
    while b"embedding 256/" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stderr.fileno(), 256)
        if not chunk:
            break
        seen += chunk
    assert b"embedding 256/" in seen, seen[-500:]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    served = build_assistant(settings)
    assert served.generation == first.generation
    assert served.passage_count == first.passages
    assert all("some people like" in d for d in served.retriever.docs if d.startswith("Gentle stretching"))
    answer = served.ask("Which massage techniques help with tight muscles?")
    assert answer.outcome == "answer" and answer.citations[0].section == "Reduction of Tension in the Muscles"

    finished = index_corpus(settings)
    assert finished.switched and finished.passages == first.passages
    store = store_for(settings, create=False)
    names = sorted(c.name for c in store.client.list_collections())
    served_set = store.active()["collection"]  # the interrupted run's records were removed from it, nothing else is left
    assert names == sorted([f"{settings.collection}__meta", served_set, f"{served_set}__sentences"])
    assert store.client.get_collection(served_set).count() == finished.passages
