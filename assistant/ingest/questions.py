"""Load an article's question sidecar: the questions each of its sentences answers.

``<slug>.questions.yaml`` beside ``<slug>.md`` lists, for a sentence named by a verbatim phrase, the ways
people ask what that sentence answers::

    - section: "Reduction of Tension in the Muscles"    # the exact heading
      answer: "Effective techniques for treating muscle tension"   # a verbatim phrase of one sentence
      questions:
        - which kind of massage should I book for tight muscles
        - ...

At answer time a question is matched to these question-to-question as well as to the text itself
(README, "Retrieval and answers": matched questions run on a higher cosine scale than passages, so a
sidecar must cover every section or it pulls answers towards the few it covers; the loader refuses one that
does not). A file that breaks these rules is refused with a message naming it, before anything is indexed.
An item whose sentence was edited since is left out with a notice, so editing an article never blocks indexing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import CorpusError
from ..text import has_control_chars, is_meta_sentence, normalise_space, split_sentences

MAX_QUESTION_CHARS = 300


@dataclass(frozen=True)
class AnsweredBy:
    """Questions that one sentence of a section answers; ``phrase`` is a verbatim part of that sentence."""

    section: str
    phrase: str
    questions: tuple[str, ...]


def parse_questions(data: object, name: str, sections: dict[str, str]) -> tuple[tuple[AnsweredBy, ...], list[str]]:
    """Validate a parsed sidecar against the article's sections (heading -> section text): the usable items,
    and notices about items left out because their sentence was edited since (the rest still index)."""
    if not isinstance(data, list):
        raise CorpusError(f"{name}: must be a list of {{section, answer, questions}} items")
    out: list[AnsweredBy] = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise CorpusError(f"{name}: item {i} must be a mapping with 'section', 'answer' and 'questions'")
        section = normalise_space(str(item.get("section") or ""))
        phrase = normalise_space(str(item.get("answer") or ""))
        questions = item.get("questions")
        if not section or not phrase:
            raise CorpusError(f"{name}: item {i} needs a 'section' and an 'answer' phrase")
        if section not in sections:
            raise CorpusError(f"{name}: item {i} names a section that does not exist: {section!r}")
        if not isinstance(questions, list) or not questions:
            raise CorpusError(f"{name}: item {i} ({section}) needs a non-empty list of 'questions'")
        cleaned = []
        for q in questions:
            text = normalise_space(str(q)) if isinstance(q, (str, int, float)) else ""
            if not text or len(text) > MAX_QUESTION_CHARS or has_control_chars(text):
                raise CorpusError(
                    f"{name}: item {i} ({section}) has an empty, over-long or unprintable question; "
                    f"each must be plain text of at most {MAX_QUESTION_CHARS} characters"
                )
            cleaned.append(text)
        out.append(AnsweredBy(section, phrase, tuple(dict.fromkeys(cleaned))))
    quotable = [h for h, text in sections.items() if any(not is_meta_sentence(t) for t in split_sentences(text))]
    missing = [h for h in quotable if not any(a.section == h for a in out)]
    if missing:
        raise CorpusError(
            f"{name}: covers only some sections (none for {missing[0]!r}); a question sidecar must cover every "
            "section that has something to quote, or questions matched to a few sections pull answers away from "
            "the rest"
        )
    usable = tuple(a for a in out if a.phrase in sections[a.section])
    notices = [
        f"{name}: left out the questions of item {i} ({a.section}): its answer phrase {a.phrase[:50]!r} is no "
        "longer in the section (was the sentence edited? update or remove the item)"
        for i, a in enumerate(out, start=1)
        if a.phrase not in sections[a.section]
    ]
    return usable, notices


def load_questions(path: Path, sections: dict[str, str]) -> tuple[tuple[AnsweredBy, ...], list[str]]:
    """The sidecar at ``path`` (none: no questions) and its notices (see ``parse_questions``)."""
    if not path.is_file():
        return (), []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path.name}: is not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_questions(data, path.name, sections)
