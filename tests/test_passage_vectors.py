"""`passage_vectors = "sentence_mean"`: a passage's vector is the mean of its sentences' vectors (no passage encoding,
for large corpora), recorded with the index so it is never mixed with encoded vectors.

Fast lane: the FAKE hashing embedder (tests/fakes.py) and a real embedded Chroma; the retrieval figures of each
mode with the real model are in the README ("Speed")."""

import numpy as np
import pytest

from assistant.errors import IndexUnusableError, SettingsError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.passages import split_corpus
from assistant.settings import validate
from assistant.store import store_for
from fakes import FakeHashingEmbedder
from helpers import make_settings


def test_a_passage_vector_is_the_normalised_mean_of_its_sentences_and_the_mode_is_recorded(tmp_path):
    embedder = FakeHashingEmbedder()
    settings = make_settings(tmp_path, passage_vectors="sentence_mean")
    store = store_for(settings, create=True)
    stats = store.sync(split_corpus(load_corpus(settings.corpus_dir)), embedder)
    assert stats.embedded_passages > 10
    served = store.open_served(embedder)
    rows = list(range(len(served.ids)))
    passages = served.passage_vectors(rows)
    sentences = served.sentence_vectors(list(served.ids))
    for row, pid in zip(rows, served.ids):
        mean = np.mean([vec for _, _, vec in sentences[pid]], axis=0)
        assert np.allclose(passages[row], mean / np.linalg.norm(mean), atol=1e-6)
    assert store.active()["model"].endswith("+sentence_mean")

    # served or updated in the other mode, the index says what to do instead of mixing vectors
    encoded = store_for(make_settings(tmp_path), create=False)
    with pytest.raises(IndexUnusableError, match=r"sentence_mean.*index --rebuild"):
        encoded.open_served(embedder)


def test_an_unknown_mode_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="passage_vectors"):
        validate(make_settings(tmp_path, passage_vectors="average"))
