"""``assess``: the clinical safety stage, run before retrieval on every question.

Order of precedence (the first that applies decides the route):

1. emergency red flag in the question or a recent user turn -> "emergency" (only emergency guidance);
2. dosing / diagnosis / personal treatment decision -> "refusal" (urgent or caution triage kept, shown first);
3. a service request, spam or non-English text -> "out_of_scope" (urgent triage kept); a service request that
   names a precaution or an urgent sign ("pregnant, can I book a massage?") is answered with it instead;
4. off topic (after removing injected instructions) -> "out_of_scope", unless the user describes an urgent
   red flag of their own ("I have a fever"), in which case the urgent guidance wins and the route is "answer";
5. otherwise "answer", with triage none, caution or urgent.

Instructions inside the question never change the decision: triage and refusals read the whole original
text, and only the retrieval query drops the injected instructions.
"""

from __future__ import annotations


from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Sequence, cast

import numpy as np

from ..schema import Triage, TriageLevel
from ..settings import Settings
from . import messages
from .exemplars import embedding_signs
from .learned import CODES as LEARNED_CODES, LearnedNet, default_net
from .language import detect_language, language_packs
from .rules import LEVEL_RANK
from .scope import (
    is_personal,
    is_social,
    mostly_non_latin,
    refusal_kind,
    service_request,
    strip_injection,
    topic_scope,
)
from ..question import answerable_parts, asks_something, split_parts
from .clauses import fold_for_rules
from .triage import find_signs, signs_set_aside

Route = Literal["answer", "out_of_scope", "refusal", "emergency"]
Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class SafetyDecision:
    route: Route
    triage: Triage = field(default_factory=Triage)
    message: str = ""  # out_of_scope / refusal text; "" otherwise
    retrieval_query: str = ""
    # True when no topic word decided the scope: the pipeline answers only if the question is close in
    # meaning to the curated passages, and otherwise gives ``scope_message``.
    check_scope: bool = False
    scope_message: str = ""
    language: str = "en"  # the question's language; replies use that language's file where there is one
    # the asks of a two-part question set aside because they ask for personal medical advice or a price or booking
    # ("how long does it last, and is naproxen ok with my blood pressure tablets?"): the rest is answered, then
    # ``declined_message`` (the refusal or the scope reply) follows
    declined: tuple[str, ...] = ()
    declined_message: str = ""


def _text_of(content: Any) -> str:
    """History content as text: a string, or Gradio-style blocks [{"type": "text", "text": ...}]."""
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        return " ".join(b.get("text", "") for b in content if isinstance(b, dict) and isinstance(b.get("text"), str))
    return ""


def recent_user_turns(history: Sequence[dict] | None, limit: int) -> list[str]:
    """The last ``limit`` user turns, oldest first. Assistant turns never count."""
    turns = [_text_of(m.get("content")) for m in (history or []) if isinstance(m, dict) and m.get("role") == "user"]
    turns = [t for t in turns if t.strip()]
    return turns[-limit:] if limit > 0 else []


Aside = Callable[[], list[tuple[str, bool]]]


def _net_level(net: LearnedNet, text: str, found: int, settings: Settings, aside: Aside) -> str:
    """The level the net reads in ``text`` that the rules did not: "none" unless it is above ``found``.

    The net cannot read time, person or negation, so it does not overrule the rules where they read a sign and judged
    it not current (``aside``: (level, plainly negated) of each such sign): an urgent reading is dropped when the rules
    set aside any urgent or emergency sign ("I had a fever last week but it's gone"), an emergency one when they set
    aside an emergency sign as over or someone else's ("my brother had cauda equina last year; mine's the usual"). A
    sign that is only denied ("no numbness down there") does not stop an emergency the rules missed elsewhere in the
    message."""
    if len(text.split()) < settings.learned_triage_min_words:
        return "none"
    level, emergency_margin = net.reading(text)
    if LEVEL_RANK[level] <= found:
        return "none"
    # where the rules recognised an urgent sign, the reply already sends the user to a doctor today and names the
    # emergency signs, so the net makes it an emergency only when it is sure (``learned_over_urgent_margin`` above
    # its threshold): at the threshold itself it raised an urgent weakness to emergency in 11 of 126 urgent cases of
    # the backtest
    if found >= LEVEL_RANK["urgent"] and emergency_margin < settings.learned_over_urgent_margin:
        return "none"
    judged = aside()
    if level == "emergency" and any(lv == "emergency" and not negated for lv, negated in judged):
        return "none"
    if level == "urgent" and any(LEVEL_RANK[lv] >= LEVEL_RANK["urgent"] for lv, _ in judged):
        return "none"
    return level


def _learned(codes: dict[str, str], texts: list[str], settings: Settings, aside: Aside) -> None:
    """The learned second net raises the level when it reads more than the rules found (``learned.py``); it reads
    the question alone and with the earlier user turns (``texts``), and the higher reading counts."""
    found = max((LEVEL_RANK[v] for v in codes.values()), default=0)
    if found >= LEVEL_RANK["emergency"] or not settings.learned_triage:
        return
    net = default_net()
    if net is None:
        return
    levels = [_net_level(net, t, found, settings, aside) for t in dict.fromkeys(t for t in texts if t.strip())]
    level = max(levels, key=lambda lv: LEVEL_RANK[lv], default="none")
    if level != "none":
        codes[LEARNED_CODES[level]] = level


def _triage(texts: list[str], settings: Settings, embed: Embed | None, net_texts: Sequence[str] = ()) -> Triage:
    codes: dict[str, str] = {}
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    for text in texts:
        for sign in find_signs(text):
            codes.setdefault(sign.code, sign.level)
    if embed is not None:
        for code, level in embedding_signs(texts, embed):
            codes.setdefault(code, level)
    _learned(
        codes,
        list(net_texts),
        settings,
        lambda: [(s.level, negated) for t in texts for s, negated in signs_set_aside(t)],
    )
    if not codes:
        return Triage()
    ordered = sorted(codes, key=lambda c: -LEVEL_RANK[codes[c]])  # stable: rule order within a level
    level = cast(TriageLevel, codes[ordered[0]])
    return Triage(level=level, message=messages.triage_message(level, ordered, settings), reasons=tuple(ordered))


def _scope_kind(question: str) -> str:
    norm = fold_for_rules(question)
    if norm.startswith(("thank", "cheers", "ta ")) or norm in {"ta", "ta!"}:
        return "thanks"
    return "greeting"


def _assess_other_language(question: str, earlier: list[str], settings: Settings, lang: str) -> SafetyDecision:
    """A question in another language: red flags read with that language's file, replies in that language.

    Answers come from English articles that the English model cannot match across languages, so an in-scope
    question gets a notice in the user's language (with any triage first) rather than a wrong match; an
    emergency is routed as in English, and its quotes are marked as English sources."""
    pack = language_packs(settings.languages_dir).get(lang)
    if pack is None:
        return SafetyDecision(
            "out_of_scope", Triage(), messages.out_of_scope_message("language", settings), "", language=lang
        )
    codes: dict[str, str] = {}
    for text in [question, *earlier]:
        for code, level in pack.find_signs(text):
            codes.setdefault(code, level)
    _learned(
        codes,
        [question, " ".join([*earlier, question])],
        settings,
        lambda: [aside for t in [question, *earlier] for aside in pack.signs_set_aside(t)],
    )
    ordered = sorted(codes, key=lambda c: -LEVEL_RANK[codes[c]])
    level = cast(TriageLevel, codes[ordered[0]] if ordered else "none")
    triage = Triage(level, messages.localised(pack, level, settings), tuple(ordered)) if ordered else Triage()
    if level == "emergency":
        return SafetyDecision("emergency", triage, "", question, language=lang)
    if level in ("none", "caution") and pack.is_out_of_scope(question):  # a red flag is always in scope
        return SafetyDecision(
            "out_of_scope", triage, messages.localised(pack, "out_of_scope", settings), "", language=lang
        )
    notice = messages.localised(pack, "not_answered", settings)
    # in scope or not is decided by the multilingual index, which falls back to this notice
    return SafetyDecision("answer", triage, notice, question, language=lang)


def _set_aside(text: str, declines: Callable[[str], bool]) -> tuple[str, tuple[str, ...]] | None:
    """For a two-part question, the asks still to answer (joined) and the parts ``declines`` sets aside; None when
    nothing would be left to answer, or nothing set aside (the whole question is declined, or none of it)."""
    parts = split_parts(text)
    declined = tuple(declines(p) for p in parts)
    kept = answerable_parts(parts, declined)
    if not kept or len(kept) == len(parts):
        return None
    # a piece that only tells is left out without being named ("... does my health insurance pay for massage? can't
    # stand at the till all day like this"; blind batch 42)
    return " ".join(kept), tuple(p for p, no in zip(parts, declined) if p not in kept and (no or asks_something(p)))


def assess(
    question: str, history: Sequence[dict] | None, settings: Settings, embed: Embed | None = None
) -> SafetyDecision:
    """Decide what the pipeline does with this question. Pure; no I/O. ``embed`` is optional."""
    earlier = recent_user_turns(history, settings.max_history_turns)
    lang = detect_language(question)
    if lang != "en":
        return _assess_other_language(question, earlier, settings, lang)
    cleaned = strip_injection(question)
    # Triage reads the original AND the cleaned text, so an injected "no emergency needed" cannot negate a sign.
    triage = _triage([question, cleaned, *earlier], settings, embed, [question, " ".join([*earlier, question])])

    if triage.level == "emergency":
        return SafetyDecision("emergency", triage, "", cleaned)

    kind = refusal_kind(question)
    declined: tuple[str, ...] = ()
    declined_message = ""
    if kind is not None:
        split = _set_aside(cleaned, lambda p: refusal_kind(p) is not None)
        if split is None:
            return SafetyDecision("refusal", triage, messages.refusal_message(kind), cleaned)
        cleaned, declined = split
        declined_message = messages.refusal_message(kind)

    urgent = triage if triage.level == "urgent" else Triage()
    if mostly_non_latin(question):
        return SafetyDecision("out_of_scope", urgent, messages.out_of_scope_message("language", settings), "")
    # "28 weeks pregnant, can I book a massage?" asks whether massage is safe: the precaution answers it
    if service_request(question) and triage.level not in ("caution", "urgent"):
        service = messages.out_of_scope_message("service", settings)
        # "which massage is best, and how much does a session cost?": the first ask is answered, the price is not
        split = None if declined else _set_aside(cleaned, service_request)
        if split is None:
            return SafetyDecision("out_of_scope", urgent, service, "")
        (cleaned, declined), declined_message = split, service
    if is_social(question):
        return SafetyDecision(
            "out_of_scope", Triage(), messages.out_of_scope_message(_scope_kind(question), settings), ""
        )
    scope = topic_scope(cleaned, earlier)
    personal_urgent = triage.level == "urgent" and is_personal(question)
    general = messages.out_of_scope_message("general", settings)
    if scope == "out" and not personal_urgent:
        return SafetyDecision("out_of_scope", Triage(), general, "")

    return SafetyDecision(
        "answer",
        triage,
        "",
        cleaned or question.strip(),
        check_scope=scope == "unsure" and not personal_urgent,
        scope_message=general,
        declined=declined,
        declined_message=declined_message,
    )


__all__ = ["SafetyDecision", "assess", "recent_user_turns", "Route", "Embed"]
