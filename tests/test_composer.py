"""What the answer composer promises a reader: it answers, shows the evidence beside a claim, quotes the
precaution that matches what they said, names what it does not cover, and never quotes a sentence
about the page itself."""

from pathlib import Path

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.lexicon import Lexicon, load_lexicon
from assistant.ingest.passages import is_meta_sentence, split_corpus
from assistant.question import read_question, split_parts
from assistant.spelling import build_speller
from assistant.safety import messages

ROOT = Path(__file__).resolve().parent.parent
PASSAGES = split_corpus(load_corpus(ROOT / "corpus" / "curated"))


# ---- curation-level guarantees over every section ------------------------------------------------------

def test_meta_sentences_are_recognised_in_the_shipped_corpus():
    meta = [s for p in PASSAGES for s in p.sentence_texts() if is_meta_sentence(s)]
    assert any(s.startswith("This post will discuss") for s in meta)
    assert any(s.startswith("This page explains") for s in meta)
    assert all(not is_meta_sentence(s) for s in ("Sciatica is a sign of an underlying problem.",
                                                  "This nerve can be pinched by a herniated disc."))


@pytest.mark.parametrize("passage", PASSAGES, ids=[p.id for p in PASSAGES])
def test_no_meta_sentence_is_ever_quoted(assistant, passage):
    """Ask with each passage's own heading and text: whatever is quoted is never a sentence about the page."""
    for question in (passage.section, passage.text[:300]):
        answer = assistant.ask(question[:900])
        for citation in answer.citations:
            for sentence in (s for p in PASSAGES if p.id == citation.passage_id for s in p.sentence_texts()):
                if sentence in citation.quote:
                    assert not is_meta_sentence(sentence), (question, sentence)


# ---- understanding the question ------------------------------------------------------------------------

def test_lexicon_reads_lay_terms_in_the_articles_words():
    lexicon = load_lexicon(ROOT / "corpus" / "lexicon")
    assert "herniated disc" in lexicon.canonical("could a slipped disc cause this?")
    assert "pelvic misalignment" in lexicon.canonical("can massage fix a wonky pelvis")
    assert "tingling" in lexicon.canonical("pins and needles in my foot")
    assert lexicon.canonical("a garden party") == "a garden party"


def test_a_broken_lexicon_file_is_a_clear_error(tmp_path):
    from assistant.errors import CorpusError

    (tmp_path / "bad.yaml").write_text("entries:\n  - term: x\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.yaml: entry 1 needs"):
        load_lexicon(tmp_path)
    assert load_lexicon(tmp_path / "missing") == Lexicon()


def test_spelling_fixes_typos_and_leaves_ordinary_words_alone():
    speller = build_speller([p.text for p in PASSAGES], {"sciatica", "massage"})
    assert speller.correct("can masage help my sciatca?") == "can massage help my sciatica?"
    assert speller.correct("a herniaded disc") == "a herniated disc"
    for word in ("weekend", "garden", "husband", "coffee", "summer"):
        assert speller.correct(f"my {word}") == f"my {word}"
    # chat spellings of common words are read as the word
    assert speller.correct("wot even is sciatica, shud i see a dr") == "what even is sciatica, should i see a dr"
    # chat shorthand is not a typo ("30 mins" once became "30 pins")
    assert speller.correct("30 mins or 2 hrs, idk tbh") == "30 mins or 2 hrs, idk tbh"
    # a dropped g is the common word it drops from, not the nearest corpus word ("doin" was "down"); a rare one is
    # left alone (Scots "hingin oan" is not "hinging"); a known word with a clitic is kept ("long's" was "leg's")
    assert speller.correct("whats it doin, is massage workin") == "whats it doing, is massage working"
    assert speller.correct("worth hingin oan") == "worth hingin oan"
    assert build_speller(["the leg's nerve"]).correct("how long's it take") == "how long's it take"


def test_two_part_questions_are_split_and_one_part_questions_are_not():
    assert split_parts("what causes sciatica, and will I need an MRI to find out?") == (
        "what causes sciatica", "will I need an MRI to find out?")
    assert split_parts("which massage is best, and roughly how much is a session?") == (
        "which massage is best", "roughly how much is a session?")
    assert split_parts("Does massage help sciatica?") == ()
    assert split_parts("does massage help with stress and anxiety?") == ()
    # markup is not an ask: it is dropped before the question is read
    marked = read_question("Does massage help sciatica? <script>alert(1)</script>", [], Lexicon(), None)
    assert marked.corrected == "Does massage help sciatica?" and marked.parts == ()


def test_a_sign_off_after_the_last_ask_does_not_hide_a_two_part_question():
    assert split_parts("can massage calm me down? also any good apps for sleep? thanks so much x") == (
        "can massage calm me down?", "also any good apps for sleep?")
    assert split_parts("what causes sciatica? cheers!") == ()


def test_the_sceptics_other_half_is_one_question_about_the_claim():
    # blind batch 25, written again in other words: the second half doubts the claim, it does not ask something new
    assert split_parts("The clinic says it lines up your hips. Has that ever been shown, or is it just hype?") == ()
    assert split_parts("is that real or is she pulling my leg?") == ()
    reading = read_question("my masseur says it resets the nerve. has anyone demonstrated that, or is it marketing?", [],
                            Lexicon(), None)
    assert reading.evidence and reading.parts == ()
    # a second ask about something else is still a second part
    assert split_parts("is massage proven for sciatica, or is it cheaper to see a physio?") != ()


def test_voice_typed_punctuation_is_written_as_punctuation():
    from assistant.question import spoken_punctuation

    assert spoken_punctuation("does it hurt comma or just tingle question mark") == "does it hurt, or just tingle?"
    assert spoken_punctuation("thanks full stop") == "thanks."
    # "period" is also a word patients use, and is left as it is
    assert spoken_punctuation("my period makes it worse") == "my period makes it worse"


def test_a_follow_up_is_read_after_what_the_previous_question_was_about():
    from assistant.question import SUBJECT_WORDS, context_subject, subject_words

    history = [{"role": "user", "content": "what causes sciatica?"}]
    reading = read_question("ok and where does it hurt?", history, Lexicon(), None)
    assert reading.context == "what causes sciatica?"
    assert reading.readings[1] == "sciatica ok and where does it hurt?"
    # a stemmer's two forms of one word both count; a corpus's headings add their own subjects
    assert context_subject("Does being stressed out make it worse?", SUBJECT_WORDS) == "stressed"
    subjects = subject_words(["Improved Blood Flow and Circulation"])
    assert context_subject("does massage improve circulation?", subjects) == "massage circulation"
    # nothing named: the whole previous question is read
    plain = read_question("and how long?", [{"role": "user", "content": "what happens next?"}], Lexicon(), None)
    assert plain.readings[1] == "what happens next? and how long?"


def test_a_follow_up_reads_the_previous_question_even_after_an_unanswered_turn():
    history = [{"role": "user", "content": "what does massage do for blood flow?"},
               {"role": "assistant", "content": "The curated articles I answer from do not cover this question."}]
    reading = read_question("and does that help the nerve?", history, Lexicon(), None)
    assert "blood flow" in reading.context


@pytest.mark.parametrize("question, leans", [
    ("fair enough. what kind of massage should I ask for?", False),  # names its subject, points back at nothing
    ("ok so what usually squashes the nerve then", False),
    ("and does that help the nerve?", True),
    ("what about deep tissue massage?", True),  # elliptic: needs the earlier turn
    ("and how long does it last?", True),
])
def test_a_follow_up_that_stands_alone_is_read_on_its_own(question, leans):
    history = [{"role": "user", "content": "does medicare cover remedial massage?"}]
    assert bool(read_question(question, history, Lexicon(), None).context) is leans


# ---- the composed answer -------------------------------------------------------------------------------

def test_does_massage_help_sciatica_says_what_it_may_do_and_what_the_evidence_says(assistant):
    answer = assistant.ask("Does massage help sciatica?")
    assert answer.outcome == "answer"
    assert "What the evidence says:" in answer.answer
    assert any("evidence" in c.section.lower() for c in answer.citations)  # the evidence section is quoted too
    assert "This post will discuss" not in answer.answer


def test_a_promotional_claim_is_never_shown_without_the_evidence_note(assistant):
    answer = assistant.ask("can a therapist straighten my hips?")
    body = answer.answer
    assert "qualified to diagnose" in body
    claim_at = body.index("qualified to diagnose")
    note_at = body.index("What the evidence says:")
    assert note_at > claim_at and "overstates what massage can do" in body[note_at:]


def test_a_caution_answer_quotes_the_matching_precaution_first(assistant):
    answer = assistant.ask("I'm on warfarin, can I have a deep tissue massage for my sciatica?")
    assert answer.triage.level == "caution"
    first = answer.citations[0]
    assert "blood-thinning" in first.quote
    assert answer.answer.count(answer.triage.message) == 1


def test_a_two_part_question_answers_the_covered_part_and_names_the_other(assistant):
    answer = assistant.ask("what causes sciatica, and is walking or cycling better for it?")
    assert answer.outcome == "answer"
    assert answer.uncovered == ["is walking or cycling better for it?"]
    assert "do not cover this part of your question" in answer.answer
    assert any("herniated disc" in c.passage for c in answer.citations)


@pytest.mark.parametrize("question, lead, declined, message, outcome_alone", [
    ("how long does sciatica usually last, and can I take naproxen with my blood pressure pills?",
     "four to six weeks", "can I take naproxen with my blood pressure pills?", messages.REFUSALS["dosing"], "refusal"),
    ("which massage is best for sciatica, and how much does a session usually cost?",
     "deep tissue massage, Swedish massage", "how much does a session usually cost?",
     "can't help with appointments, prices or insurance", "out_of_scope"),
    # a greeting and markup before the ask (found in the browser check)
    ("hi! <b>bold</b> which massage is best for sciatica, and how much does a session usually cost?",
     "deep tissue massage, Swedish massage", "how much does a session usually cost?",
     "can't help with appointments, prices or insurance", "out_of_scope"),
    # a home visit is a service ask too, and "+" joins two asks in chat
    ("what kinda massage is best for sciatica + do u do home visits", "deep tissue massage, Swedish massage",
     "do u do home visits", "can't help with appointments, prices or insurance", "out_of_scope"),
    # "whats" (no apostrophe) opens the second ask as "what's" does (blind batch 13)
    ("should i stay in bed or keep moving with this sciatica, and whats the max dose of naproxen in a day",
     "staying active helps more than bed rest", "whats the max dose of naproxen in a day",
     messages.REFUSALS["dosing"], "refusal"),
])
def test_a_medicine_or_price_ask_beside_a_covered_one_declines_only_that_part(
    assistant, question, lead, declined, message, outcome_alone
):
    answer = assistant.ask(question)
    assert answer.outcome == "answer"
    assert lead in answer.citations[0].quote
    assert answer.uncovered == [declined]
    assert answer.answer.index(message) > answer.answer.index(lead)  # the answer first, then what is declined
    # asked on its own, the declined part is still refused or turned away whole
    assert assistant.ask(declined).outcome == outcome_alone


def test_a_part_in_lay_words_is_read_in_the_articles_words(assistant):
    # "rest up in bed" / "keep going" are bed rest / staying active (corpus/lexicon)
    answer = assistant.ask("should I rest up in bed or keep going, and would a standing desk at work help?")
    assert answer.outcome == "answer"
    assert "staying active helps more than bed rest" in answer.citations[0].quote
    assert answer.uncovered == ["would a standing desk at work help?"]


@pytest.mark.parametrize("question, lead, named", [
    # the part about an unmentioned topic is named, not searched for, so the other part's passage is found
    ("how long does sciatica tend to last, and will Medibank cover my massages?", "four to six weeks",
     "will Medibank cover my massages?"),
    # the second part names its own subject: it does not lean on the first part's topic
    ("is massage covered by the NHS and how long does sciatica usually last", "four to six weeks",
     "is massage covered by the NHS"),
    ("Is deep tissue massage invasive? Also which massage oil is best, almond or coconut?", "deep tissue",
     "Also which massage oil is best, almond or coconut?"),
])
def test_a_part_about_an_unmentioned_topic_is_named_and_the_other_answered(assistant, question, lead, named):
    answer = assistant.ask(question)
    assert answer.outcome == "answer" and answer.uncovered == [named]
    assert lead in answer.citations[0].quote


def test_a_place_near_me_that_only_sets_the_scene_is_not_a_provider_search(assistant):
    answer = assistant.ask("the spa near me has a long menu of massages, which kind should I book for sciatica?")
    assert answer.outcome == "answer"
    assert any("deep tissue massage, Swedish massage" in c.passage for c in answer.citations)
    assert assistant.ask("any good massage places near me?").outcome == "out_of_scope"


def test_finding_a_named_kind_of_practitioner_is_a_provider_search(assistant):
    found = assistant.ask("how do i find a good RMT in my city who knows sciatica? any names you can recommend")
    assert found.outcome == "out_of_scope" and "can't recommend, find or book" in found.answer
    # choosing between treatments is a question the articles answer, not a search
    assert assistant.ask("would you recommend massage or physio for sciatica?").outcome == "answer"


def test_a_piece_that_only_tells_is_not_named_as_uncovered(assistant):
    answer = assistant.ask("is massage safe for sciatica? need some ammo to talk my mum round")
    assert answer.outcome == "answer" and answer.uncovered == []
    assert "few risks" in answer.citations[0].quote


def test_a_named_home_stretch_is_not_answered_with_the_massage_techniques(assistant):
    answer = assistant.ask("is pigeon pose a good stretch to do at home for sciatica?")
    assert answer.outcome == "not_covered" and "pigeon pose" in answer.uncovered


@pytest.mark.parametrize("question, lead", [
    # the direction asked about: stress worsening the pain, not pain causing stress (issue #9)
    ("does being stressed out make sciatica hurt more?", "increased tension can worsen pain perception"),
    ("would a deep tissue massage help my sciatica? my butt muscles feel like rocks", "deep tissue massage, Swedish"),
])
def test_the_learned_ranker_leads_with_the_sentence_that_answers(assistant, question, lead):
    # both are test-half questions: the ranker was not trained on them
    assert lead in assistant.ask(question).citations[0].quote


def test_on_its_own_is_not_read_as_massage_alone(assistant):
    # "on its own" once meant "stand-alone treatment" in the lexicon, so this got the massage-plan sentence
    answer = assistant.ask("Is sciatica a sickness on its own or a symptom of something else?")
    assert "sign of an underlying problem" in answer.citations[0].quote


def test_which_kind_of_massage_is_a_specific_question(assistant):
    answer = assistant.ask("which type of massage is best for sciatica?")
    assert "deep tissue massage, Swedish massage" in answer.citations[0].quote


def test_a_place_where_a_claim_was_read_is_not_a_request_for_a_provider(assistant):
    answer = assistant.ask("A spa near me says their sciatica plan is guaranteed safe and effective. Can they promise that?")
    assert answer.outcome == "answer"
    assert assistant.ask("any good massage place near me?").outcome == "out_of_scope"


def test_an_on_topic_question_without_a_topic_word_is_not_turned_away(assistant):
    answer = assistant.ask("should I just stay in bed until it settles?")
    assert answer.outcome != "out_of_scope"
    assert assistant.ask("Who won the football last night?").outcome == "out_of_scope"


def test_quotes_stay_verbatim(assistant):
    corpus = " ".join(" ".join(p.text.split()) for p in PASSAGES)
    for question in ("Does massage help sciatica?", "what is sciatica?", "is there any proof massage works?"):
        for c in assistant.ask(question).citations:
            assert " ".join(c.quote.split()) in corpus


@pytest.mark.parametrize("question", [
    "Does massage help sciatica?",                          # answer
    "how long should I wait for the results of a yoga retreat?",  # not covered or out of scope
    "Who won the football last night?",                     # out of scope
    "How many mg of ibuprofen should I take?",              # refusal
    "I'm on warfarin, can I have a massage?",              # caution
    "my foot slaps the floor since yesterday",              # urgent
    "I can't pee and my back is agony",                     # emergency
    "hello",                                                # greeting
])
def test_every_reply_names_the_emergency_number(assistant, question):
    answer = assistant.ask(question)
    number = assistant.settings.emergency_number
    assert number in f"{answer.answer} {answer.disclaimer}", (answer.outcome, answer.answer)


def test_that_side_of_it_is_an_aspect_not_a_side_effect():
    from assistant.compose.extractive import focus_terms

    assert "side" not in focus_terms("so how would a massage help with that side of it?")
    assert "side" in focus_terms("does massage have side effects?")


def test_an_existential_there_does_not_lean_on_the_part_before():
    # blind batch 19 kind, reworded: the second ask names its own subject; "is there" points back at nothing
    from assistant.topics import Topics

    gate = Topics(("Bupa",)).gate(["Massage may ease sciatica."])
    reading = read_question("does Bupa pay for massage? and is there any proof massage helps sciatica?", [], Lexicon(),
                            None, gate)
    assert reading.part_absent == (("Bupa",), ())


def test_a_though_after_the_ask_makes_it_a_follow_up():
    # blind batch 19 kind, reworded
    history = [{"role": "user", "content": "is a massage safe with sciatica?"}]
    assert read_question("any nasty side effects tho?", history, Lexicon(), None).context
    assert not read_question("any nasty side effects?", history, Lexicon(), None).context


@pytest.mark.parametrize("question", [
    # blind batches 27 and 29, reworded: the other answer to the same question, not a second ask
    "is sciatica a disease in itself or is it a sign of something else?",
    "do they give everyone the same massage or do they work out something for your problem?",
])
def test_an_either_or_question_is_not_split(question):
    assert split_parts(question) == ()
