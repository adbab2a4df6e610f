"""Read the question before retrieval: spelling, lay terms, follow-ups, parts and intent. Pure.

A :class:`Reading` holds the texts the question is embedded as (``readings``), the text of the keyword
search (``keywords``), the separate parts of a two-part question, and whether it asks about evidence
("does massage actually work?", "any proof?", "does it fix the cause?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import Lexicon
from .number_asks import asks_how_long_the_pain, asks_session_length, number_ask
from .plain_asks import MASSAGE_WORD, NAMED_EFFECT, STYLE_READING, plain_asks, style_ask_part
from .spelling import Speller
from .text import content_terms
from .topics import TopicGate

# A follow-up leans on the previous turn: it opens with a connective or a bare question word ("how often?",
# "is it safe?"), or points back with a pronoun. Used to read the question and to judge its scope.
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|so|or|then|what about|how about|what else|which one|same|ok|okay|how often|how long"
    r"|how many|which|why|when|is it|is that|are they|can i|should i|will it|would it|does it|do they)\b"
    r"|\b(?:it|it's|its|that|this|those|these|they|them|their|one|ones|there|the other|either|both)\b"
    # "wat sort of side effects tho, anythin bad?" (blind batch 19): a "though" after the ask answers the last turn
    r"|\b(?:tho|though)\b[\s,.!?]",
    re.IGNORECASE,
)

# Asking whether massage works, for proof, or whether it fixes the cause: answered from the evidence first.
_EVIDENCE = re.compile(
    r"\b(?:proof|prove[nd]?|evidence\w*|research\w*|stud(?:y|ies|ied)|trials?|scien\w*|legit|placebo|guidelines?"
    r"|nice|cochrane|bs|snake oil|hype|myth|actually (?:help|work)\w*|really (?:help|work)\w*|even (?:help|work)\w*"
    r"|(?:does|do|will|would|can) (?:massage|it|they) (?:\w+ )?work|worth (?:it|a go|a try|trying|the money|doing)"
    r"|waste of (?:money|time)|cur(?:e|es|ed|ing)|corrects? the cause|root cause|underlying cause"
    r"|(?:fix|fixes|sort|sorts|treat|treats|solve|solves) (?:out )?(?:the |my |its )?(?:actual |real |root |underlying )?"
    r"(?:cause|problem|issue)|mask\w*|just (?:temporary|short[- ]term|for a bit)"
    # "has anyone actually demonstrated that, or is it a marketing line?" (blind batch 25)
    r"|demonstrated|marketing|backed (?:up )?by"
    r"|(?:been|anyone|anybody|ever|they) shown"
    # "... flushes the toxins out of the nerve ... real or nah" (blind batch 33)
    r"|real or (?:nah|not|fake|no|bs|cap)|true or (?:false|not)|fact or fiction|is (?:that|this) (?:even )?(?:true|real|a thing))\b",
    re.IGNORECASE,
)

# Asking which kind of massage ("best type of massage for my sciatic?", "what massage should I ask for?"): a
# specific question even though its words are only "massage" and "sciatica"
_KIND = re.compile(
    r"\b(?:type|kind|sort|style|form|technique|method)s? of (?:\w+ )?massage|\b(?:which|what) (?:\w+ )?massages?\b"
    r"(?! (?:does|do|can|will|would|is|are|help|works?)\b)|\bmassage (?:type|technique|style|method)s?\b",
    re.IGNORECASE,
)

# Where a question has two asks: "...? And ...", "..., and is/does/can ...", "... or should I ...".
_SPLIT = re.compile(
    r"(?<=\?)\s+(?=\S)"
    r"|[,;]?\s+(?:and|also|plus|but|\+|&)\s+(?=(?:(?:roughly|approximately|about|also|just|then|so|generally|usually)\s+)?"
    # "... and can't do the school run" tells; "and can I ..." asks
    # "..., and am I even entitled to sick pay?" (blind batch 28)
    r"(?:is|are|am|does|do|did|can|could|should|would|will|what|whats|how|hows|which|who|whos|where|when|why|if|i'd|i)\b"
    r"(?!['’]t\b))"
    # "or do they ..." offers the other answer to the same question ("do they give everybody the same routine or do
    # they work out something for you?"; blind batch 27), so "do" does not split; nor does "or is it ..." without a
    # comma before it ("is sciatica a thing in itself or is it more a sign of something else?"; blind batch 29), while
    # ", or is it cheaper to see a physio?" still asks something new
    r"|,?\s+or\s+(?=(?:should|would|could|can)\s+(?:i|we|it|you|they|he|she)\b)"
    r"|,\s+or\s+(?=(?:is|are)\s+(?:i|we|it|you|they|he|she)\b)"
    # "is it normal to get pins and needles down one leg, or is that something else?" (blind batch 20)
    r"|,\s+or\s+(?=is\s+(?:that|this)\s+(?:something|a sign|another|more|serious)\b)",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
# a sentence that asks: it ends with "?" or opens like a question, a preposition before the question word too ("At
# what point do I actually go get it looked at by a doc" without a question mark; blind batch 26)
_ASKS = re.compile(
    r"\?\s*$|^\s*(?:(?:at|in|by|for|from|to|with|after|until|till) (?=what|which|how|when|whom))?"
    r"(?:is|are|does|do|did|can|could|should|would|will|what|how|which|who|whom|where|when|why|any|anyone"
    # chat spellings and "am I" ("whats a good mattress for sciatica", "am I entitled to statutory sick pay"; blind
    # batches 9 and 39)
    r"|whats|hows|wheres|whos|am(?= i\b)"
    # (not "Can't sit more than twenty minutes.", which tells: blind batch 42)
    r"|has|have)\b(?!['’]t\b)",
    re.IGNORECASE,
)
# a word that points back at what was said before ("I had an epidural. Does it wear off?"); unlike _FOLLOW_UP, a
# question word opening the sentence ("Which massage techniques help?") does not lean on the scene
# ("is there really research...?" points at nothing: an existential "there" is left out; blind batch 19)
_POINTS_BACK = re.compile(
    # "What's the difference between 'em" (blind batch 28)
    r"\b(?:it|it's|its|that|this|those|these|they|them|their|one|ones|(?<!is )(?<!are )(?<!was )(?<!were )there)\b"
    r"|(?:'|\b)em\b"
    # a bare "after" at the end of the ask: "My brother will have microdiscectomy operation ... How many weeks he will
    # be off work after?" (blind batch 34)
    r"|\b(?:after|afterwards|afterward)\W*$",
    re.IGNORECASE,
)
# a test named as the source of a finding ("MRI report says L5/S1 disc herniation", "the x-ray showed..."): the
# finding is what is asked about, not the test
_REPORTED_BY = re.compile(
    r"\b(?:mri|ct|x-?rays?|scans?|ultrasound|nerve conduction (?:study|test)|emg)(?: scan)?(?: reports?| results?)?"
    r" (?:says|said|shows?|showed|shown|found|came back|confirm\w*|reveal\w*)\b",
    re.IGNORECASE,
)
# a topic set aside by the asker is not asked about: "ok nvm the price na. but is that type even ok for my leg?"
# after a price question (blind batch 21)
_DISMISSED = re.compile(
    r"\b(?:nvm|nevermind|never ?mind|forget(?: about)?|scratch|leave aside|ignore)(?: about)?(?: the| my| that)?"
    r" \w+(?: \w+)?(?= *(?:[.,;!?]|na\b|then\b|for now\b|lol\b|$))",
    re.IGNORECASE,
)
# a treatment the asker does not want is not asked about: "no needles, no injections, no knife. is the hands-on rubbing
# option a gentle one?" (blind batch 22)
_TREATMENTS = (
    r"(?:\w+ )?(?:needles?|injections?|jabs?|shots?|surgery|operations?|knife|knives|cutting|drugs|pills|tablets|meds"
    r"|medication|painkillers|epidurals?|steroids?)"
)
_REFUSED = re.compile(
    r"\b(?:no|without|avoid(?:ing)?|(?:don't|do not|dont) want(?: any| an| a)?|rather not(?: have)?"
    # ... or one they fear: "I fear operations and injections very much" (blind batch 26)
    r"|(?:i )?(?:fear|am afraid of|afraid of|scared of|frightened of|terrified of|hate|can't stand|cannot stand))"
    rf"(?: any| more| all)? {_TREATMENTS}(?:(?:,| and| or| &|, and|, or) {_TREATMENTS})*\b",
    re.IGNORECASE,
)
# a greeting or filler word before an ask
_OPENER = re.compile(r"^(?:(?:hi|hello|hey|hiya|ok|okay|so|also|and|um|well|right|quick question)\b[\s,!.:;-]*)+", re.I)
_WH_WORD = re.compile(r"\b(?:what|which|how|why|when|where|who)\b", re.I)
# markup is never part of what is asked ("Does massage help? <script>alert(1)</script>"): a script or style
# element goes whole, any other tag leaves its text
# voice typing that wrote the punctuation out: "what does it feel like comma is it just pain question mark" (blind
# batch 18). Only the unambiguous names ("period" is left alone: it is also a word patients use)
_SPOKEN = (
    (re.compile(r"\s+comma\s+", re.IGNORECASE), ", "),
    (re.compile(r"\s+question mark\b", re.IGNORECASE), "?"),
    (re.compile(r"\s+full stop\b", re.IGNORECASE), "."),
    (re.compile(r"\s+exclamation (?:mark|point)\b", re.IGNORECASE), "!"),
)


def spoken_punctuation(text: str) -> str:
    """``text`` with punctuation that voice typing spelled out ("comma", "question mark", "full stop") written."""
    for pattern, mark in _SPOKEN:
        text = pattern.sub(mark, text)
    return text


# A topic word naming a person, not the topic asked about: "my gym buddy reckons massage flushes toxins out of the nerve,
# real or nah?", "my yoga teacher says ..." (the thirteenth session, from blind batch 33's wording)
_TOPIC_AS_PERSON = re.compile(
    r"\b(?:gym|yoga|pilates|crossfit|swimming|running|cycling|golf|tennis|football|rugby)"
    r" (?:buddy|buddies|friend|friends|mate|mates|teacher|instructor|coach|bro|pal|partner|girlie|guy|lady)\b"
    # ... or met there: "my guy at the gym anasema massage makes endorphins ..." (blind batch 34)
    # (not a trainer, a coach or an instructor there, who is the service asked about: the third round of the review)
    r"|\b(?:buddy|buddies|friend|friends|mate|mates|bro|pal|partner|guy|lady|bloke|fella|dude"
    r"|lads?|girls?|someone|somebody|people|everyone) (?:at|from|down|in) (?:my |the |our )?(?:gym|yoga"
    r"|pilates|crossfit|swimming pool|pool|running club|golf club|tennis club|football|rugby club)\b",
    re.IGNORECASE,
)
# Emoji say how the asker feels, not what they ask, and pull the embedding away from every passage: "... flushes the
# toxins out of the nerve 🧘‍♀️✨ ... 🤔 real or nah 😅" matched no sentence (blind batch 33)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u200d\ufe0f\u2b50\u2b55\u2705\u274c]+")
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Reading:
    question: str  # the question as the safety stage passed it (injections removed)
    corrected: str  # spelling corrected
    canonical: str  # corrected, with lay phrases in the articles' words
    context: str  # the previous user question, for a follow-up; "" otherwise
    parts: tuple[str, ...]  # the asks of a two-part question (each corrected); () for one ask
    evidence: bool  # asks whether massage works / for proof / about fixing the cause
    keywords: str  # text for the keyword (BM25) search: question, its canonical form, lexicon terms
    absent_topics: tuple[str, ...] = ()  # domain topics it asks about that no article mentions (topics.py)
    scene_topics: tuple[str, ...] = ()  # such topics named only where the question sets the scene (see below)
    part_absent: tuple[tuple[str, ...], ...] = ()  # the same for each of ``parts``
    number: str = ""  # the kind of number it asks for ("how often?", "how many sessions?"; number_asks.py)
    kind: bool = False  # asks which kind of massage (never a generic "does massage help?" question)
    canonical_parts: tuple[str, ...] = ()  # each of ``parts`` in the articles' words (lexicon), as embedded
    context_subject: str = ""  # what the previous question was about ("what causes sciatica?" -> "sciatica")
    lasting: bool = False  # asks how long a massage's easing of the pain lasts (``asks_lasting``)
    plain_asks: tuple[str, ...] = ()  # what it asks, in plain words, where its own words mislead (``plain_asks``)

    @property
    def part_texts(self) -> tuple[str, ...]:
        """The text to embed for each part: its articles'-words form ("should I rest up in bed or keep going" ->
        "... bed rest ... staying active"). Embedding the part as written as well (scoring by the closer) was
        measured: one more first quote in 470, for 5 ms more at p95. Not worth it."""
        return self.canonical_parts if len(self.canonical_parts) == len(self.parts) else self.parts

    @property
    def readings(self) -> tuple[str, ...]:
        """The texts to embed for the whole question: its corrected, articles'-words form, and for a follow-up
        that form read after what the previous question was about (``context_subject``). (Embedding the question as typed as well changed no
        answer on the tuning half and cost one more embedding.)"""
        texts = [self.canonical or self.question]
        if self.context:
            texts.append(f"{self.context_subject or self.context} {self.canonical}")
        if self.lasting:  # read as what it asks, in plain words (the answer match reads the last reading)
            texts.append(LASTING_READING)
        texts.extend(self.plain_asks)
        return tuple(dict.fromkeys(t for t in texts if t.strip()))


def asks_something(part: str) -> bool:
    """The part asks a question ("how is massage meant to help?"), rather than telling ("need ammo to talk him
    round"). Markup and a greeting before the ask do not make it a statement."""
    bare = _OPENER.sub("", " ".join(_MARKUP.sub(" ", part).split()))
    return bool(_ASKS.search(bare) or _WH_WORD.search(bare))


def _asks_in(piece: str) -> bool:
    """Some sentence of ``piece`` asks something ("My husband wants to stay in bed. Is that a good idea")."""
    return "?" in piece or any(asks_something(s) for s in _SENTENCE_END.split(piece))


def answerable_parts(parts: tuple[str, ...], declined: tuple[bool, ...]) -> tuple[str, ...]:
    """The parts that still stand as questions once the ``declined`` ones are set aside: each must ask something
    ("how long does it last") and must not lean on a declined part before it ("Can you read my MRI? It says...")."""
    kept: list[str] = []
    for i, part in enumerate(parts):
        # only the part's first sentence can lean back: in "The therapist says she can fix the cause. Is this true?" the
        # "this" is the part's own claim, not the declined part before it ("My MRI shows a herniated disc."; blind batch 32)
        leans = i > 0 and declined[i - 1] and is_follow_up(_SENTENCE_END.split(part.strip())[0])
        if not declined[i] and asks_something(part) and not leans:
            kept.append(part)
    return tuple(kept)


def story_ask(question: str) -> str:
    """The last sentence of a story that asks something ("... still cant change the barrels in the cellar. when should
    i bother the gp with it" -> "when should i bother the gp with it"); "" for a question of one sentence, or when no
    sentence asks."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
    if len(sentences) < 2:
        return ""
    asks = [s for s in sentences if asks_something(s)]
    return asks[-1].strip() if asks else ""


def asks_evidence(question: str) -> bool:
    """Asks whether massage works, for proof, or whether it fixes the cause."""
    return bool(_EVIDENCE.search(question))


# How long a massage's easing lasts: "had a sports massage yday and it eased off loads. will it stay away now or is it
# just gonna creep back?"; "ok but how long that last then??" after "does massage actually help?" (blind batch 32). The
# evidence notes answer it ("Any pain relief from massage tends to be short-lived."), not how long sciatica lasts.
_LASTING = re.compile(
    r"\b(?:(?:it|that|this|the pain|the relief|the sciatica|the effect)\s+(?:will |would |to |going to |gonna )?"
    r"(?:stay|stays|keep|keeps) (?:away|gone)|creep(?:s|ing)? back|wear(?:s|ing)? off|wore off"
    r"|(?:how long|does it|will it|would it|do they|does that|will that) (?:\w+ ){0,6}lasts?"
    r"|(?:relief|effects?|benefits?|easing|results?)\b.{0,40}\blasts?)\b",
    re.IGNORECASE,
)


# ("how long does it take to recover?" asks about recovery, not about a massage's easing)
_HOW_LONG_IT_TAKES = re.compile(r"\bhow long (?:does|will|do|would|can|might|did) (?:it take|recovery)", re.IGNORECASE)
LASTING_READING = "how long does the pain relief from a massage last?"


def asks_lasting(question: str, context: str = "") -> bool:
    """Asks how long the easing from a massage lasts (the question or the one before it is about massage)."""
    # (how long a session lasts is another ask: "how long should each one last?")
    if (
        not _LASTING.search(question)
        or asks_how_long_the_pain(question)
        or _HOW_LONG_IT_TAKES.search(question)
        or asks_session_length(question)
    ):
        return False
    return bool(MASSAGE_WORD.search(question) or MASSAGE_WORD.search(context))


def asks_kind(question: str) -> bool:
    """Asks which kind of massage ("best type of massage for my sciatic?")."""
    return bool(_KIND.search(question))


_FOLLOW_UP_OPENER = re.compile(r"^\s*(?:and|but|so|or|then|what about|how about)\b", re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) and len(question.split()) <= 20


def opens_leaning_back(question: str) -> bool:
    """A longer message whose first sentence is a short ask that opens leaning on the turn before ("and if it hasn't
    by then? I'm on week seven now and still can't do a full day in the classroom"; blind batch 41). Only for the
    conversation: inside one message, "And another question. ..." starts a new ask (the review)."""
    first = _SENTENCE_END.split(question.strip(), maxsplit=1)[0]
    return len(first.split()) <= 8 and bool(_FOLLOW_UP_OPENER.search(first)) and asks_something(first)


# What a question can be about: the subjects of the articles' sections and the lay words for them. A follow-up is read
# after the subject of the question before it, not after all of it: "ok and where on the body does it normally hurt?"
# after "what causes sciatica?" asks about sciatica, not about its causes (blind batch 18). Read after the whole
# previous question, the follow-up's answer was crowded out by the previous answer: +14 eval answers, 4 lost, over
# 3,095 cases (README "Follow-ups").
SUBJECT_WORDS = frozenset(
    content_terms(
        "sciatica sciatic massage massages deep tissue swedish myofascial release trigger point stretching stretches "
        "herniated disc nerve therapist therapists physiotherapist physio stress anxiety pregnancy pregnant blood "
        "thinners circulation flexibility endorphins tension muscles imbalances pelvis surgery osteoporosis"
    )
)
# heading words that say nothing about the subject ("Improved ...", "... get help straight away")
_HEADING_FILLER = frozenset(
    content_terms(
        "improved increased reduction resolving comprehending introduction summary help straight away same day get "
        "what says about when see should wait adapted evidence"
    )
)


def subject_words(headings: Iterable[str]) -> frozenset[str]:
    """The subject vocabulary for a corpus: ``SUBJECT_WORDS`` and its section headings' own words."""
    return SUBJECT_WORDS | {t for h in headings for t in content_terms(h) if t not in _HEADING_FILLER}


def context_subject(previous: str, subjects: frozenset[str]) -> str:
    """The words of ``previous`` that name a subject (their first forms, in order), or "" when none does."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", previous)
    heads = {t[:5] for t in subjects}  # the stemmer leaves "stressed" -> "stress" but "stress" -> "stres"
    kept = [w.lower() for w in words if any(t in subjects or t[:5] in heads for t in content_terms(w) if len(t) > 3)]
    return " ".join(dict.fromkeys(kept))


# A follow-up asking only whether what was said before holds ("is she right tho?", "so he is right or wrong?", "ok so
# is that true or pura marketing?"; blind batches 27-29): the claim is the whole earlier question, not its subject
# words, so the follow-up is read after all of it
_VERIFIES = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|right|hmm+)\W+)*(?:(?:is|was|are) (?:she|he|they|that|this|it|all that)(?: \w+)?"
    r" (?:right|correct|true|wrong|telling the truth|legit)\b|(?:she|he|they|that|this|it) (?:is|was|are) (?:right|correct|true|wrong)\b)",
    re.IGNORECASE,
)


def previous_question(history: list[dict]) -> str:
    previous = [m["content"] for m in history if m.get("role") == "user" and isinstance(m.get("content"), str)]
    return previous[-1].strip() if previous else ""


# a sign-off after the last ask ("... any good meditation apps u would suggest? ty x"; blind batch 18) is not an ask
_SIGN_OFF = re.compile(
    r"(?:(?:ty|thx|thanks|thank you|thank u|cheers|ta|many thanks|much appreciated|appreciate it|x+|please|pls|plz|god bless"
    r"|bless)\W*(?:so much|a lot|very much|in advance)?\W*)+",
    re.IGNORECASE,
)


# The sceptic's other half of a question about a claim: "has anyone demonstrated that, or is it a marketing line?",
# "is that legit or is he codding me?" (blind batch 25) asks one thing, whether the claim holds; split off, the second
# half was named as a part the articles do not cover.
_SCEPTIC_ALTERNATIVE = re.compile(
    r"^(?:is|was|are) (?:it|that|this|he|she|they|all that)(?: \w+){0,3} (?:marketing|hype|myths?|nonsense|rubbish|bs|bull"
    r"|bullshit|bollocks|placebo|scams?|fluff|codding|a con|made up|anecdotes?|anecdotal|a line|talk|propaganda|woo"
    r"|snake oil|a (?:sales )?pitch|a gimmick|gimmicks?|having me on|pulling my leg|blowing smoke|lying|bluffing"
    r"|old wives'? tales?|pseudoscience|hokum|a fad|in my head"
    # "legit or is he having a lend of me?" (Australian English; blind batch 28)
    r"|having a lend|taking the (?:piss|mickey|mick)|winding me up|pulling a fast one"
    # "Has that ever actually been demonstrated, or is it just a nice story?" (blind batch 35)
    r"|(?:a |an )?(?:nice |good |pretty |feel-good |old )?(?:story|stories|tale|fairy ?tale|theory|sales talk|spiel"
    r"|wishful thinking))\b",
    re.IGNORECASE,
)


def split_parts(text: str) -> tuple[str, ...]:
    """The separate asks of ``text``; each must have at least three words, else one part."""
    pieces: list[str] = []
    for p in (p.strip(" ,;") for p in _SPLIT.split(text) if p and p.strip(" ,;")):
        if pieces and _SCEPTIC_ALTERNATIVE.search(p):
            pieces[-1] = f"{pieces[-1]} or {p}"
        else:
            pieces.append(p)
    pieces = [p for p in pieces if not _SIGN_OFF.fullmatch(p)] or pieces
    asks = [p for p in pieces if len(_WORDS.findall(p)) >= 3]
    return tuple(asks) if len(asks) >= 2 and len(asks) == len(pieces) else ()


_OWN_SUBJECT = re.compile(r"\b(?:sciatica|sciatic|massages?|the nerve|my (?:back|leg|nerve))\b", re.IGNORECASE)


_ELLIPTIC = re.compile(r"^\W*(?:(?:ok|okay|right|and|so|but)\W+)*(?:what|how) about\b|^\W*(?:and|but) for\b", re.I)


def _stands_alone(question: str) -> bool:
    """A follow-up that names its own subject and points back at nothing ("fair enough. what kind of massage should I
    ask for?" after a question about insurance) is read on its own: the earlier question would only pull it
    towards what it was about (blind batch 11). "What about deep tissue massage?" still leans on the earlier turn."""
    return bool(_OWN_SUBJECT.search(question)) and not _POINTS_BACK.search(question) and not _ELLIPTIC.search(question)


def _lean_back(parts: tuple[str, ...], absent: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """A part that leans on the one before it ("has anyone had an epidural? how long does the relief last")
    asks about that part's topic: it inherits the unmentioned topics of its predecessor. A part that names its
    own subject and points back at nothing does not lean ("does the NHS cover massage, and how long does sciatica
    normally last": blind batch 11)."""
    for i in range(1, len(parts)):
        own = _OWN_SUBJECT.search(parts[i]) and not _POINTS_BACK.search(parts[i])
        if not absent[i] and absent[i - 1] and is_follow_up(parts[i]) and not own:
            absent[i] = absent[i - 1]
    return tuple(absent)


_LEANS_BACK_WORDS = 10


def _asked_absent(part: str, gate: TopicGate) -> tuple[str, ...]:
    """The unmentioned topics a part asks about: not those it names only while setting the scene ("I can't do my
    usual gym stuff. At what point am I supposed to see a doctor?")."""
    scene = scene_topics(part, gate)
    return tuple(t for t in gate.absent_in(part) if t not in scene)


def scene_topics(text: str, gate: TopicGate) -> tuple[str, ...]:
    """Unmentioned topics named only in the sentences that set the scene, not in those that ask ("I'm trying to
    stay off the opioids my doctor keeps offering. Is massage a safe way to manage the pain without drugs?").
    The ask is answered and the topic named as not covered; but when an asking sentence leans back on a sentence
    naming the topic ("I had an epidural. Does it wear off?") the ask is about the topic itself, so nothing is set
    aside."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    asking = [s for s in sentences if _ASKS.search(s)]
    if not asking or len(asking) == len(sentences):
        return ()
    # a pointing-back word leans on the sentence just before it: "I've been getting by on ibuprofen ... It's not really
    # getting better. At what point should I bother the GP with this?" asks about the sciatica (blind batch 18)
    # Only a short ask leans back so ("Does it wear off?"); a long one that says "it" or "that nerve" names what it
    # asks about ("At what point do I actually go get it looked at by a doc", after "Stretches, Advil, the whole deal";
    # blind batch 26)
    for i, sentence in enumerate(sentences):
        short = len(_WORDS.findall(sentence)) <= _LEANS_BACK_WORDS
        if (
            sentence in asking
            and short
            and _POINTS_BACK.search(sentence)
            and i > 0
            and gate.absent_in(sentences[i - 1])
        ):
            return ()
    asked = {t for s in asking for t in gate.absent_in(s)}
    stated = " ".join(s for s in sentences if s not in asking)
    return tuple(t for t in gate.absent_in(stated) if t not in asked)


# A choice from a list: "Menu's got heaps - hot stone, Thai, lymphatic drainage, Swedish, deep tissue, myofascial...
# which of those actually make sense for this?" (blind batch 21). The listed kinds the articles describe are answered
# and the ones they do not are named as not covered, instead of declining the whole question.
_CHOICE = re.compile(
    r"\bwhich (?:of (?:those|these|them|the above|that lot)|ones?\b|one of (?:those|these|them))|\bany of (?:those|these|them)\b",
    re.IGNORECASE,
)
_ITEM_SPLIT = re.compile(r"\s*(?:,|/|;|\.{2,}|…|\bor\b|\band\b|\s-\s)\s*", re.IGNORECASE)


def listed_beside(text: str, absent: tuple[str, ...], gate: TopicGate) -> bool:
    """The unmentioned topics are items of a list of three or more short items, at least one of which names none of
    them, and the question asks which of them to choose (``_CHOICE``)."""
    if not absent or not _CHOICE.search(text):
        return False
    items = [i for i in _ITEM_SPLIT.split(text) if i and len(i.split()) <= 4]
    if len(items) < 3:
        return False
    named = [i for i in items if gate.absent_in(i)]
    return bool(named) and len(items) > len(named)


_LIST_MARK = re.compile(r"\s*(?:,|/|;|—|–|[()])\s*")


def in_a_written_list(text: str, gate: TopicGate, subjects: frozenset[str]) -> bool:
    """An unmentioned topic is one of three or more short items written one after another between commas, dashes or
    brackets, two of which name the articles' subjects ("— the blood, the endorphins, the posture, the stress —"):
    not a word of a sentence that happens to sit beside short phrases ("ice or heat for a sciatica flare?? ... just
    sore and achy, which one works better"), nor a list of other things ("ice, TENS, a new mattress — which one ...";
    the review)."""
    run: list[str] = []
    for item in [*_LIST_MARK.split(text), ""]:
        if item and len(item.split()) <= 4:
            run.append(item)
            continue
        named = sum(1 for i in run if not gate.absent_in(i) and subjects.intersection(content_terms(i)))
        if len(run) >= 3 and named >= 2 and any(gate.absent_in(i) for i in run):
            return True
        run = []
    return False


def _keywords(context: str, corrected: str, canonical: str, lexicon: Lexicon) -> str:
    """The keyword (BM25) query: the earlier question, the question, its articles'-words form, the lexicon's terms."""
    terms = lexicon.expansion(f"{context} {corrected}")
    return " ".join(t for t in (context, corrected, canonical if canonical != corrected else "", terms) if t)


def read_question(
    question: str,
    history: list[dict],
    lexicon: Lexicon,
    speller: Speller | None,
    topics: TopicGate | None = None,
    subjects: frozenset[str] = SUBJECT_WORDS,
) -> Reading:
    text = spoken_punctuation(" ".join(_EMOJI.sub(" ", _MARKUP.sub(" ", question)).split()) or question)
    corrected = speller.correct(text) if speller is not None else text
    canonical = lexicon.canonical(corrected)
    leans = is_follow_up(corrected) or (bool(history) and opens_leaning_back(corrected))
    context = previous_question(history) if leans and not _stands_alone(corrected) else ""
    if context and speller is not None:
        context = lexicon.canonical(speller.correct(context))
    parts = split_parts(corrected)
    # (an effect named other than the pain, "I feel looser ... does that last?", is looked for as the question words it)
    lasting = asks_lasting(corrected, context) and not NAMED_EFFECT.search(corrected)
    evidence = asks_evidence(corrected) or lasting
    keywords = _keywords(context, corrected, canonical, lexicon)
    gate = topics or TopicGate()
    asked = _REFUSED.sub(
        " ", _DISMISSED.sub(" ", _REPORTED_BY.sub("it showed", _TOPIC_AS_PERSON.sub("friend", corrected)))
    )
    scene = scene_topics(asked, gate)
    absent = tuple(t for t in gate.absent_in(asked) if t not in scene)
    written = bool(_CHOICE.search(asked)) and in_a_written_list(asked, gate, subjects)
    if written or listed_beside(asked, absent, gate):
        scene, absent = (*scene, *absent), ()
    part_absent = _lean_back(
        parts, [_asked_absent(_REPORTED_BY.sub("it showed", _TOPIC_AS_PERSON.sub("friend", p)), gate) for p in parts]
    )
    if written:
        # the listed item is one choice among others in every part too ("Bonjour. Of all the things they promise ...
        # — the blood, the endorphins, the posture, the stress — which one ...?"; blind batch 37)
        part_absent = tuple(() for _ in parts)
    if any(part_absent) and not any(_asks_in(p) for p, gone in zip(parts, part_absent) if not gone):
        # the only ask is about a topic no article mentions; what is left only tells ("does massage help the carpal
        # tunnel also? my hand numb in the morning"; blind batch 27): nothing is left to answer
        absent = tuple(dict.fromkeys((*absent, *(t for gone in part_absent for t in gone))))
        parts, part_absent = (), ()
    number = number_ask(corrected)
    kind = asks_kind(corrected)
    # (read as written too: the speller can turn a misspelt word into another, "stoping" -> "staying")
    plain = tuple(dict.fromkeys((*plain_asks(corrected, context or previous_question(history)), *plain_asks(text))))
    if STYLE_READING in plain and absent:
        # the menu and the gym are the scene of "which style do I ask for?"; only a topic named after the ask, in its
        # sentence ("which style is best for my carpal tunnel?"), is what it asks about
        kept = gate.absent_in(style_ask_part(asked))
        scene, absent = (*scene, *(t for t in absent if t not in kept)), tuple(t for t in absent if t in kept)
    canonical_parts = tuple(lexicon.canonical(p) for p in parts)
    if any(part_absent) and not all(part_absent):
        # a part about a topic no article mentions ("... and does Bupa cover massage for it?") is named, not
        # searched for: the question is read and searched as its other parts, so their passages are found
        corrected = " ".join(p for p, gone in zip(parts, part_absent) if not gone)
        canonical = lexicon.canonical(corrected)
        keywords = _keywords(context, corrected, canonical, lexicon)
    return Reading(
        question,
        corrected,
        canonical,
        context,
        parts,
        evidence,
        keywords,
        absent,
        scene,
        part_absent,
        number,
        kind,
        canonical_parts,
        (context if _VERIFIES.search(corrected) else context_subject(context, subjects)) if context else "",
        lasting,
        plain,
    )
