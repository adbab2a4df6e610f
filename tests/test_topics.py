"""Questions about things the articles never mention, and questions asking for a number they never give, are
answered "not covered" (with the topic named), while the same words inside the articles stay answerable."""

import pytest

from assistant.errors import CorpusError
from assistant.number_asks import duration_ask, number_ask, states, states_duration
from assistant.settings import PROJECT_ROOT
from assistant.topics import Topics, load_topics

ARTICLE = [
    "Massage therapy may ease tight muscles. Deep tissue massage and Swedish massage are common techniques.",
    "Heat packs should not go on numb skin. Physical therapy and prescription drugs are frequently used.",
]


def test_a_topic_no_article_mentions_is_named_in_the_question():
    gate = Topics(("acupuncture", "massage gun", "heat", "swedish massage", "tai chi")).gate(ARTICLE)
    assert gate.absent_in("acupuncture for sciatica - worth it?") == ("acupuncture",)
    assert gate.absent_in("are massage guns any good??") == ("massage gun",)  # plural of a listed phrase
    assert gate.absent_in("Is TAI CHI ok with my back") == ("tai chi",)
    # mentioned by an article: never a reason to refuse
    assert gate.absent_in("is heat ok on a sore back?") == ()
    assert gate.absent_in("is swedish massage gentle?") == ()
    assert gate.absent_in("does massage help sciatica?") == ()


def test_a_phrase_counts_as_mentioned_only_where_its_words_stand_together():
    gate = Topics(("drug free", "therapy dog")).gate(["Dogs are good company. Therapy works."])
    assert gate.absent_in("is there a therapy dog for pain?") == ("therapy dog",)


def test_the_shipped_topics_load_and_each_group_names_its_source():
    topics = load_topics(PROJECT_ROOT / "corpus" / "topics")
    assert {"acupuncture", "gabapentin", "MRI", "TENS machine", "yoga"} <= set(topics.phrases)
    assert "massage" not in topics.phrases and "sciatica" not in topics.phrases


def test_a_broken_topics_file_is_refused_with_its_name(tmp_path):
    (tmp_path / "clinic.yaml").write_text("groups:\n  - topics: [cupping]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"clinic\.yaml.*source"):
        load_topics(tmp_path)
    (tmp_path / "clinic.yaml").write_text("groups: [oops", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"clinic\.yaml is not valid YAML"):
        load_topics(tmp_path)
    assert load_topics(tmp_path / "missing").phrases == ()


@pytest.mark.parametrize(
    "question, kind",
    [
        ("how often should i book a massage, is weekly too much?", "frequency"),
        ("how many massage sessions before it starts to work?", "sessions"),
        ("how long should a sciatica massage session be, 30 mins or a full hour?", "session_length"),
        ("what's the success rate for surgery?", "rate"),
        ("How many people end up dealing with sciatica?", "rate"),
        ("how long does sciatica normally last?", ""),  # "four to six weeks" answers it: not gated
        ("does massage help sciatica?", ""),
    ],
)
def test_questions_asking_for_a_number_are_recognised(question, kind):
    assert number_ask(question) == kind


def test_only_a_sentence_that_states_the_number_answers():
    assert states("frequency", "Most people book once a week at first.")
    assert not states("frequency", "Massage treatment is a holistic approach worth considering.")
    assert states("sessions", "Relief usually came after three to five sessions.")
    assert states("session_length", "A session lasts 45 minutes.")
    assert states("rate", "Millions worldwide suffer from sciatica.")
    assert states("", "anything at all")


@pytest.mark.parametrize(
    "question, asks",
    [
        ("how long does this pain down the back of the leg normally hang about for?", True),
        ("how many weeks till it clears up", True),
        ("when will it get better, its been 10 days", True),
        ("how long does the relief from one massage last?", False),  # the massage's effect, not the pain
        ("how long should a session be?", False),  # a session's length: the gated kind above
        ("does massage help sciatica?", False),
    ],
)
def test_questions_about_how_long_the_pain_lasts_are_recognised(question, asks):
    assert duration_ask(question) is asks


def test_a_duration_in_numbers_outranks_a_vague_one():
    assert states_duration("Most sciatica gets better within about four to six weeks.") == 2
    assert states_duration("See a GP if the pain has not improved after a few weeks.") == 1
    assert states_duration("It goes from the lower back down the back of each leg.") == 0


def test_how_long_it_lasts_is_answered_by_the_sentence_giving_the_weeks(assistant):
    answer = assistant.ask("how long does this ache down the back of my thigh hang about for? its been a week, im fed up")
    assert answer.outcome == "answer", answer.answer
    assert "four to six weeks" in answer.citations[0].quote


def test_the_reply_names_the_topic_and_an_added_article_makes_it_answerable(tmp_path):
    """Fast lane, FAKE hashing embedder: the gate follows the served corpus, so a clinic's article on
    acupuncture makes the same question answerable with no change to the topic list."""
    import shutil

    from fakes import fake_pipeline

    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus" / "curated", corpus)
    assistant = fake_pipeline(tmp_path / "one", corpus=corpus)
    answer = assistant.ask("Does acupuncture help sciatica?")
    assert answer.outcome == "not_covered" and answer.citations == []
    assert "do not cover acupuncture" in answer.answer and answer.uncovered == ["acupuncture"]

    (corpus / "acupuncture.md").write_text(
        "---\ntitle: Acupuncture and sciatica\nsource: Clinic leaflet, 2026\n---\n\n## Acupuncture\n\n"
        "Acupuncture for sciatica has mixed evidence in trials, and some people find acupuncture eases the pain.\n",
        encoding="utf-8",
    )
    again = fake_pipeline(tmp_path / "two", corpus=corpus)
    answer = again.ask("Does acupuncture help sciatica?")
    assert answer.outcome == "answer", answer.answer
    assert any("Acupuncture" in c.quote for c in answer.citations)


def test_a_part_that_leans_on_an_unmentioned_topic_is_not_covered_either():
    from assistant.lexicon import Lexicon
    from assistant.question import read_question

    gate = Topics(("epidural", "MRI")).gate(ARTICLE)
    leaning = read_question("has anyone had an epidural for sciatica? how long does the relief last", [], Lexicon(), None, gate)
    # both asks are about the epidural, so nothing is left to answer: the question as a whole names it
    assert leaning.absent_topics == ("epidural",) and not leaning.parts
    # a part about something else keeps its own coverage
    apart = read_question("what causes sciatica, and will I need an MRI to find out?", [], Lexicon(), None, gate)
    assert apart.part_absent == ((), ("MRI",))


def test_a_topic_named_only_to_set_the_scene_does_not_stop_the_ask_being_answered():
    from assistant.lexicon import Lexicon
    from assistant.question import read_question

    gate = Topics(("opioids", "MRI", "epidural")).gate(ARTICLE)

    def read(text):
        return read_question(text, [], Lexicon(), None, gate)

    scene = read("I'm trying to stay off the opioids my doctor keeps offering. Is massage a safe way to ease the pain?")
    assert scene.absent_topics == () and scene.scene_topics == ("opioids",)  # answered; opioids named as not covered
    which = read("I take opioids every night. Which massage techniques help with tight muscles?")
    assert which.absent_topics == () and which.scene_topics == ("opioids",)  # a question word is not a pointer back
    # the test that found something is not what is asked about
    reported = read("My MRI report says a disc herniation. Is that what causes my sciatica?")
    assert reported.absent_topics == () and reported.scene_topics == ()
    # still not covered: the ask itself names the topic, or leans back on it, or there is no separate ask
    assert read("Are opioids better than massage?").absent_topics == ("opioids",)
    assert read("I had an epidural last week. Does it wear off?").absent_topics == ("epidural",)
    assert read("Should I get an MRI? My back has hurt for weeks.").absent_topics == ("MRI",)
    assert read("opioids for sciatica").absent_topics == ("opioids",)
    # blind batch 26, written again in other words: a long ask that says "it" names what it asks about, and "at what
    # point" opens a question even without a question mark
    long_ask = read("Four weeks of this now. Stretches, opioids, the lot, and it's no better. At what point should I get "
                    "it checked by a doctor")
    assert long_ask.absent_topics == () and long_ask.scene_topics == ("opioids",)


def test_a_treatment_the_asker_fears_is_not_what_they_ask_about():
    from assistant.lexicon import Lexicon
    from assistant.question import read_question

    gate = Topics(("epidural", "surgery", "injections")).gate(ARTICLE)
    # blind batch 26, written again in other words
    feared = read_question("As I fear surgery and injections, is massage a gentler option for sciatica?", [],
                           Lexicon(), None, gate)
    assert feared.absent_topics == ()
    assert read_question("Do injections help sciatica?", [], Lexicon(), None, gate).absent_topics == ("injections",)


def test_the_reply_answers_the_ask_and_names_the_scene_topic_as_not_covered(assistant):
    """The real pipeline (bundled MiniLM, embedded Chroma)."""
    answer = assistant.ask(
        "I'm trying really hard to stay off the opioids my doctor keeps offering. "
        "Is massage a safe way to manage the pain without drugs?"
    )
    assert answer.outcome == "answer" and answer.citations
    assert answer.uncovered == ["opioid"] and "\u201copioid\u201d" in answer.answer  # as the topic list writes it
    reported = assistant.ask("MRI report says L5/S1 disc herniation. is that what's giving me the sciatica?")
    assert reported.outcome == "answer" and reported.uncovered == []
    assert any("herniated disc" in c.quote for c in reported.citations)


@pytest.mark.parametrize("question, topic", [
    # blind batch 17 kinds, reworded: a health plan by name, spinal adjustments, sick pay beside a covered ask
    ("my health plan is Amil, will it pay for massage for my sciatica?", "health plan"),
    ("do spinal adjustments fix sciatica?", "spinal adjustment"),
    ("how long does sciatica last and will I get sick pay?", "sick pay"),
])
def test_shipped_topics_name_what_the_shipped_articles_never_mention(question, topic):
    articles = [p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "corpus" / "curated").glob("*.md")]
    gate = load_topics(PROJECT_ROOT / "corpus" / "topics").gate(articles)
    assert topic in gate.absent_in(question)
