"""Clinical safety stage: red-flag triage, scope, no dosing or diagnosis, injected text as data.

    from assistant.safety import assess, SafetyDecision
    decision = assess(question, history, settings)      # optional: embed=callable (measured: does not help)

``SafetyDecision`` (frozen):

* ``route``: "emergency" -> show only ``triage.message`` + disclaimer (``message`` is "");
  "refusal" -> show ``triage.message`` (if any) then ``message``, may cite general text;
  "out_of_scope" -> show ``message`` only, no citations (``triage`` is none, or urgent for spam/non-English);
  "answer" -> show ``triage.message`` first (caution or urgent), then the answer.
* ``triage``: ``assistant.schema.Triage`` (level, message from settings wording, reason codes).
* ``retrieval_query``: the question without injected instructions, links or non-Latin runs.

Only user turns count, the last ``settings.max_history_turns`` of them. Modules: ``rules`` (lexicon and
patterns, each with its public source), ``text`` (normalising, clauses, negation), ``triage``, ``scope``,
``messages`` (all wording; also ``safety_net`` for ordinary answers), ``exemplars`` (optional embeddings),
``stage`` (``assess``).
"""

from .messages import safety_net
from .stage import SafetyDecision, assess

__all__ = ["SafetyDecision", "assess", "safety_net"]
