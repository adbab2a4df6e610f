"""The words the safety stage shows. Plain, NHS-style English, written by the project team.

The emergency number, the urgent service and (optionally) the wording of each level come from Settings:

* ``emergency_department``: "" means derive it from the number (999 -> "A&E", 911 -> "the emergency
  room", anything else -> "the nearest emergency department").
* ``triage_emergency_text``, ``triage_urgent_text``, ``triage_caution_text``: "" means the default
  below. Placeholders: {emergency_number} {emergency_department} {urgent_service} {signs} {extra}
  {precautions} {assistant_name}. Unknown placeholders are left as they are.

No message ever repeats the user's words: signs are described with our own phrases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..settings import REGIONS
from .rules import CODE_LEVEL

if TYPE_CHECKING:
    from ..settings import Settings
    from .language import LanguagePack

# How each reason code is described to the user (our wording).
SIGN_PHRASES: dict[str, str] = {
    "saddle_numbness": "numbness or tingling around the genitals, bottom or inner thighs",
    "bladder": "new problems peeing or controlling your bladder",
    "bowel": "new problems controlling your bowels",
    "continence": "new problems controlling your bladder or bowels",
    "both_legs": "sciatica, numbness or weakness in both legs",
    "sexual_dysfunction": "new problems with sexual function or feeling",
    "severe_weakness": "severe or quickly worsening weakness in the legs",
    "chest_pain": "chest pain",
    "stroke_signs": "signs of a stroke (face, arm or speech)",
    "foot_drop": "a foot that drags, slaps or will not lift",
    "leg_weakness": "weakness in the leg or foot, or trouble with balance",
    "trauma": "back or leg pain after a fall, accident or injury",
    "fever": "a high temperature, chills or sweats",
    "infection_risk": "a higher risk of infection",
    "cancer_history": "cancer, now or in the past",
    "weight_loss": "weight loss you cannot explain",
    "night_pain": "pain that is worse at night or does not ease with rest",
    "possible_fracture": "a crack or sudden pain in the back after a small strain, with weak bones or long-term "
    "steroids, which can be a broken bone in the spine",
    "possible_dvt": "a swollen, red, warm or painful calf, which can be a sign of a blood clot (DVT)",
    "under_16": "back or leg pain in a child or young person under 16",
    "age_over_50": "new back or leg pain starting after the age of 50",
    # the learned second net (learned.py) raised the level without naming a sign
    "possible_emergency": "something that may be one of the emergency signs of sciatica (new numbness around the "
    "genitals or bottom, new problems peeing or pooing or with erections or feeling during sex, or weakness in both "
    "legs or getting worse quickly)",
    "possible_urgent": "something that may need a doctor to check it today (such as a fall or injury, a fever, weakness "
    "in one leg, or pain that is worse at night)",
}

_CES_CODES = {"saddle_numbness", "bladder", "bowel", "continence", "both_legs", "sexual_dysfunction"}

# Extra emergency/urgent sentences for particular signs.
EXTRA: dict[str, str] = {
    "cauda_equina": (
        "With back pain or sciatica, this can be a sign of cauda equina syndrome, a rare but serious condition in which "
        "the nerves at the bottom of the spine are squeezed. It needs treatment in hospital straight away."
    ),
    "severe_weakness": "Weakness that is severe or getting worse quickly needs to be checked in hospital straight away.",
    "chest_pain": "Chest pain together with back pain needs to be checked straight away.",
    "stroke_signs": "A drooping face, an arm or leg that will not lift, or slurred speech can be a stroke: "
    "call {emergency_number} now.",
    "possible_dvt": "Do not massage or rub that leg until a doctor has checked it: if it is a clot, pressure could move it.",
    "trauma": "If it was a serious accident, or a fall from a height, call {emergency_number}.",
    "under_16": "Back or leg pain is uncommon in children and should be checked by a doctor rather than treated with massage.",
}

# One precaution line per caution reason (our wording; sources in rules.py).
PRECAUTIONS: dict[str, str] = {
    "anticoagulant": "With blood-thinning medicine, deep or firm massage can cause bruising or bleeding, so only gentle "
    "pressure should be used.",
    "bleeding_disorder": "With a bleeding disorder or low platelets, deep or firm massage can cause bruising or bleeding, "
    "so only gentle pressure should be used.",
    "pregnancy": "In pregnancy and the weeks after giving birth, speak to your midwife or doctor first, and choose a "
    "therapist trained in pregnancy massage.",
    "recent_surgery": "After an operation, the area around the wound should not be massaged until your surgeon or "
    "physiotherapist says it is safe.",
    "osteoporosis": "With thin or weak bones, a recent fracture or long-term steroid use, firm pressure could injure "
    "bone, so ask for gentle techniques.",
    "skin": "Massage should not be done over a wound, rash, burn or skin infection.",
    "clot_history": "If you have had a blood clot or have varicose veins, do not have the legs massaged firmly without "
    "asking your doctor.",
    "diabetes": "If you have reduced feeling in your skin, avoid heat packs on numb areas, as they can burn without "
    "you noticing.",
    "child": "Sciatica-type pain is uncommon in children; a doctor should check a child's back or leg pain, and the "
    "NICE guideline on sciatica covers people aged 16 and over.",
}

# The signs that need emergency care at once, named in every urgent reply and in the safety net of every reply.
EMERGENCY_SIGNS = "numbness around your genitals or bottom, new problems peeing or pooing, or sciatica in both legs"

DEFAULT_EMERGENCY = (
    "Call {emergency_number} or go to {emergency_department} now. You mentioned {signs}. {extra} "
    "Do not wait to see if it gets better, and do not have a massage for this."
)
DEFAULT_URGENT = (
    "Please get medical advice today: contact {urgent_service}. You mentioned {signs}. This needs to be "
    "checked by a doctor, and massage should not be used to put off that check. {extra} If it gets worse quickly, or "
    f"you notice {EMERGENCY_SIGNS}, call {{emergency_number}} or go to {{emergency_department}}."
)
DEFAULT_CAUTION = (
    "Before you have a massage, check with your doctor first, and tell your massage therapist. {precautions}"
)

OUT_OF_SCOPE = (
    "I can only help with questions about sciatica, back and leg nerve pain, and massage therapy, using a small set "
    'of checked articles. You could ask, for example, "Can massage help sciatica?" or "When should I get urgent '
    'help for sciatica?"'
)
SERVICE_REQUEST = (
    "I can't recommend, find or book massage services or clinics, and I can't help with appointments, prices or "
    "insurance. Please contact the clinic or provider directly. I can answer general questions about sciatica, back "
    "and leg nerve pain, and massage therapy."
)
NOT_ENGLISH = "Sorry, I can only answer questions written in English about sciatica, back and leg nerve pain, and massage therapy."
GREETING = (
    "Hello! I'm the {assistant_name}. I can answer general questions about sciatica, back and leg nerve pain, and "
    "massage therapy, and I show the sources I used."
)
THANKS = "You're welcome. Ask me anything else about sciatica, back and leg nerve pain, or massage therapy."

REFUSALS: dict[str, str] = {
    "dosing": (
        "I can't give advice about medicines or doses. A pharmacist or your doctor can tell you what is safe for you, "
        "because that depends on your health and on any other medicines you take. I can share general information "
        "about sciatica and massage."
    ),
    "diagnosis": (
        "I can't tell what is causing your symptoms, and I can't read scans or test results. Only a doctor or "
        "physiotherapist who examines you can do that, so please ask your doctor or the clinician who arranged the "
        "scan. I can share general information about sciatica and massage."
    ),
    "treatment_decision": (
        "I can't advise whether you should have an injection, an operation or a scan. That is a decision to make with "
        "your doctor, who knows your history and can examine you. I can share general information about sciatica and "
        "massage."
    ),
}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def reason_phrase(code: str) -> str:
    """Our description of one triage reason: the precaution line for a caution, else the sign's phrase."""
    return PRECAUTIONS.get(code) or SIGN_PHRASES.get(code, "")


def _fill(template: str, values: dict[str, str]) -> str:
    text = template.format_map(_Keep(values))
    return " ".join(text.split())


def emergency_department(settings: Settings) -> str:
    configured = settings.emergency_department.strip()
    if configured:
        return configured
    return {"999": "A&E", "911": "the emergency room"}.get(
        str(settings.emergency_number).strip(), "the nearest emergency department"
    )


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _values(settings: Settings, codes: Iterable[str]) -> dict[str, str]:
    codes = list(codes)
    extra: list[str] = []
    if _CES_CODES & set(codes):
        extra.append(EXTRA["cauda_equina"])
    extra += [EXTRA[c] for c in codes if c in EXTRA]
    base = {
        "emergency_number": str(settings.emergency_number),
        "emergency_department": emergency_department(settings),
        "urgent_service": str(settings.urgent_service),
        "assistant_name": settings.assistant_name,
    }
    base["signs"] = _join([SIGN_PHRASES[c] for c in codes if c in SIGN_PHRASES])
    base["extra"] = _fill(" ".join(extra), base)
    base["precautions"] = " ".join(PRECAUTIONS[c] for c in codes if c in PRECAUTIONS)
    return base


def triage_message(level: str, codes: Iterable[str], settings: Settings) -> str:
    """The text shown first for a triage level ("" for none). ``codes`` are reason codes, any level."""
    codes = list(codes)
    if level == "none":
        return ""
    if level == "caution":
        template = settings.triage_caution_text or DEFAULT_CAUTION
        return _fill(template, _values(settings, codes))
    at_level = [c for c in codes if CODE_LEVEL.get(c) == level]
    if level == "emergency":
        template = settings.triage_emergency_text or DEFAULT_EMERGENCY
        return _fill(template, _values(settings, at_level))
    template = settings.triage_urgent_text or DEFAULT_URGENT
    text = _fill(template, _values(settings, at_level))
    precautions = " ".join(PRECAUTIONS[c] for c in codes if c in PRECAUTIONS)
    return f"{text} {precautions}".strip()


SAFETY_NET = (
    f"If you notice {EMERGENCY_SIGNS}, call {{emergency_number}} or go to {{emergency_department}} straight away."
)


def safety_net(settings: Settings) -> str:
    """One safety-netting line (NHS style) a pipeline can add to ordinary sciatica answers.

    Rules cannot recognise every way a person describes a red flag, so ordinary answers should still tell
    people which signs need emergency care (CKS: people often do not mention perineal numbness unless asked).
    """
    return _fill(
        SAFETY_NET,
        {"emergency_number": str(settings.emergency_number), "emergency_department": emergency_department(settings)},
    )


def localised(pack: LanguagePack, key: str, settings: Settings) -> str:
    """A message from a language file (``key``: a triage level or a message name), placeholders filled."""
    values = _values(settings, ())
    if pack.emergency_department:
        values["emergency_department"] = pack.emergency_department
    if str(settings.urgent_service) == REGIONS.get(settings.region.lower(), {}).get("urgent_service"):
        # the region's own wording, not a clinic's: say it in the reader's language when the file has it
        values["urgent_service"] = pack.urgent_services.get(settings.region.lower(), values["urgent_service"])
    return _fill(pack.messages[key], values)


def out_of_scope_message(kind: str, settings: Settings) -> str:
    text = {"service": SERVICE_REQUEST, "language": NOT_ENGLISH, "greeting": GREETING, "thanks": THANKS}.get(
        kind, OUT_OF_SCOPE
    )
    return _fill(text, {"assistant_name": settings.assistant_name})


def refusal_message(kind: str) -> str:
    return REFUSALS[kind]


__all__ = [
    "SIGN_PHRASES",
    "PRECAUTIONS",
    "REFUSALS",
    "triage_message",
    "out_of_scope_message",
    "refusal_message",
    "emergency_department",
    "safety_net",
]
