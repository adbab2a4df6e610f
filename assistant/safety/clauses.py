"""Clauses and negation for the safety rules: the folded form the rules match, clause spans, negation scope.

Everything here is a pure function of its input. Patterns elsewhere are written against the
normalised form: lower case, straight apostrophes, common contractions restored ("cant" -> "can't").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_DASHES = re.compile(r"\s*[\u2013\u2014\u2012]\s*|\s+-+\s+")

# Contractions people often type without the apostrophe. "wont" and "ill" are left alone (real words).
_CONTRACTIONS = {
    "cant": "can't",
    "dont": "don't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "wouldnt": "wouldn't",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "its": "it's",
    "thats": "that's",
    "theres": "there's",
    "cannot": "can't",
    "can not": "can't",
    "do not": "don't",
    "does not": "doesn't",
    "did not": "didn't",
    "have not": "haven't",
    "has not": "hasn't",
    "had not": "hadn't",
    "is not": "isn't",
    "are not": "aren't",
    "was not": "wasn't",
    "could not": "couldn't",
    "will not": "won't",
    # Scots: "I didnae even feel it coming" (blind batch 12)
    "didnae": "didn't",
    "dinnae": "don't",
    "cannae": "can't",
    "couldnae": "couldn't",
    "wasnae": "wasn't",
    "isnae": "isn't",
    "havnae": "haven't",
    "havenae": "haven't",
    # dialect spellings of "can't" and of place words (blind batch 20: Scots "cannae really feel the paper ... roond ma
    # bahookie an doon below"; Jamaican "mi cyaan pass wata"; Texan "I cain't feel much")
    "canna": "can't",
    "cain't": "can't",
    "cyaan": "can't",
    "caan": "can't",
    "doon": "down",
    "roond": "round",
    "wata": "water",
    # Nigerian Pidgin "urine no gree comot" (will not come out) and Appalachian "ain't workin" (blind batch 21)
    "no gree": "won't",
    "comot": "come out",
    "ain't": "isn't",
    "workin": "working",
    # Jamaican "Mi slip pon di wet step ... an land hard pon mi backside"; Liverpool "mornin" (blind batch 22)
    "pon": "on",
    # Scots "nae numbness doon below, nae bother wi the waterworks" (blind batch 23)
    "nae": "no",
    # Doric (north-east Scots) "fin I wipe ma erse efter the toilet I canna richtly feel the paper" (blind batch 33)
    "fin": "when",
    "efter": "after",
    "mornin": "morning",
    # dropped g's and "ain't been" in Southern US and Atlantic Canadian English: "nothin numb down below", "hardly
    # nothin comes out", "i aint been tryin" (blind batch 34); Scots "ah'm", "ah've"
    "nothin": "nothing",
    "somethin": "something",
    "anythin": "anything",
    "tryin": "trying",
    "eatin": "eating",
    "sayin": "saying",
    "feelin": "feeling",
    "gettin": "getting",
    "goin": "going",
    "comin": "coming",
    "peein": "peeing",
    "leakin": "leaking",
    "losin": "losing",
    "wakin": "waking",
    "shakin": "shaking",
    "sweatin": "sweating",
    "wipin": "wiping",
    "ain't been": "haven't been",
    "aint been": "haven't been",
    # the double negative says what is had: "I ain't got no feeling down there" (the review of the fourteenth session)
    "ain't got no": "have got no",
    "aint got no": "have got no",
    "aint": "isn't",
    # voice typing that spells the punctuation out: "the leg just folds right under me comma had to crawl" (blind batch 35)
    "comma": ",",
    "ah'm": "i'm",
    "ah've": "i've",
}
_CONTRACTION_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CONTRACTIONS), key=len, reverse=True)) + r")\b")


def straighten(text: str) -> str:
    """Straight quotes and apostrophes; nothing else changes."""
    return text.translate(_QUOTES)


def fold_for_rules(text: str) -> str:
    """Lower-case, straighten quotes, turn dashes into ' - ', restore contractions, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _DASHES.sub(" - ", text)
    text = _CONTRACTION_RE.sub(lambda m: _CONTRACTIONS[m.group(1)], text)
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


# Sentence ends: . ! ? ; or a newline, but not a decimal point ("38.5").
# ... a full stop after a number does end one: "I ran a marathon in 2019. Now I have ..." (blind batch 32)
_SENTENCE_END = re.compile(r"(?<!\d)[.!?;]+(?!\d)|(?<=\d)\.+(?=\s+[a-z])|\n+|\s-\s")
# Inside a sentence a new clause starts at a contrast word, or at ", and"/", " + a new subject.
_CLAUSE_START = re.compile(
    r"\b(?:but|however|although|though|except|whereas|apart from|other than|only thing is)\b"
    r"|,\s*(?=(?:and |so |then |now )?(?:i|i'm|i've|i'd|my|it|it's|now|the|there|he|she|they|we|this|that|since|yet)\b)"
    r"|\band (?=(?:i|i'm|i've|i'd|my|it|it's|now|then|there|since|yet)\b)"
)


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # offset of the clause in the normalised text
    sentence: str  # the whole sentence the clause belongs to


def clauses(norm: str) -> list[Clause]:
    """Split normalised text into clauses, each remembering its sentence."""
    out: list[Clause] = []
    pos = 0
    for end_m in [*_SENTENCE_END.finditer(norm), None]:
        end = end_m.start() if end_m else len(norm)
        sentence = norm[pos:end]
        cpos = 0
        for cm in [*_CLAUSE_START.finditer(sentence), None]:
            cend = cm.start() if cm else len(sentence)
            if cend > cpos and sentence[cpos:cend].strip():
                out.append(Clause(sentence[cpos:cend], pos + cpos, sentence))
            if cm:
                cpos = cm.start()
        pos = end_m.end() if end_m else len(norm)
    return out


# Negation cues (NegEx-style, simplified). Modal negatives such as "can't", "unable to" and "no longer"
# are NOT cues: in symptoms they usually describe a deficit ("can't feel", "no longer able to pee").
NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|none|nothing|nor|neither|deny|denies|denied|haven't|hasn't|hadn't|don't|doesn't"
    r"|didn't|isn't|aren't|wasn't|weren't|won't|free of|absence of|ruled out|negative for|zero)\b"
)
# Phrases that contain a cue word but do not negate what follows. Hedged negation ("I don't think",
# "not sure") is treated as NOT negating, on purpose: when in doubt about a red flag, escalate.
PSEUDO_NEGATION = re.compile(
    r"\b(?:not (?:just|only|sure|certain|even|able|been able|quite)|no longer|no idea|no matter|not until"
    r"|don't (?:know|think|remember|understand|want)|didn't (?:know|think|notice|realise|realize|even)"
    r"|doesn't (?:matter|help|stop|ease|go|seem)|won't (?:stop|go|ease|lift|move|work|hold)"
    r"|nothing (?:helps|works|comes|came|happens|happened)"
    # "nothin seems to touch it, gone numb round my backside"; "it ain't normal, can't feel the paper" (the review of the
    # fourteenth session)
    r"|nothing (?:seems to |will |can |really )?(?:touch\w*|help\w*|work\w*|shift\w*|eas\w*|fix\w*|budge\w*)"
    r"|(?:isn't|is not|not) (?:normal|right)"
    r"|never (?:used to|had this before|had it before|been like this)"
    r"|no (?:matter|way to)|without (?:trying|meaning|warning|realising|realizing|noticing|knowing|reason|any reason)"
    # a sign that is itself worded with a negation does not negate the next one ("things aren't working
    # downstairs, can't get it up")
    r"|(?:aren't|isn't|not) working (?:properly |right )?(?:down there|downstairs|in bed)"
    # "my foot isn't lifting properly and the toes scrape the floor" (blind batch 24)
    r"|(?:aren't|isn't|not) (?:lifting|coming up) (?:properly |well |right )?)\b"
)
# a "no" that answers the item before and then tells: "weight loss - no, dropped two stone without trying" (the review
# of the thirteenth session); not a clause that opens the message ("No, loss of bladder control is not something I've
# had")
# ("Is it just the one leg? No unfortunately, both legs are numb", "Is it only one side? no both legs are weak": the
# second round of the review)
_ANSWER_OPENS = re.compile(
    r"^\W*(?:no|nope|nah)(?:\s*[,.!;]+|\s+(?:unfortunately|sadly|actually|i'm afraid|i am afraid|not anymore)\b[,.!;]*"
    r"|(?=\s+(?:both|it's|its|it is|they're|they are|all)\b))"
)


def opens_with_an_answer(norm: str, clause_text: str, clause_start: int) -> str:
    """The clause with a "no" that answers the item before it blanked out (same length), or the clause as it is."""
    found = _ANSWER_OPENS.match(clause_text)
    if found is None or not re.search(r"[-:?]\s*$", norm[:clause_start]):
        return clause_text
    return " " * found.end() + clause_text[found.end() :]


_NEG_WINDOW_TOKENS = 8


def is_negated(clause_text: str, match_start: int) -> bool:
    """True if a negation cue governs the span that starts at ``match_start`` in the clause."""
    prefix = PSEUDO_NEGATION.sub(" _ ", clause_text[:match_start])
    window = " ".join(prefix.split()[-_NEG_WINDOW_TOKENS:])
    return NEGATION_CUE.search(window) is not None


_TRAILING_DENIAL = re.compile(
    # ("- none today but yesterday yes" is not a denial)
    # a checklist item offering two signs: "fell over or got hit? nah" (blind batch 30)
    # ("numb down there or am I imagining it? no, it's real" offers no second sign)
    r"(?:\s+or\s+(?!(?:am|is|are|was|do|does|did|i|it|it's|just|maybe|what|something|not)\b)(?:\w+\s+){0,2}\w+)?"
    # ... or a slash: "numbness in groin/saddle area: no", "fever/chills: no" (blind batch 31)
    r"(?:\s*/\s*\w+(?:\s+\w+){0,2})?"
    r"(?:\s*[:?\-\u2013\u2014]+\s*(?:(?:none|no|nope|not really|negative|absent|never|nil|nah)\b"
    # ("numb down there? no idea why" is not one either)
    r"(?!\s+(?:today|now|at the moment|right now|but|until|till|since|anymore|any more|idea|clue|sure|wonder)\b)"
    # ("never before (started 2 days ago)", "no, just takes ages then dribbles", "none, apart from bum cheeks", "no, it just
    # won't come out", "no, only on the left side", "no, I just can not tell": the review of the twelfth session)
    r"(?!\s*,?\s*(?:before|only|just|apart from|except|other than|i just|it just|it won't|won't|wont|it can't|i can't"
    r"|i can not|started|since|till|until|except)\b)"
    # ("- no change", "- no better", "- no feeling at all", "- no strength in either" name the sign, not its absence)
    r"(?!\s+(?:change|better|different|difference|joke|feeling|sensation|strength|control|improvement|movement|power|use"
    r"|relief|way)\b)"
    # ("numb down there? no, it's definitely numb" answers yes; "worse at night? nah it's worse on the bus" does not)
    # ("numb down there: no, but since yesterday ..." takes it back; twelfth session's review)
    r"(?!\s*,?\s*(?:but|though|except|yet)\b)"
    r"(?!\s*,?\s*(?:it's |it is )?(?:definitely|really|real|true|both|still|there|fully|completely|totally|getting worse"
    r"|worse and worse|nothing (?:comes|came|is coming)|i can't|i cannot)\b)"
    # "Numb at private area – don't have" (Singapore English; blind batch 27)
    r"|(?:i )?(?:don'?t|do not) (?:have|got)(?! \w))"
    # a checklist item answered "normal" after a question mark: "peeing n that? normal." (blind batch 30), but not
    # "numb down there - normal?" or "normal with sciatica?", which ask
    r"|\s*\?\s*(?:all |totally |completely )?(?:normal|fine)\s*(?=[.!,;\n]|$))"
    # a cross after the sign: "tingling down there \u274c" (blind batch 28)
    r"|\s*[:\-\u2013]?\s*[\u274c\u2716\u2717\u00d7]"
    # a checklist answered as normal: "both legs are as strong as ever", "both legs fine" (blind batch 13)
    r"|\s+(?:are|is|feel|feels|both|still|all)?\s*(?:as strong as ever|as (?:good|normal) as ever|(?:completely |totally "
    r"|perfectly |absolutely )?(?:fine|normal|ok|okay|grand|strong)\b(?! (?:until|till|then|but)\b))"
)


def denied_after(norm: str, match_end: int) -> bool:
    """True for a denial right after the sign: "numbness down there? no" / "bladder problems: none" / "both legs
    are as strong as ever", or for a sign inside an item of a checklist answered no (``checklist_denied``). A denial
    whose answer goes on to take it back ("no. It's constant.", "no - nothing there since Tuesday") is none."""
    denial = _TRAILING_DENIAL.match(norm, match_end)
    if denial is not None:
        # (only an answer in words can go on: after a cross, "numbness down there \u274c peeing fine", the next item starts)
        if not _ENDS_IN_NO.search(norm, match_end, denial.end()):
            return True
        rest = _ITEM_ABILITY.sub(" ", answer_rest(norm, denial.end()))
        # a new sentence after the answer takes it back only by pointing at the sign ("no. It's constant."), not by
        # telling something else ("Fever - no. Just a sore left buttock")
        taken_back = _SENTENCE_TAKES_BACK if re.match(r"\s*[.!?]", rest) else _ITEM_TAKEN_BACK
        return not taken_back.search(rest)
    return any(start <= match_end <= end for start, end in checklist_denied(norm))


_SENTENCE_TAKES_BACK = re.compile(
    r"\b(?:it's|it is|its|they're|they are|still|constant\w*|all the time|there|since|yes|yeah|but|though"
    r"|can't|haven't|hasn't|won't|doesn't|24/7|non stop|nonstop)\b"
)
_ENDS_IN_NO = re.compile(r"(?:no|none|nope|not really|negative|absent|never|nil|nah|have|got)\s*$")


def answer_rest(norm: str, pos: int) -> str:
    """What follows an answer up to the next checklist item: the pieces after ``pos`` (split at " - ", line breaks and
    ";") until one that is a new "label: answer" or "label? answer" item, at most two. "no. It's constant." and "no -
    nothing there since Tuesday, can't feel a thing - Fever: no" give "it's constant." and "nothing there since ..."
    (the second round of the twelfth session's review)."""
    chunk = norm[pos : pos + 200]
    line, _, after = chunk.partition("\n")
    if after and _DASH_ITEM.match(after.split("\n", 1)[0]):
        chunk = line  # the next line is an item of its own: "numb round bum - no\nwiping feels normal - yes normal"
    pieces = re.split(r"\s-\s|\n+|;", chunk)
    first = re.split(r"[?:]", pieces[0])[0]  # "nah. peeing n that? normal.": the next item is asked
    if not re.search(r"[.!?]\s*$", first) and re.search(r"[.!?]", first):
        # "legs weak - no. Numb around the privates - don't have": the sentence after the answer is the next item's label
        return first[: max(first.rfind("."), first.rfind("!"), first.rfind("?"))]
    rest = [first]
    for piece in pieces[1:3]:
        if re.search(r"[:?]", piece):
            break
        rest.append(piece)
    return " ".join(rest)


# A line "label - answer" (one dash, a short label, a short answer) and the next line so written
# (not a correction: "numb around bum/privates - no\nactually - yes, since monday"; the review of the thirteenth session)
_NOT_A_LABEL = (
    r"(?!- )(?!(?:actually|wait|sorry|correction|update|edit|scratch that|no wait|oh|hang on|hold on|oops|erm|um"
    r"|well)\b)"
)
_DASH_LINE = re.compile(r"(?m)^[ \t]*" + _NOT_A_LABEL + r"[^\n:?]{1,60}? (?P<dash>-) [^\n:?-][^\n]{0,80}$")
_DASH_ITEM = re.compile(r"[ \t]*" + _NOT_A_LABEL + r"[^\n:?]{1,60}? - \S")
# An answer telling a problem long over: "had it 2015 after the disc op, fully gone since"
# (the whole answer, and nothing more: "since 2015 after the op, never fully gone", "2019, went away, back since the fall
# on Saturday", "2018 after sepsis, hasn't fully recovered" are not over; the second round of the review)
_LONG_OVER = re.compile(
    r"(?:had (?:it|that|one) )?(?:in |back in |around )?(?:(?:19|20)\d\d|\d+ years ago|years ago|as a (?:kid|child|teenager))"
    r"(?: after (?:the |a |an |my )?[a-z' ]{1,25}?)?,? (?:and )?(?:it )?(?:was )?(?:fully |completely |totally |all )?"
    r"(?:gone|recovered|resolved|cleared(?: up)?|better|fine)(?: (?:since|ever since|since then|now))?\W*"
)
# ... but a history is the sign itself ("cancer - breast 2016, all good since"; a blood thinner taken since 2019), and a
# sign said to be there again is not over ("as a teenager, went away. got it both legs again this week"; the review)
_ITEM_HISTORY = re.compile(r"\b(?:cancer|tumou?rs?|thinners?|warfarin|anticoag\w*|surgery|operation|weight)\b")
_STILL_THERE = re.compile(
    r"\b(?:again|came back|come back|coming back|back again|returned|this week|today|now|still|since (?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|yesterday|last week))\b"
)


# A checklist: items set off by " - " (a bulleted line after fold_for_rules) or by line breaks, each "label: answer" or
# "label? answer". "- Numbness around genitals / buttocks / inner thighs, or odd feeling when wiping: No" (blind batch
# 32) names several signs before its answer, too far from the answer for _TRAILING_DENIAL.
_ITEM_SPLIT = re.compile(r"\s-\s|\n+")
_ITEM = re.compile(r"\s*(?P<label>[^:?\n]{1,120}?)\s*(?::+|\?+)\s*(?P<answer>[^\n]{0,80})\s*$")
_ITEM_DENIAL = re.compile(
    r"(?:no|none|nope|nah|nil|negative|never|n/a|not applicable|n)(?:\s*/\s*(?:no|none|nope|nah|nil|never))*"
    r"\s*(?:$|[,.;(]\s*(?P<rest>.*)$)"
)
# ... but not "no, but since yesterday ..." or "no, it's definitely numb": the rest of the answer takes it back
_ITEM_TAKEN_BACK = re.compile(
    r"\b(?:but|though|except|yes|yeah|yep|definitely|still|since|until|till|today|tonight|yesterday|now"
    r"|getting worse|worse and worse|worsening|can't|couldn't|won't|wont|doesn't|really|real|true|unless|only when|sometimes|a bit"
    r"|a little|slightly|maybe|not sure|don't know|idea"
    # "no, it's totally dead", "nope, it's fully gone", "no, it's there all the time", "no, constantly", "no, both
    # sides", "no, tingly rather than numb", "no, my bum is asleep" (the twelfth session's review)
    r"|totally|completely|fully|there|both|constant\w*|all the time|always|all day|every|asleep|numb\w*|dead|tingl\w*"
    r"|pins|gone|more like|rather|just|same|leak\w*|wet|weak\w*|only|left|right|apart from|besides|other than|thighs?"
    r"|cheeks?)\b"
)
# ... except an ability that answers the question: "Weakness: No, can heel-walk and toe-walk both sides" (blind batch 32)
_ITEM_ABILITY = re.compile(
    r"\bcan (?:\w+[- ]?){1,5}?(?:on |with )?(?:both (?:sides|legs|feet)|fine|normally|ok|okay)\b"
)
# A label that asks whether the sign has changed: "- Saddle numbness gone? no", "- weakness in both legs better? no" (the
# review): "no" says it is still there
_ITEM_CHANGE = re.compile(
    r"\b(?:gone|better|stopped|resolved|improv\w*|eased|easing|cleared|settled|passed|normal|ok|okay|fine|same|painful"
    r"|worse|only when|just when|just after|any pain|anything else|getting)\b"
)
# A label of several comma pieces whose first piece tells a sign as the asker's ("- groin feels numb, any pain there:
# no", "- numb saddle area since Sunday, worse at night? no"): the answer is to the last piece only
_ITEM_TOLD = re.compile(
    r"\b(?:since|from|for \d|yesterday|today|tonight|last night|this morning|this week|my|i|i'm|i've|me|feels?|felt|is"
    r"|are|was|has|have|had|got|keeps?|started|can't|won't)\b"
)
_ITEM_SUB_QUESTION = re.compile(
    r"^\s*(?:any|is|are|does|do|did|painful|pain|worse|better|how|when|where|what|which|ever)\b"
)
# A label that names a function and no problem ("- bladder control: no", "- feeling down there: none") is answered with
# the sign itself; "- new trouble peeing, leaking: no" names a problem.
_ITEM_FUNCTION = re.compile(
    r"\b(?:control|feeling|feel|sensation|strength|power|function|movement|erections?|sex|pee|peeing|wee|urine"
    r"|urinating|poo|pooing|stool|bowels?|bladder|walking|walk|lift|lifting|balance|grip)\b"
)
_ITEM_PROBLEM = re.compile(
    r"\b(?:numb\w*|tingl\w*|pins|trouble|problems?|issues?|difficult\w*|loss|lost|weak\w*|leak\w*|accidents?"
    r"|incontinen\w*|retention|changes?|drop|drag\w*|pain\w*|fever|chills|sweats|cancer|weight|fall|falls|injur\w*"
    r"|swell\w*|swollen|history|thinners?|surgery|operation|pregnan\w*|odd|strange|unusual|new|worse|altered"
    r"|reduced|less)\b"
)


_SENTENCE_BEFORE = re.compile(r".*[.!?]\s+(?=\S)")


def dash_items(norm: str) -> str:
    """``norm`` with each line written "label - answer" ("numb round bum/privates - no"; blind batch 33) turned into
    "label : answer", when three or more lines are so written; the same length, so spans stay true."""
    lines = [m for m in _DASH_LINE.finditer(norm)]
    if len(lines) < 3:
        return norm
    out = list(norm)
    for m in lines:
        out[m.start("dash")] = ":"
    return "".join(out)


@lru_cache(maxsize=512)
def checklist_denied(norm: str) -> tuple[tuple[int, int], ...]:
    """Spans (in ``norm``) of the checklist items answered no. Only a message with at least three "label: answer"
    items counts as a checklist, and an item whose answer goes on to take it back ("no, but since yesterday"), or whose
    label names a function and no problem ("bladder control: no"), is not denied. An item whose answer tells a problem
    long over ("foot drop - had it 2015 after the disc op, fully gone since") is denied with its answer."""
    norm = dash_items(norm)
    items = []
    pos = 0
    for m in [*_ITEM_SPLIT.finditer(norm), None]:
        end = m.start() if m else len(norm)
        found = _ITEM.fullmatch(norm, pos, end)
        if found and len(found.group("answer").split()) <= 12 and len(found.group("label").split()) <= 16:
            items.append(found)
        pos = m.end() if m else end
    if len(items) < 3:
        return ()
    spans = []
    for item in items:
        label, answer = item.group("label"), item.group("answer")
        # a sentence told before the first item on its line is not part of the item's label: "Been numb round my bum
        # since Friday. Fever: N" (the fifteenth session's review)
        told_before = _SENTENCE_BEFORE.match(label)
        label_start = item.start("label") + (told_before.end() if told_before else 0)
        label = label[told_before.end() :] if told_before else label
        denial = _ITEM_DENIAL.fullmatch(answer.strip())
        # a form's bare "N" answers a short label ("Leg weakness: N"), or any label after the first item ("Numbness in saddle
        # area / when wiping: N" on a questionnaire; blind batch 37), but not a first line that tells a sign before its
        # label ("Numb round my bum and privates since Friday 😩 Fever: N"; the second round of the fifteenth session's
        # review)
        # ... nor a label that tells a sign as the asker's ("since yesterday I can't feel the toilet paper when I wipe Weight
        # loss: N"; the third round)
        long_label = len(label.split()) > 4 or "," in label
        told_label = _ITEM_TOLD.search(label) is not None
        if denial is not None and answer.strip().lower() == "n" and long_label and (item is items[0] or told_label):
            continue
        if denial is None:
            if (
                _ITEM_PROBLEM.search(label)
                and _LONG_OVER.fullmatch(answer.strip())
                and not _ITEM_FUNCTION.search(label)
                and not _ITEM_HISTORY.search(label)
                and not _STILL_THERE.search(f"{answer} {answer_rest(norm, item.end())}")
            ):
                spans.append((label_start, item.end("answer")))
            continue
        rest = f"{denial.group('rest') or ''} {answer_rest(norm, item.end())}"
        if _ITEM_TAKEN_BACK.search(_ITEM_ABILITY.sub(" ", rest)):
            continue
        if _ITEM_FUNCTION.search(label) and not _ITEM_PROBLEM.search(label):
            continue
        if _ITEM_CHANGE.search(label):
            continue
        pieces = label.split(",")
        if len(pieces) > 1 and _ITEM_SUB_QUESTION.match(pieces[-1]):
            continue  # "leaking urine, any pain with it: no" answers the pain, not the leaking
        told = len(pieces) > 1 and any(_ITEM_TOLD.search(p) for p in pieces[:-1])
        # a sign told as the asker's before the last piece is not answered: only the last piece is
        start = item.end("label") - len(pieces[-1]) if told else label_start
        spans.append((start, item.end("label")))
    return tuple(spans)


_NON_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f]+")


def non_latin_share(text: str) -> float:
    """Share of letters that are not Latin script (0.0 for empty text)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not ("a" <= c.lower() <= "z" or "\u00c0" <= c <= "\u024f")) / len(letters)


def strip_non_latin(text: str) -> str:
    """Remove runs of non-Latin letters (keeps punctuation and digits)."""
    return re.sub(r"\s{2,}", " ", _NON_LATIN.sub(" ", text)).strip()


__all__ = [
    "Clause",
    "clauses",
    "fold_for_rules",
    "straighten",
    "is_negated",
    "denied_after",
    "non_latin_share",
    "strip_non_latin",
]
