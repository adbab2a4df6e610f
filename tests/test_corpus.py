"""Loading curated articles and splitting them into passages."""

from pathlib import Path

import pytest

from assistant.ingest.corpus import load_corpus, parse_article
from assistant.errors import CorpusError
from assistant.ingest.passages import split_article, split_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_corpus_loads_and_every_passage_stays_inside_one_section():
    articles = load_corpus(ROOT / "corpus" / "curated")
    assert articles
    for article in articles:
        for passage in split_article(article):
            section = next(s for s in article.sections if s.heading == passage.section)
            assert passage.text in " ".join(section.paragraphs)


@pytest.mark.parametrize(
    "front, message",
    [
        ("source: somewhere\n", "no 'title'"),
        ("title: A title\n", "no 'source'"),
        ("title: [unclosed\n", "not valid YAML"),
    ],
)
def test_front_matter_problems_name_the_file(front, message):
    with pytest.raises(CorpusError, match=rf"clinic-notes.md: .*{message}"):
        parse_article(f"---\n{front}---\n\nSome text.\n", "clinic-notes.md")


def test_file_without_front_matter_or_text_is_refused():
    with pytest.raises(CorpusError, match="notes.md: has no front matter"):
        parse_article("Just text\n", "notes.md")
    with pytest.raises(CorpusError, match="notes.md: has front matter but no article text"):
        parse_article("---\ntitle: T\nsource: S\n---\n\n", "notes.md")


def test_empty_or_missing_corpus_folder(tmp_path):
    with pytest.raises(CorpusError, match="has no curated articles"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_binary_corpus_file_is_refused(tmp_path):
    (tmp_path / "ok.md").write_text("---\ntitle: T\nsource: S\n---\n\nText here.\n")
    (tmp_path / "bad.md").write_bytes(b"---\x00\x01binary")
    with pytest.raises(CorpusError, match="bad.md"):
        load_corpus(tmp_path)


def test_long_section_splits_at_sentence_boundaries_with_stable_ids():
    sentence = "Gentle massage of the lower back may ease muscle tension for a while."
    text = (
        "---\ntitle: Long\nsource: test\n---\n\n## Big section\n\n"
        + " ".join([sentence] * 30)
        + "\n\n## Small\n\nOne line.\n"
    )
    article = parse_article(text, "long.md")
    passages = split_article(article, max_chars=300)
    big = [p for p in passages if p.section == "Big section"]
    assert len(big) > 1
    assert all(len(p.text) <= 300 and p.text.endswith(".") for p in big)
    assert [p.id for p in big] == [f"long::big-section::{i}" for i in range(len(big))]
    assert passages[-1].id == "long::small::0"


def test_evidence_note_attaches_to_its_section_and_needs_a_source(tmp_path):
    text = "---\ntitle: T\nsource: S\nevidence_notes:\n  - {section: Stress, note: Modest effect., source: A review}\n---\n\n## Stress\n\nMassage relaxes.\n"
    article = parse_article(text, "t.md")
    assert article.sections[0].evidence_note.startswith("Modest effect.")
    bad = text.replace(", source: A review", "")
    with pytest.raises(CorpusError, match="must name its source"):
        parse_article(bad, "t.md")
    wrong = text.replace("section: Stress", "section: Nowhere")
    with pytest.raises(CorpusError, match="does not exist"):
        parse_article(wrong, "t.md")


def test_passage_ids_are_unique_across_the_corpus():
    passages = split_corpus(load_corpus(ROOT / "corpus" / "curated"))
    assert len({p.id for p in passages}) == len(passages)


ARTICLE_WITH_TWO_SECTIONS = (
    "---\ntitle: T\nsource: S\n---\n\nThis page explains the basics.\n\n"
    "## Heat\n\nA warm pack can ease a stiff back. Heat is not for a fresh injury.\n\n"
    "## Walking\n\nShort walks help more than bed rest.\n"
)
GOOD_QUESTIONS = """
- section: Heat
  answer: "Heat is not for a fresh injury"
  questions: ["should i put a hot water bottle on it the day i hurt it", "heat straight after injury ok?"]
- section: Walking
  answer: "Short walks help more than bed rest"
  questions: ["should i just stay in bed till it settles"]
"""


def _with_questions(tmp_path, questions: str):
    (tmp_path / "t.md").write_text(ARTICLE_WITH_TWO_SECTIONS, encoding="utf-8")
    (tmp_path / "t.questions.yaml").write_text(questions, encoding="utf-8")
    return load_corpus(tmp_path)


def test_sidecar_questions_attach_to_the_sentence_that_answers_them(tmp_path):
    passages = split_corpus(_with_questions(tmp_path, GOOD_QUESTIONS))
    heat = next(p for p in passages if p.section == "Heat")
    # sentence 1 of the Heat passage ("Heat is not for a fresh injury.") answers both questions
    assert heat.questions == (
        (1, "should i put a hot water bottle on it the day i hurt it"),
        (1, "heat straight after injury ok?"),
    )
    assert heat.metadata()["n_questions"] == 2
    # editing a question changes the passage's hash, so the next index re-embeds it (and only it)
    walking = next(p for p in passages if p.section == "Walking")
    edited = split_corpus(_with_questions(tmp_path, GOOD_QUESTIONS.replace("till it settles", "all week")))
    assert next(p for p in edited if p.section == "Walking").content_hash != walking.content_hash
    assert next(p for p in edited if p.section == "Heat").content_hash == heat.content_hash


@pytest.mark.parametrize(
    "questions, message",
    [
        ("- just a string\n", "must be a mapping"),
        ("section: Heat\n", "must be a list"),
        (GOOD_QUESTIONS.replace("section: Walking", "section: Running"), "does not exist"),
        (GOOD_QUESTIONS.replace('["should i just stay in bed till it settles"]', "[]"), "non-empty list"),
        (GOOD_QUESTIONS.replace("till it settles", "x" * 400), "at most 300 characters"),
        # only one of the two sections covered: refused, it would pull answers towards the covered one
        (GOOD_QUESTIONS.split("- section: Walking")[0], "covers only some sections"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_broken_question_sidecar_is_refused_with_a_message_naming_it(tmp_path, questions, message):
    with pytest.raises(CorpusError, match=message) as err:
        _with_questions(tmp_path, questions)
    assert "t.questions.yaml" in str(err.value)


def test_a_question_item_whose_sentence_was_edited_is_left_out_with_a_notice(tmp_path):
    articles = _with_questions(
        tmp_path, GOOD_QUESTIONS.replace('"Short walks help more than bed rest"', '"Long walks"')
    )
    assert [a.section for a in articles[0].questions] == ["Heat"]
    assert "left out the questions of item 2 (Walking)" in articles[0].notices[0]


def test_shipped_question_sidecars_cover_every_section_and_point_at_real_sentences():
    articles = load_corpus(ROOT / "corpus" / "curated")
    assert all(a.questions for a in articles), "every shipped article has a question sidecar"
    for p in split_corpus(articles):
        for k, question in p.questions:
            assert 0 <= k < len(p.sentences) and question.strip()
