"""Questions that ask for a number, and whether a sentence gives one. Pure.

"How often should I book?", "how many sessions before it works?", "how long should a session be?" and "what's
the success rate?" are answered only by a sentence that states a frequency, a count of sessions, a session's
length or a rate. A sentence that merely shares the topic ("Massage treatment is a holistic approach worth
considering...") does not answer them, so such a question is ``not_covered`` when no close sentence states one.
How long sciatica lasts is not gated: a question about it is covered like any other, but a sentence that states a
duration ("within about four to six weeks") leads over one that only shares its words ("It goes from the lower
back down the back of each leg" for "how long does this pain down the back of the leg hang about for?").
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
            r"|\b\d+ ?(?:mins?|minutes?) or (?:an?|a full|\d+) ?(?:hours?|hrs?|mins?|minutes?)\b"
            # the verb last, as second-language writers put it: "how long one session should be, 30 minit or one hour?"
            # (blind batch 34)
            r"|\bhow long (?:a|the|each|my|one|your) (?:\w+ )?(?:sessions?|appointments?|treatments?|massages?)"
            r" (?:should|would|will|must|can) (?:be|last|take)\b",
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


# how long the pain or the condition lasts (not a session's length, which is "session_length" above)
_ASKS_DURATION = re.compile(
    r"\bhow long (?:does|will|do|did|can|could|might|should|would|is|has|have|till|until|before|for)\b"
    # "how long's it normally take to settle down then?" (blind batch 38)
    # (not "how long's the sciatic nerve?": the review)
    r"|\bhow long(?:'s|’s|'ll|’ll|s) (?:it|this|my sciatica|sciatica)\b"
    r"|\bhow many (?:days|weeks|months)\b|\bwhen (?:will|does|should) (?:it|this|the pain|my \w+) "
    r"(?:go|get better|clear|settle|stop|ease)\b|\b(?:hang|hangs|stick|sticks) (?:about|around)\b",
    re.IGNORECASE,
)
_STATES_DURATION = re.compile(
    rf"\b(?:{_NUMBER}|about|within|up to)\b(?: to {_NUMBER})? (?:days?|weeks?|months?|years?)\b", re.IGNORECASE
)


# how long something else lasts: a massage's relief, a session, an effect
_NOT_THE_PAIN = re.compile(
    r"\b(?:relief|effects?|sessions?|appointments?|massages?|bruis\w*|soreness)\b", re.IGNORECASE
)


# asking outright how long sciatica lasts, whatever else the question mentions ("how long does sciatica last? thinking
# of a massage"; twelfth session)
_THE_PAIN_ITSELF = re.compile(
    r"\bhow long (?:does|will|do|would|can|might|did|is) (?:the |my |this |a )?(?:sciatica|sciatic pain|pain"
    r"|flare\w*)\b(?! relief| easing)",  # (not "how long does the pain relief last")
    re.IGNORECASE,
)


def asks_how_long_the_pain(question: str) -> bool:
    """Whether ``question`` asks outright how long sciatica or the pain lasts ("how long does sciatica last?")."""
    return bool(_THE_PAIN_ITSELF.search(question))


def duration_ask(question: str) -> bool:
    """Whether ``question`` asks how long the pain lasts (a preference, never a gate; see the module doc)."""
    if asks_how_long_the_pain(question):
        return True
    if _KINDS["session_length"][0].search(question) or _NOT_THE_PAIN.search(question):
        return False
    return bool(_ASKS_DURATION.search(question))


_VAGUE = re.compile(r"\b(?:a few|several|a couple of|a number of)\b", re.IGNORECASE)


def states_duration(sentence: str) -> int:
    """2 for a sentence giving a duration in numbers ("four to six weeks"), 1 for a vague one ("a few weeks"),
    else 0."""
    found = [m.group(0) for m in _STATES_DURATION.finditer(sentence)]
    if not found:
        return 0
    return 1 if all(_VAGUE.search(f) for f in found) else 2


# "how long should each one last?": a session's length asked with "one" for the session (blind batch 24), which the
# "session_length" kind above does not gate on
_EACH_ONE = re.compile(r"\bhow long (?:should|does|do|will|is|would|can) (?:each|every) one\b", re.IGNORECASE)


def asks_session_length(question: str) -> bool:
    """Whether ``question`` asks how long a session lasts (anywhere in it, whatever else it asks first)."""
    return bool(_KINDS["session_length"][0].search(question) or _EACH_ONE.search(question))


def number_ask(question: str) -> str:
    """The kind of number ``question`` asks for ("frequency", "sessions", "session_length", "rate"), or ""."""
    for kind, (asks, _) in _KINDS.items():
        if asks.search(question):
            return kind
    return ""


def states(kind: str, sentence: str) -> bool:
    """Whether ``sentence`` states the kind of number asked for (always true when nothing was asked)."""
    return not kind or bool(_KINDS[kind][1].search(sentence))
