"""Scope, refusal and prompt-injection checks on the user's question.

* ``topic_scope``: is the question about sciatica, back or leg nerve pain, or massage (in, out, or unsure)?
* ``service_request``: asks us to find, book or price a service (or looks like advertising spam).
* ``refusal_kind``: asks for a dose / medicine choice, a diagnosis, or a personal treatment decision.
  NHS pages send people to a pharmacist for painkillers and give no doses (NHS Sciatica); a patient-facing
  tool that diagnoses or directs treatment is outside general education (FDA CDS guidance, 2022).
* ``strip_injection``: removes instructions aimed at the assistant ("ignore previous instructions").
"""

from __future__ import annotations

import re
from typing import Literal, Sequence

from ..question import is_follow_up
from .clauses import non_latin_share, fold_for_rules, straighten, strip_non_latin

RefusalKind = Literal["dosing", "diagnosis", "treatment_decision"]

_TOPIC = re.compile(
    r"\b(?:sciatic\w*|ciatica|ciática|ischias|sciatique|massag\w*|masseu\w*|therapist|physio\w*|chiropract\w*"
    r"|osteopath\w*|piriformis|glute\w*|buttocks?|hamstrings?|lumbar|lumbosacral|spine|spinal|vertebra\w*|discs?|disks?"
    r"|herniat\w*|bulg\w*|stenosis|cauda equina|radicul\w*|nerves?|legs?|thighs?|calf|calves|foot|feet|toes?|hips?"
    r"|numb\w*|tingl\w*|pins and needles|stretch\w*|foam roll\w*|tennis ball|trigger points?|myofascial|deep tissue"
    r"|swedish|shiatsu|reflexology|endorphins?|posture|spasms?|cramps?|backache|back ?pain|slipped disc|trapped nerve"
    r"|pinched nerve|red flags?|tailbone|coccyx|pelvi\w*|sacrum|sacral|si joint|groin|bum|bladder|bowels?"
    r"|(?<!blood )pressure|heat|ice|ice packs?|hot water bottle|heat packs?|sleep\w*|pillows?|mattress\w*|sit|sits"
    r"|sitting|stand(?:ing)?|walk\w*|bend\w*|lift\w*|cushions?|chairs?|desk|driv\w*|yoga|pilates|gym|swim\w*)\b"
    r"|\b(?:lower|upper|my|the|your|bad|sore|stiff) back\b|\bback (?:pain|ache|problems?|spasms?|injur\w*|hurts?|is)\b"
)

# Health words outside the assistant's domain: without a domain word, such a question is out of scope.
_OFF_DOMAIN = re.compile(
    # "hands-on" is the massage, not the hands ("what about the hands-on one?"; blind batch 22)
    r"\b(?:knees?|shoulders?|necks?|wrists?|elbows?|hands?(?![- ]on\b)|fingers?|headaches?|migraines?|tooth|teeth|toothache|dental"
    r"|eyes?|ears?|throat|stomach|tummy|acne|hair|covid|flu|colds?|coughs?|heartburn|asthma|allergy|allergies|rash"
    r"|period|periods|fertility|arthritis|gout|anxiety|depression|insomnia|diet|weight loss|blood pressure|cholesterol"
    r"|vaccin\w*|eczema|psoriasis)\b"
)
# General health and body words: a paraphrased question with these is given to retrieval, which decides.
_HEALTH = re.compile(
    r"\b(?:pain\w*|ach\w*|hurt\w*|sore\w*|muscles?|muscular|tissues?|circulation|blood (?:flow|supply)|oxygen"
    r"|nutrients?|stress\w*|relax\w*|tension|tense|tight\w*|flexib\w*|range of motion|mobility|move|moving|movement"
    r"|sessions?|treatments?|therap\w*|techniques?|symptoms?|sensations?|condition|heal\w*|inflamm\w*|hormones?"
    r"|endorphins?|cortisol|exercis\w*|posture|doctor|gp|physio\w*|relief|relieve|comfort\w*|body|bodies|nerve\w*"
    r"|injur\w*|recover\w*|rehab\w*|flare\w*|warning signs?|urgent|emergency|a&e)\b"
)
_SOCIAL = re.compile(
    r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks?|thank you|cheers|ta|bye"
    r"|goodbye|ok|okay)\b[\s!.,]*(?:there|very much|so much|a lot)?[\s!.]*$"
)

# Finding, booking or pricing a service, or advertising-style text (we never recommend or book providers).
_SERVICE = re.compile(
    r"\b(?:outcall|out-call|incall|in-call|escort\w*|happy ending|erotic|sensual|nuru|tantric|body to body|b2b)\b"
    # (not a booking supposed: "If we book the same therapist, will she just do the same routine"; blind batch 37)
    r"|(?<!if we )(?<!if i )(?<!when we )(?<!when i )(?<!once i )(?<!once we )"
    r"\b(?:recommend|suggest|find|book|reserve|hire|locate)\b.{0,40}\b(?:service|parlou?r|spa|shop|salon|place|business"
    r"|company|clinic|therapists?|masseu\w*|near me|nearby|in my area)\b"
    # finding a named kind of practitioner ("how do I find a decent RMT in Calgary? any names?"); "would you recommend
    # massage or physio?" stays a question about treatments
    r"|\b(?:find|locate|hire)\b.{0,40}\b(?:rmts?|physios?|physiotherapists?|osteopaths?|chiropractors?|practitioners?)\b"
    # "can u recommend a good RMT in toronto who actually knows sciatica stuff" (blind batch 18): one practitioner,
    # somewhere or someone; "would you recommend a physio or massage?" still compares treatments
    r"|\b(?:recommend|suggest)\b (?:me )?(?:a|an|any|some) (?:good |decent |great |local |reliable |proper )?(?:rmts?"
    r"|physios?|physiotherapists?|osteopaths?|chiropractors?|practitioners?|massage therapists?|masseu\w*)\b"
    r"(?= (?:in|near|around|who|that|at|round)\b)"
    r"|\bany names?\b.{0,30}\brecommend"
    # "Also anyone know a good therapist in South Auckland, Manurewa way?" (blind batch 36)
    # (asked, somewhere: not "someone recommended a therapist who ...", nor "do you know any therapists who say ...";
    # the fifteenth session's review)
    r"|\b(?:any ?one|any ?body|someone|somebody|you) (?:know|knows|recommend|recommends|suggest|suggests) (?:of )?(?:a|an"
    r"|any) (?:good |decent |great |local |reliable |proper )?(?:rmts?|physios?|physiotherapists?|osteopaths?"
    r"|chiropractors?|practitioners?|massage therapists?|therapists?|masseu\w*|clinics?|places?|spas?)\b"
    r"(?= (?:in|near|around|round|at|up|down)\b)"
    # "near me" asks for a place ("any good physio near me?"), unless the place is only where a claim was read ("a day
    # spa near me says their program is guaranteed safe"; blind batch 7)
    # ... or where a place is only the setting ("the spa near me has ten massages on the menu"; blind batch 11)
    r"|\bnear me\b(?!,? (?:says?|said|claims?|claimed|told|tells|reckons?|advertis\w*|promis\w*|offers? (?:a|an|their)"
    r"|has|had|lists?|listed|does|did|sells?|do(?!\s+(?:sciatica|massage))\b))"
    r"|\b(?:massages?|spas?|clinics?|therapists?|parlou?rs?|places?|services?|shops?|salons?) (?:\w+ )?"
    r"(?:nearby|in my area|around here)\b|\b(?:open (?:late|now|today|tonight|24)|24 ?(?:hours?|hrs?|/7)|late[- ]night)\b"
    r"|\b(?:phone number|call me|whatsapp|kakao\w*|telegram|line id|wechat)\b"
    # (a gift card had, not asked about: "Sister Loretta gave me a gift card for a massage ... Do I need to check with my
    # doctor before I go"; blind batch 37)
    r"|\b(?:insurance|reschedul\w*|opening hours|parking|price list|refund)\b"
    r"|\b(?:buy|sell|sold|use|redeem|purchase|order|get) (?:a |an |my |the |your )?gift (?:card|voucher)s?\b"
    r"|\bgift (?:card|voucher)s?\b (?:\w+ ){0,3}(?:available|for sale|online|expire\w*|balance)\b"
    # a service at home, or asking what the clinic offers ("do u do home visits", "any evening appointments?")
    r"|\b(?:home visits?|home service|house calls?|mobile (?:massage|therapists?|service)|come (?:out )?to (?:my|the|our)"
    r" (?:house|home|place))\b|\bdo (?:you|u|ya|y'all) (?:do|offer|have|take)\b.{0,30}\b(?:appointments?|visits?|bookings?"
    r"|slots?|vouchers?|discounts?|walk-?ins?)\b"
    # ("how much does an RMT charge for an hour ...?"; blind batch 35)
    r"|\bbook (?:an? |my )?(?:appointment|session|slot)|\bcan i book\b|\bhow much (?:does|do|is) (?:a|an|one|the|your|it)\b"
    r".{0,30}\b(?:cost|charge|price)"
    # "how much does a remedial massage for sciatica go for in hobart these days" (blind batch 32)
    r"|\bhow much (?:does|do|would|will|should|is|are) (?:\w+ ){0,7}(?:go for|set (?:me|you|us) back|run (?:me|you|us))\b"
    r"|\bwhat (?:does|do|would|will) (?:a|an|one|the) (?:\w+ ){0,3}(?:massage|session|appointment|treatment|hour)s? (?:\w+ ){0,3}"
    r"go for\b"
    r"|\b(?:what(?:'s| is| are| would be)|whats|typical|average|usual|going|roughly|ballpark) (?:the |a )?(?:price|cost|fee"
    r"|charge|rate)s? (?:of|for) (?:a |an |one |the )?(?:\w+ ){0,3}(?:massage|session|appointment|treatment)s?\b"
    # tipping the therapist ("do u tip the massage therapist if its at a physio clinic"; blind batch 32), not "tips for"
    r"|\b(?:do|should|would|must) (?:you|u|i|people|we|ya) (?:\w+ )?tip\b|\btipping\b|\bgratuit(?:y|ies)\b"
    r"|\btip (?:the|my|your|a|our) (?:massage |remedial |sports )?(?:therapist|masseu\w*|rmt|physio|lady|guy)\b"
    # checking a practitioner's registration: "How do I check that a massage therapist is properly registered before I
    # book ...? Is there like a list somewhere?" (blind batch 34)
    # (asked how, not told: "I make sure my therapist is fully insured" is the asker's habit; the third round)
    r"|\b(?:how|where) (?:do|can|would|should|could) (?:i|you|we|one) (?:\w+ ){0,2}(?:check|verify|look up|find out|know|tell)"
    r"\b (?:\w+ ){0,5}(?:is|are|'s) (?:properly |actually |really |fully )?(?:registered|accredited|licensed|licenced"
    r"|certified|insured)\b"
    r"|\b(?:register|directory|database) of (?:\w+ )?(?:registered |accredited |licensed |certified )?(?:massage "
    r"|sports )?(?:therapists?|masseu\w*|rmts?|physios?|practitioners?)\b"
)

_DRUG = (
    r"ibuprofen|nurofen|advil|motrin|paracetamol|acetaminophen|tylenol|panadol|aspirin|naproxen|aleve|naprosyn|diclofenac"
    r"|voltaren|voltarol|codeine|co-?codamol|co codamol|dihydrocodeine|tramadol|gabapentin|neurontin|pregabalin|lyrica"
    r"|amitriptyline|nortriptyline|duloxetine|cymbalta|diazepam|valium|cyclobenzaprine|flexeril|methocarbamol|baclofen"
    r"|tizanidine|oxycodone|oxycontin|morphine|hydrocodone|vicodin|percocet|fentanyl|prednisolone|prednisone"
    r"|dexamethasone|celecoxib|meloxicam|etoricoxib|nsaids?|painkillers?|pain killers?|pain ?relief|medication|medicines?"
    r"|meds|pills?|tablets?|capsules?|muscle relaxants?|opioids?|anti-?inflammator\w*|cbd|steroid tablets"
)
# "wich way dose the siatic nerv actualy go??" (a dyslexic writer; blind batch 22): "dose" before a subject is "does"
_DOSE_FOR_DOES = re.compile(
    r"\bdose(?= (?:the|it|this|that|my|your|a|an|massage|sciatica|he|she|they|everyone|anyone|one)\b)", re.IGNORECASE
)
_DOSING = re.compile(
    r"\b(?:dose|doses|dosage|dosing|overdose|milligrams?|mcg|max(?:imum)? (?:dose|amount|daily))\b|\b\d+ ?mg\b"
    rf"|\bhow (?:much|many|often)\b(?: \w+){{0,4}} (?:{_DRUG})\b|\b(?:{_DRUG})\b.{{0,40}}\bhow (?:much|many|often)\b"
    rf"|\b(?:can|could|should|may|shall) (?:i|we|you) (?:\w+ )?(?:take|have|use|mix|combine|double|up|increase|stop"
    rf"|come off|keep taking|start|swap|switch)\b(?: \w+){{0,3}} (?:{_DRUG})\b"
    rf"|\b(?:is it|it is|is|are) (?:\w+ )?(?:ok|okay|safe|fine|alright|dangerous|bad) (?:\w+ )?(?:to )?(?:take|mix|use"
    rf"|combine|stop)\b(?: \w+){{0,3}} (?:{_DRUG})\b"
    # "he says rest is the best medicine" is a saying, not a question about medicines (blind batch 19)
    rf"|\b(?<!rest is the )(?<!laughter is the )(?:what|which|best|strongest|good|better) (?:(?!than\b)\w+ )?(?:painkillers?|pain killers?"
    rf"|medication|medicines?|meds|drugs?|pills?|tablets?|pain ?relief)\b(?! (?:for massage|than massage))"
    rf"|\b(?:{_DRUG})\b (?:and|with|or) (?:{_DRUG})\b.{{0,30}}\b(?:together|same time|at once|mix)"
    rf"|\bprescribe\b|\bgive me (?:a |some )?(?:prescription|the (?:max|dose))"
    # taking more of a named medicine: "doctor give me gabapentin 300. if pain very bad I can take two together?" (blind
    # batch 34); not the strength alone ("I take clopidogrel and aspirin 75, is massage ok?": the review)
    # (not "have two shorter massages" or "have more than one massage a week" beside the pills: the third round)
    rf"|\b(?:{_DRUG})\b.{{0,80}}\b(?:take|have|swallow|pop) (?:two|2|three|3|more|another|extra|double|an extra|a second"
    rf"|both)\b(?!(?: \w+){{0,3}} (?:weeks?|days?|months?|years?|sessions?|massages?|minutes?|mins?|hours?)\b)"
)
_CONDITION = (
    r"sciatica|piriformis(?: syndrome)?|a slipped disc|slipped disc|a (?:herniated|bulging|prolapsed) dis[ck]|herniated"
    r" dis[ck]|cauda equina|stenosis|arthritis|cancer|a tumou?r|a trapped nerve|a pinched nerve|a blood clot|dvt"
    r"|\w+ syndrome|something (?:else|serious|wrong)"
)
_DIAGNOSIS = re.compile(
    rf"\b(?:do|could|might|would|can) i (?:have|be suffering from|be getting)\b(?! to) (?:\w+ )?(?:{_CONDITION})"
    rf"|\bhave i got (?:\w+ )?(?:{_CONDITION})|\bam i (?:suffering from|getting) "
    # "is that what sciatica feels like?" asks what it feels like (blind batch 19)
    # "what exactly is this sciatica?" asks what it is (blind batch 30)
    rf"|(?<!what )(?<!what exactly )(?<!what actually )\bis (?:it|this|that|my \w+(?: \w+)?) (?!always|usually|ever|normally|often|sometimes|typically|generally|what\b"
    # "is that (used) for something else?" asks what a technique is for, not what the asker has (blind batch 16)
    rf"|mostly|commonly|mainly|for\b|used for|meant for|just for|only for)(?:\w+ )?(?:{_CONDITION})\b"
    # "is this sciatica a rare disease?" asks about sciatica, not whether the asker has it (blind batch 21)
    r"(?! (?:a|an|some|something|serious|dangerous|rare|common|contagious|hereditary|genetic|curable|permanent|thing|stuff"
    r"|business)\b)"
    r"(?:.{0,30}\bor\b)?"
    r"|\bwhat(?:'s| is) wrong with (?:me|my)\b|\b(?:can|could|will|would) you (?:please )?diagnos\w*"
    r"|\bplease diagnos\w*|\bdiagnos\w* (?:me|my|what|this|whether|if)\b"
    # "will massage fix what is causing my sciatica?" asks about massage, not for a diagnosis (blind batch 14)
    r"|(?<!fix )(?<!fixes )(?<!treat )(?<!treats )(?<!cure )(?<!cures )(?<!correct )(?<!sort )(?<!sorts )(?<!address )"
    r"\bwhat(?:'s| is) causing (?:my|this|it)\b"
    r"|\bwhy (?:is|are) my \w+ (?:\w+ )?(?:hurting|numb|tingling)\b"
    r"|\b(?:read|interpret|explain|look at|check|analy[sz]e|review|understand)\b.{0,30}\b(?:mri|scans?|x-?rays?|ct|report"
    r"|results?|blood tests?)\b|\bmy (?:mri|scan|x-?ray|ct scan|report|results?)\b.{0,60}\b(?:mean|means)\b"
    # what the scan says, asked about: "my MRI says L4-L5 bulge, is that bad?"; told before another ask, it is not ("My MRI
    # shows a herniated disc. The therapist says she can fix the cause. Is this true?"; blind batch 32)
    r"|\bmy (?:mri|scan|x-?ray|ct scan|report|results?)\b.{0,60}\b(?:says?|said|shows?|showed)\b(?=.{0,80}\b(?:mean|means"
    r"|meaning|bad|serious|normal|worr\w*|explain|what (?:is|are) (?:a|an|that|those|they)|dangerous|permanent|surgery)\b)|\bhere(?:'s| is) my (?:mri|scan|x-?ray|report|results?)\b|\bwhat does (?:my|this|the) (?:mri|scan"
    r"|x-?ray|report|result)"
)
_TREATMENT_DECISION = re.compile(
    r"\b(?:should|do|must) i (?:get|have|go for|book|consider|need|agree to|go ahead with)? ?(?:an? |the |my )?(?:steroid"
    r"|epidural|injection|surgery|operation|discectomy|microdiscectomy|fusion|laminectomy|mri|scan|x-?ray)"
)

# Instructions aimed at the assistant. Removed from the retrieval query; they never change the decision.
_INJECTION = re.compile(
    r"<!--.*?-->|\[/?(?:inst|system)\]|<\|[^>]*\|>"
    r"|\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?\b(?:instructions?|rules?|prompts?|guidelines?"
    r"|polic(?:y|ies)|restrictions?|safety|previous|above|everything)\b[^.!?\n]*?(?:[.!?\n]|,|\band\b|$)"
    r"|\b(?:you are now|from now on you|act as|pretend (?:you(?:'re| are)|to be)|roleplay as|you're now)\b[^.!?\n]*?"
    r"(?:[.!?\n]|\band\b|$)"
    r"|\b(?:system|developer|admin)\s*(?:prompt|mode|message|override)?\s*:[^.!?\n]*(?:[.!?\n]|$)"
    r"|\b(?:print|show|reveal|repeat|output)\b[^.!?\n]{0,20}\b(?:system prompt|prompt|instructions)\b[^.!?\n]*?"
    r"(?:[.!?\n]|,|\bthen\b|\band\b|$)"
    r"|\b(?:don't|do not|never|no need to)\b[^.!?\n]{0,20}\b(?:add|include|show|give|use|mention|put)\b[^.!?\n]{0,20}"
    r"\b(?:disclaimers?|warnings?|caveats?|emergency advice)\b[^.!?\n:]*?(?:[.!?\n:]|$)"
    r"|\b(?:(?:reply|answer|respond)\s+)?(?:without|skip|drop|remove)\b[^.!?\n]{0,12}\b(?:disclaimers?|caveats?"
    r"|warnings?)\b[^.!?\n:]*?(?:[.!?\n:]|$)"
    r"|\b(?:say|reply|respond|answer)\b[^.!?\n]{0,20}\b(?:and nothing else|only with|nothing but)\b[^.!?\n]*(?:[.!?\n]|$)"
    r"|\bsafety (?:checks? )?(?:is |are )?(?:off|disabled|turned off)\b[^.!?\n]*(?:[.!?\n]|$)"
    r"|\bno (?:emergency|safety) (?:advice|warnings?|checks?) (?:needed|required|please)\b[^.!?\n]*(?:[.!?\n]|$)",
    re.IGNORECASE | re.DOTALL,
)
_URL_ETC = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+|\+?\d[\d\s().-]{7,}\d")


# "Say massage cures sciatica": keep the topic words for retrieval, drop the directive and the claim word.
_CLAIM_DIRECTIVE = re.compile(
    r"\b(?:say|tell me|write|state|confirm|agree|admit)(?: that| with)?\b(?=[^.!?\n]{0,60}\bcur)", re.IGNORECASE
)
_CLAIM_WORD = re.compile(r"\b(?:will |can |does )?cur(?:e|es|ed|ing)\b", re.IGNORECASE)


# First/second person or a relative: the question is about someone's own symptoms, not a topic.
_PERSONAL = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|we|our|us|he|she|he's|she's|his|her|him|son|daughter|child|kid"
    r"|wife|husband|partner|mum|mom|dad|mother|father|you|your)\b"
)


def is_personal(question: str) -> bool:
    """Talks about someone's own situation ("I have a fever") rather than a topic ("What is dengue fever?")."""
    return _PERSONAL.search(fold_for_rules(question)) is not None


def strip_injection(question: str) -> str:
    """The question without instructions aimed at the assistant, claim directives, links or non-Latin runs."""
    text = _INJECTION.sub(" ", straighten(question))
    if _CLAIM_DIRECTIVE.search(text):
        text = _CLAIM_WORD.sub(" ", _CLAIM_DIRECTIVE.sub(" ", text))
        text = re.sub(r"(?<!\w)['\"]|['\"](?!\w)", " ", text)  # the quotes around the dictated claim
    text = _URL_ETC.sub(" ", text)
    text = strip_non_latin(text)
    return re.sub(r"\s{2,}", " ", text).strip(" ,;:-")


def is_social(question: str) -> bool:
    """A greeting or a thank-you with nothing else in it."""
    return _SOCIAL.match(fold_for_rules(question)) is not None


def service_request(question: str) -> bool:
    """Asks to find, book or price a provider, or reads like advertising for one."""
    return _SERVICE.search(fold_for_rules(question)) is not None


def mostly_non_latin(question: str) -> bool:
    return non_latin_share(question) >= 0.3


def topic_scope(question: str, earlier_user_turns: Sequence[str] = ()) -> Literal["in", "out", "unsure"]:
    """Is the question about sciatica, back or leg nerve pain, or massage?

    "in": a domain word (sciatica, massage, back, leg ...); or general health words with no health word from
    another domain; or a follow-up in a conversation that was in scope. "out": a health word from another
    domain (knee, migraine ...) and no domain word. "unsure": neither; the pipeline then decides by meaning
    (how close the question is to the curated passages), so "should I just stay in bed until it settles?"
    is answered without a topic keyword.
    """
    norm = fold_for_rules(question)
    if _TOPIC.search(norm):
        return "in"
    if _OFF_DOMAIN.search(norm):
        return "out"
    if _HEALTH.search(norm):
        return "in"
    if is_follow_up(norm):
        if any(_TOPIC.search(fold_for_rules(t)) or _HEALTH.search(fold_for_rules(t)) for t in earlier_user_turns):
            return "in"
    return "unsure"


# Asking whom to ask ("whom should I ask about which painkiller suits me?") is answered by the articles ("A
# pharmacist can advise you on painkillers"); only a named dose ("300mg", "max dose") stays refused in it.
_WHO_TO_ASK = re.compile(
    r"\bwhom?(?: else)? (?:should|can|could|do|would|shall) (?:i|we|you|my \w+) (?:\w+ )?(?:ask|see|talk to|speak to"
    r"|go to|check with|turn to)\b|\bwho(?: else)? (?:can|could|should|would|will) (?:tell|advise|help|show) (?:me|us|him|her)\b"
    # "can I just ask the chemist what painkillers to take?" asks whom to ask (blind batch 17)
    r"|\b(?:can|could|should|shall) (?:i|we|he|she) (?:just |simply )?(?:ask|see|check with|talk to|speak to) (?:the |a |my "
    r"|our |his |her )?(?:local )?(?:chemist|pharmacist|pharmacy|gp|doctor|dr)\b"
    # "who is the right person to ask about which painkiller to use"; "who am I supposed to ask about that then" (blind
    # batch 25)
    r"|\bwho(?:'s| is| would be) (?:the )?(?:right|best|correct|proper) (?:person|people|one) to (?:ask|see|talk to|speak to)\b"
    r"|\bwho (?:am i|are we|is he|is she) (?:supposed|meant) to (?:ask|see|talk to|speak to)\b"
)
# Whether a massage therapist can diagnose ("she says she can tell me what's causing my sciatica just by feeling my
# back ... can massage therapists actually diagnose it?"; blind batch 18) asks who can, not for a diagnosis: what the
# therapist claims is set aside before the diagnosis check; the asker's own "is it sciatica or a disc?" still counts
_CAN_THEY_DIAGNOSE = re.compile(
    r"\b(?:can|could|are|do|should) (?:a |the |my )?(?:massage therapists?|masseu\w*|therapists?|rmts?|masseurs?)"
    r" (?:\w+ ){0,2}(?:diagnos\w*|qualified to diagnos\w*|allowed to diagnos\w*)"
)
_THEIR_CLAIM = re.compile(
    r"\b(?:she|he|they|the therapist|my therapist|the masseu\w*)(?: \w+){0,2} (?:says?|said|claims?|reckons?|can|could"
    r"|will)\b[^.?!]*"
)
# (to the end of its own clause: "..., because I need to know: is my leg pain from a slipped disc or not?" still asks)
# (... unless it goes on to ask which the asker has: "diagnose whether it's sciatica or a slipped disc that I have")
_THEY_DIAGNOSE = re.compile(
    _CAN_THEY_DIAGNOSE.pattern
    + r"(?![^.?!]*\b(?:whether|if|which|what)\b[^.?!]*\b(?:i have|i've got|i've|have i|i'm|i am)\b)[^.?!,:;]*"
)
_NAMED_DOSE = re.compile(r"\b(?:dose|doses|dosage|overdose|milligrams?|mcg)\b|\b\d+ ?mg\b")


def refusal_kind(question: str) -> RefusalKind | None:
    """What kind of personal medical advice the question asks for, if any."""
    norm = _DOSE_FOR_DOES.sub("does", fold_for_rules(question))
    if _WHO_TO_ASK.search(norm) and not _NAMED_DOSE.search(norm):
        return None
    if _DOSING.search(norm):
        return "dosing"
    # (what a therapist may diagnose is asked about, not asked for: "are massage therapists qualified to diagnose my hips
    # being out?"; found in the fourteenth session)
    if _DIAGNOSIS.search(
        _THEY_DIAGNOSE.sub(" ", _THEIR_CLAIM.sub(" ", norm)) if _CAN_THEY_DIAGNOSE.search(norm) else norm
    ):
        return "diagnosis"
    if _TREATMENT_DECISION.search(norm):
        return "treatment_decision"
    return None


__all__ = [
    "RefusalKind",
    "strip_injection",
    "is_personal",
    "is_social",
    "service_request",
    "mostly_non_latin",
    "topic_scope",
    "refusal_kind",
]
