"""The Chroma index: incremental, generation-switched, refusing what it cannot trust."""

from pathlib import Path

import pytest

from assistant.embeddings import load_embedder
from assistant.errors import CorpusError, IndexMissingError, IndexUnusableError
from assistant.store import store_for
from assistant.ingest.build import index_corpus
from assistant.ingest.corpus import load_corpus
from assistant.pipeline import build_assistant

from helpers import copy_corpus, make_settings

SEED = "massage-for-sciatica.md"


@pytest.fixture
def own_index(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path, corpus)
    first = index_corpus(settings)
    return settings, corpus, first


def test_second_run_embeds_nothing(own_index):
    settings, _, first = own_index
    assert first.switched and first.embedded_passages == first.passages > 10
    again = index_corpus(settings)
    assert again.embedded_passages == 0 and again.embedded_sentences == 0
    assert not again.switched and again.generation == first.generation


def test_editing_one_section_re_embeds_only_that_section(own_index):
    settings, corpus, first = own_index
    path = corpus / SEED
    text = path.read_text()
    path.write_text(
        text.replace(
            "The benefits of massage treatment for alleviating stress are widely recognized.",
            "Many people find massage relaxing.",
        )
    )
    stats = index_corpus(settings)
    assert stats.embedded_passages == 1
    assert stats.changed_ids == ["massage-for-sciatica::stress-reduction::0"]
    # the question sidecar still points at the old sentence: those questions are left out, and the report says so
    assert any("questions.yaml: left out the questions of item" in n and "Stress Reduction" in n for n in stats.notices)
    assert "note: massage-for-sciatica.questions.yaml" in stats.summary()
    assert stats.copied_passages == first.passages - 1
    answer = build_assistant(settings).ask("Do people find massage relaxing?")
    assert any("Many people find massage relaxing." in c.quote for c in answer.citations)


def test_deleting_an_article_removes_its_passages(own_index):
    settings, corpus, first = own_index
    extra = corpus / "clinic-extra.md"
    extra.write_text(
        "---\ntitle: Clinic extra\nsource: test\n---\n\n## Parking\n\nThe clinic car park is behind the building.\n"
    )
    added = index_corpus(settings)
    assert added.embedded_passages == 1 and added.passages == first.passages + 1
    extra.unlink()
    removed = index_corpus(settings)
    assert removed.deleted_passages == 1 and removed.embedded_passages == 0
    served = store_for(settings, create=False).open_served(load_embedder())
    assert len(served) == first.passages
    assert not [i for i in served.ids if i.startswith("clinic-extra::")]


def test_broken_corpus_file_is_refused_and_the_index_keeps_serving(own_index):
    settings, corpus, first = own_index
    (corpus / "broken.md").write_text("---\ntitle: No source here\n---\n\nText.\n")
    with pytest.raises(CorpusError, match="broken.md: front matter has no 'source'"):
        index_corpus(settings)
    assistant = build_assistant(settings)
    assert assistant.passage_count == first.passages
    assert assistant.ask("Which massage techniques help with tight muscles?").outcome == "answer"


def test_index_built_with_another_model_is_a_clear_error(own_index):
    settings, _, _ = own_index
    store = store_for(settings, create=False)
    info = store.active()
    store._meta().upsert(
        ids=["active"], embeddings=[[0.0]], metadatas=[{**info, "model": "other-model@123", "dim": 768}]
    )
    with pytest.raises(IndexUnusableError, match="built with model other-model@123 .*--rebuild"):
        build_assistant(settings)
    # a rebuild puts it right, embedding everything again with the bundled model
    stats = index_corpus(settings, rebuild=True)
    assert stats.embedded_passages == stats.passages
    assert build_assistant(settings).passage_count == stats.passages


def test_missing_index_is_a_clear_error(tmp_path):
    settings = make_settings(tmp_path)
    with pytest.raises(IndexMissingError, match="sciatica-assistant index"):
        build_assistant(settings)
    assert not (tmp_path / "data").exists(), "asking must not create an empty index"


def test_sync_killed_before_the_switch_leaves_the_old_generation_serving(own_index, monkeypatch):
    settings, corpus, first = own_index
    path = corpus / SEED
    path.write_text(path.read_text().replace("Every person's sciatica experience is different.", "Everyone differs."))
    store = store_for(settings, create=True)

    def killed(*a, **k):
        raise KeyboardInterrupt("killed before the pointer switch")

    from assistant.ingest.corpus import load_corpus
    from assistant.ingest.passages import split_corpus

    monkeypatch.setattr(store, "_switch", killed)
    with pytest.raises(KeyboardInterrupt):  # the edited passage is embedded and its old version marked, then killed
        store.sync(split_corpus(load_corpus(corpus)), load_embedder())
    monkeypatch.undo()
    assistant = build_assistant(settings)
    assert assistant.generation == first.generation and assistant.passage_count == first.passages
    assert "Every person's sciatica experience is different." in " ".join(assistant.retriever.docs)
    assert "Everyone differs." not in " ".join(assistant.retriever.docs)
    answer = assistant.ask("Do massage therapists tailor the treatment to each person?")
    assert answer.citations and "Every person's sciatica experience is different." in answer.citations[0].passage
    finished = index_corpus(settings)  # the next run removes the leftovers and completes
    assert finished.switched and finished.embedded_passages == 1 and finished.copied_passages == first.passages - 1
    served = store_for(settings, create=False)
    assert served.client.get_collection(served.active()["collection"]).count() == first.passages


def test_reads_are_paged_so_large_collections_load(own_index, monkeypatch):
    """Chroma 1.5.9 fails a get() over 32,766 rows; the store reads in pages. Small pages prove it."""
    import assistant.store as index_module

    settings, corpus, first = own_index
    monkeypatch.setattr(index_module, "PAGE", 4)
    assistant = build_assistant(settings)
    assert assistant.passage_count == first.passages
    assert len(set(assistant.retriever.ids)) == first.passages
    path = corpus / SEED
    path.write_text(path.read_text().replace("Every person's sciatica experience is different.", "People differ."))
    stats = index_corpus(settings)
    assert stats.embedded_passages == 1 and stats.copied_passages == first.passages - 1


def test_index_check_says_what_a_sync_would_do_without_writing(own_index, capsys):
    from assistant.cli import main

    settings, corpus, first = own_index
    config = corpus.parent / "assistant.toml"
    config.write_text(f'data_dir = "{settings.data_dir}"\ncorpus_dir = "{corpus}"\n')
    assert main(["--config", str(config), "index", "--check"]) == 0
    assert f"index up to date: {first.passages} passages" in capsys.readouterr().out

    path = corpus / SEED
    path.write_text(path.read_text().replace("widely recognized", "widely known"))
    assert main(["--config", str(config), "index", "--check"]) == 1
    assert "1 new or edited passages, 0 removed" in capsys.readouterr().out
    again = index_corpus(settings)  # the check wrote nothing: the sync still has the edit to embed
    assert again.embedded_passages == 1


def test_sidecar_questions_are_indexed_copied_and_lead_to_their_sentence(own_index):
    settings, corpus, first = own_index
    served = store_for(settings, create=False).open_served(load_embedder())
    asked = served.question_vectors()
    rows, ks, vectors = asked.rows, asked.ks, asked.vectors
    shipped = sum(len(item.questions) for article in load_corpus(corpus) for item in article.questions)
    assert len(rows) == len(ks) == vectors.shape[0] == shipped > 0
    # an edit elsewhere copies the unchanged passages with their questions into the new generation
    path = corpus / "when-to-seek-urgent-care.md"
    path.write_text(path.read_text() + "\n\n## Parking\n\nThe clinic car park is behind the building.\n")
    sidecar = corpus / "when-to-seek-urgent-care.questions.yaml"
    sidecar.write_text(
        sidecar.read_text() + '\n- section: Parking\n  answer: "The clinic car park"\n'
        '  questions: ["where do i leave the car when i come for my appointment"]\n'
    )
    stats = index_corpus(settings)
    assert stats.embedded_passages == 1 and stats.copied_passages == first.passages
    served = store_for(settings, create=False).open_served(load_embedder())
    assert len(served.question_vectors()) == len(rows) + 1
    # a question worded like none of the article's sentences finds the sentence its sidecar question names
    answer = build_assistant(settings).ask("where should I put my car when I visit?")
    assert answer.citations and answer.citations[0].quote.startswith("The clinic car park is behind the building.")


def test_exact_search_in_memory_finds_what_chromas_search_finds(built_settings, assistant):
    # a small embedded index is searched in memory (exact_search_max); Chroma's HNSW gives the same passages
    exact = store_for(built_settings, create=False).open_served(assistant.embedder)
    by_chroma = store_for(built_settings.with_overrides(exact_search_max=0), create=False).open_served(
        assistant.embedder
    )
    assert exact._matrix is not None and by_chroma._matrix is None
    for question in ("Which massage techniques help with tight muscles?", "I wet myself and my legs are weak",
                     "how long does sciatica last?", "is deep tissue massage safe on blood thinners?"):
        vec = assistant.embedder.embed_query(question)
        a, b = exact.dense_search(vec, 8), by_chroma.dense_search(vec, 8)
        assert [row for row, _ in a] == [row for row, _ in b]
        assert [round(s, 5) for _, s in a] == [round(s, 5) for _, s in b]
    rows = [0, 3, 5]
    assert abs(exact.passage_vectors(rows) - by_chroma.passage_vectors(rows)).max() < 1e-6
    # sentences come from the cache the second time, unchanged
    ids = [exact.ids[r] for r in rows]
    first, again = exact.sentence_vectors(ids), exact.sentence_vectors(ids)
    assert first.keys() == again.keys() == set(ids)
    assert [[t for _, t, _ in first[p]] for p in ids] == [[t for _, t, _ in by_chroma.sentence_vectors(ids)[p]]
                                                          for p in ids]
