"""Questions that ask for a number, and whether a sentence gives one. Pure.

"How often should I book?", "how many sessions before it works?", "how long should a session be?" and "what's
the success rate?" are answered only by a sentence that states a frequency, a count of sessions, a session's
length or a rate. A sentence that merely shares the topic ("Massage treatment is a holistic approach worth
considering...") does not answer them, so such a question is ``not_covered`` when no close sentence states one.
How long sciatica lasts is not gated here: "within about four to six weeks" answers it, and any duration will do.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several|a couple of|a number of)"

# kind -> (how a question asks for it, how a sentence states it)
_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "frequency": (
        re.compile(
            r"\bhow (?:often|frequently|regularly)\b|\bhow many times (?:a|per|each|every) (?:day|week|month)\b"
            r"|\b(?:is|would) (?:weekly|daily|monthly|once a week|twice a week|every (?:day|week))"
            r" (?:too|enough|ok|okay)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(?:daily|weekly|fortnightly|monthly|once|twice|three times|every (?:day|week|month|other|few)"
            rf"|{_NUMBER} times|(?:a|per) (?:day|week|month))\b",
            re.IGNORECASE,
        ),
    ),
    "sessions": (
        re.compile(
            r"\bhow many (?:\w+ )?(?:sessions?|appointments?|treatments?|massages?|visits?|goes)\b",
            re.IGNORECASE,
        ),
        re.compile(rf"\b{_NUMBER} (?:\w+ )?(?:sessions?|appointments?|treatments?|massages?|visits?)\b", re.IGNORECASE),
    ),
    "session_length": (
        re.compile(
            r"\bhow long (?:should|does|do|will|is|are|would) (?:a|the|each|my|one|your)?\s*(?:\w+ )?"
            r"(?:sessions?|appointments?|treatments?|massages?)(?: (?:be|last|take|go on for))?\b"
            r"|\b\d+ ?(?:mins?|minutes?) or (?:an?|a full|\d+) ?(?:hours?|hrs?|mins?|minutes?)\b",
            re.IGNORECASE,
        ),
        re.compile(rf"\b{_NUMBER}[- ]?(?:mins?|minutes?|hours?|hrs?)\b|\bhalf an hour\b|\ban hour\b", re.IGNORECASE),
    ),
    "rate": (
        re.compile(
            r"\b(?:success|failure|recovery|cure) rates?\b|\bwhat (?:share|percentage|proportion|fraction|percent)\b"
            r"|\bwhat (?:are|is) the (?:odds|chances?)\b|\bhow likely\b|\bhow many people\b",
            re.IGNORECASE,
        ),
        re.compile(
            rf"%|\bper ?cent\b|\bin {_NUMBER}\b"
            r"|\b(?:most|majority|half|minority|few) (?:of )?(?:people|patients|cases)\b"
            r"|\bmost sciatica\b|\b(?:millions|thousands|hundreds)\b",
            re.IGNORECASE,
        ),
    ),
}


def number_ask(question: str) -> str:
    """The kind of number ``question`` asks for ("frequency", "sessions", "session_length", "rate"), or ""."""
    for kind, (asks, _) in _KINDS.items():
        if asks.search(question):
            return kind
    return ""


def states(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` states the kind of number asked for (always true when nothing was asked)."""
    return not kind or bool(_KINDS[kind][1].search(sentence))
