"""Other languages: detect the question's language and read red flags in it from a data file.

A language is a YAML file in ``assistant/safety/languages/`` (``es.yaml``, ``ko.yaml``): negation words,
signs (the same codes and levels as the English rules, each with patterns and its public source) and the
messages shown in that language. A clinic adds a language by adding a file (README, "Other languages").
Detection is py3langid (BSD-3), restricted to the languages we expect, with a Hangul check first; a short
or unsure text counts as English. Measured on 62 short, misspelt questions: 59 right, and no English one
taken for another language (README, "Other languages").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import SettingsError
from .rules import LEVEL_RANK, WEAKNESS_CODES

LANGUAGES_DIR = Path(__file__).parent / "languages"
CANDIDATES = ["en", "es", "ko", "fr", "de", "pt", "zh", "ja"]
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# "~" ends a Korean sentence ("아파요~"), but not a range ("1~2분": one to two minutes)
_SENTENCES = re.compile(r"[.!?;\n\u00bf\u00a1]+|(?<!\d)~+|~+(?!\d)")
MESSAGE_KEYS = (
    "emergency",
    "urgent",
    "caution",
    "disclaimer",
    "safety_net",
    "out_of_scope",
    "not_answered",
    "sources_in_english",
)

_identifier = None
_lock = threading.Lock()


# a list line's bullet: "-", "*", "•", "1." / "1)", "①" (at the start of a piece: pieces begin at a line break)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25e6]+|\d{1,2}[.)]|[\u2460-\u2473])\s*")
# a piece that opens by taking back what was just said ("NO... bueno, un poco")
_CONTRAST = re.compile(r"^\s*(?:bueno|pero|aunque|la verdad|en realidad|well|but|actually|근데|그런데|사실|아니근데)")
_QUOTE_MARKS = re.compile("[\"'\u2018\u2019\u201c\u201d\u00ab\u00bb`]")


def detect_language(text: str, min_prob: float = 0.5) -> str:
    """ISO 639-1 code of ``text``'s language ("en" when short or unsure)."""
    hangul = len(_HANGUL.findall(text))
    if hangul and hangul >= len(re.findall(r"[A-Za-z]", text)) / 2:  # mostly Korean, not a Korean word in English
        return "ko"
    text = _HANGUL.sub(" ", text)
    if len(re.findall(r"[^\W\d_]+", text)) < 2:
        return "en"
    with _lock:
        lang, prob = _detector().classify(text)
    return lang if prob >= min_prob else "en"


def _detector():
    """py3langid's identifier, loaded once (call with ``_lock`` held): about 0.3 s, mostly xz decompression."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        _identifier.set_languages(CANDIDATES)
    return _identifier


def warm_detector() -> None:
    """Load the language identifier now (start-up runs it beside other loading: the decompression releases the
    GIL, so it overlaps with imports on the other core)."""
    with _lock:
        _detector()


@dataclass(frozen=True)
class LanguageSign:
    code: str
    level: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    source: str
    # matched against the whole question rather than sentence by sentence ("Mi hija tiene 13 años. Desde hace
    # tres semanas se queja de dolor...": the age and the complaint sit in different sentences)
    across_sentences: bool = False
    # the asker says, anywhere in the question, that they do not have it ("Yo no tengo fiebre", "저는 골다공증
    # 없고"): a mention elsewhere is someone else's ("A mi hermano lo internaron ... con fiebre"). Never set on an
    # emergency sign: a relative's emergency is still one.
    denied_by: tuple[re.Pattern[str], ...] = ()
    # the question is about the person whose history an exclusion sets aside, anywhere in it ("A mi madre la operaron
    # de un cancer hace tres anos. Ahora tiene dolor ... Le reservo unas sesiones?"): the exclusions are not read
    kept_by: tuple[re.Pattern[str], ...] = ()

    def excluded(self, sentence: str, question: str) -> bool:
        """An exclusion sets the mention aside, unless the question is about that person (``kept_by``)."""
        return any(x.search(sentence) for x in self.exclude) and not any(k.search(question) for k in self.kept_by)


@dataclass(frozen=True)
class LanguagePack:
    code: str
    name: str
    negations: tuple[str, ...]
    signs: tuple[LanguageSign, ...]
    messages: dict[str, str] = field(default_factory=dict)
    out_of_scope: tuple[re.Pattern[str], ...] = ()  # prices, bookings, other body parts: the scope reply
    emergency_department: str = ""  # its name in this language ("" = the settings' own)
    # the same-day service in this language, per region ("uk", "us", ...); "" = the settings' own (English) wording
    urgent_services: dict[str, str] = field(default_factory=dict)
    # "getting worse by the hour": with a weakness sign anywhere in the question, the emergency severe_weakness
    worsening: tuple[re.Pattern[str], ...] = ()
    # a checklist's answer after the sign, matched against the rest of its sentence ("debilidad en las piernas, no")
    trailing_denials: tuple[re.Pattern[str], ...] = ()
    # a checklist asked and answered: "¿fiebre? no." / "다친거? ㄴㄴ": matched at the start of the piece after a "?";
    # the asked item (the piece's text after its last comma or colon) is then set aside, when it is a short item
    # (at most ``question_item_max`` words, or characters in a language whose pieces lose their spaces) and does not
    # itself read as a question (``question_item_not``: "¿es normal que ...?", "...인가요?")
    question_answers: tuple[re.Pattern[str], ...] = ()
    question_item_max: int = 0
    question_item_not: tuple[re.Pattern[str], ...] = ()
    # a list line asked and answered ("- problemas para hacer pis o se me escapa? NO"): the whole line after its bullet
    # is the item, up to ``question_line_max`` words (characters for Korean), unless it names a function and no problem
    # (``question_line_not``: "- sensibilidad en la zona genital? no" answers with the sign)
    question_line_max: int = 0
    question_line_not: tuple[re.Pattern[str], ...] = ()
    # ... nor when the line tells the sign as the asker's or asks whether it has changed ("- hormigueo en la zona genital
    # desde ayer, mejora? No", "- 양쪽 다리 힘 빠짐 나아졌나? ㄴㄴ"): the answer is to the last question only
    question_line_keep: tuple[re.Pattern[str], ...] = ()
    # an answer that goes on to take the "no" back ("No, adormecimiento total", "NO... bueno, un poco", "ㄴㄴ 완전
    # 마비"), read in the answer and in the piece after it: the item is not answered no
    question_answer_taken_back: tuple[re.Pattern[str], ...] = ()
    # dialect spellings read as the standard ones before any pattern ("읎어요" -> "없어요"); plain text, no patterns
    spellings: tuple[tuple[str, str], ...] = ()

    def is_out_of_scope(self, text: str) -> bool:
        return any(p.search(s) for s in self.sentences(text) for p in self.out_of_scope)

    def normalise(self, text: str) -> str:
        # quotation marks around a word ("el pie me 'chancletea'") would break the patterns' word sequences
        low = _QUOTE_MARKS.sub("", text.lower())
        for spelled, standard in self.spellings:
            low = low.replace(spelled, standard)
        if self.code == "ko":
            return low
        return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))

    def sentences(self, text: str) -> list[str]:
        return [sentence for sentence, _ in self._pieces(text)]

    def _pieces(self, text: str) -> list[tuple[str, bool]]:
        """Each sentence, and whether a "?" ends it."""
        norm = self.normalise(text)
        pieces: list[tuple[str, bool]] = []
        pos = 0
        for m in [*_SENTENCES.finditer(norm), None]:
            part = norm[pos : m.start() if m else len(norm)]
            if part.strip():
                squeezed = re.sub(r"\s+", "", part) if self.code == "ko" else " ".join(part.split())
                pieces.append((squeezed, bool(m and "?" in m.group())))
            if m:
                pos = m.end()
        return pieces

    def answered_no(self, pieces: list[tuple[str, bool]]) -> list[str]:
        return [sentence for sentence, _ in self._answered(pieces)]

    def _answered(self, pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """Each sentence of ``pieces`` (``_pieces``) with a checklist item asked with "?" and answered no by the next
        sentence set aside ("hormigueo en la zona genital? no." -> ""; "he mirado la lista y nada: fiebre? no" -> "he
        mirado la lista y nada:"). Only a short item that is not itself a question counts: "¿es normal que se me
        duerma la zona genital? No tengo otros sintomas" keeps its sign."""
        kept: list[tuple[str, bool]] = []
        for i, (sentence, asked) in enumerate(pieces):
            replied = asked and i + 1 < len(pieces) and any(p.match(pieces[i + 1][0]) for p in self.question_answers)
            answered = replied
            if replied and self.question_answer_taken_back:
                after = pieces[i + 1][0]
                if i + 2 < len(pieces) and _CONTRAST.match(pieces[i + 2][0]):
                    after = f"{after} {pieces[i + 2][0]}"  # "NO... bueno, un poco, desde el lunes"
                answered = not any(p.search(after) for p in self.question_answer_taken_back)
            cut = max(sentence.rfind(","), sentence.rfind(":")) + 1
            item = sentence[cut:].strip()
            size = len(item) if self.code == "ko" else len(item.split())
            # "- ¿fiebre? no": the "¿" ends a piece, so the bullet may stand alone in the piece before
            line = bool(_BULLET.match(sentence)) or (i > 0 and _BULLET.fullmatch(pieces[i - 1][0]) is not None)
            body = _BULLET.sub("", sentence, count=1)
            line_size = len(body) if self.code == "ko" else len(body.split())
            if (
                answered
                and line
                and 0 < line_size <= self.question_line_max
                and not any(p.search(body) for p in self.question_line_not)
                and not any(p.search(body) for p in self.question_line_keep)
            ):
                kept.append(("", False))
            elif (
                answered
                and 0 < size <= self.question_item_max
                and not any(p.search(item) for p in self.question_item_not)
                and not any(p.search(_BULLET.sub("", item, count=1)) for p in self.question_line_not)
            ):
                kept.append((sentence[:cut], False))
            elif replied and any(p.search(_BULLET.sub("", item, count=1)) for p in self.question_line_not):
                # a function asked and answered ("사타구니 감각? 없음", "sensibilidad ahi abajo? ninguna"): read as the
                # colon form "사타구니 감각: 없음", which the signs' patterns name as the sign
                # (True: the sign's exclusions do not read it; "소변 잘 나와요" alone says all is well, answered no it does not)
                kept.append((sentence + (":" if self.code == "ko" else ": ") + pieces[i + 1][0], True))
            else:
                kept.append((sentence, False))
        return kept

    def find_signs(self, text: str) -> list[tuple[str, str]]:
        """(code, level) of each sign in ``text``, highest level first."""
        found: dict[str, str] = {}
        pieces = self._pieces(text)
        sentences = [sentence for sentence, _ in pieces]
        question = " . ".join(sentences)
        units = [(sentence, False, rewritten) for sentence, rewritten in self._answered(pieces) if sentence.strip()]
        units.append((question, True, False))
        for sentence, whole, rewritten in units:
            for sign in self.signs:
                if sign.across_sentences != whole:
                    continue
                if sign.code in found or (not rewritten and sign.excluded(sentence, question)):
                    continue
                if any(x.search(question) for x in sign.denied_by):
                    continue
                for pattern in sign.patterns:
                    m = pattern.search(sentence)
                    if m and not self._negated(sentence, m.start(), m.end()):
                        found[sign.code] = sign.level
                        break
        if found.keys() & WEAKNESS_CODES and "severe_weakness" not in found:
            for sentence in sentences:
                m = next((m for p in self.worsening if (m := p.search(sentence))), None)
                if m and not self._negated(sentence, m.start()):
                    found["severe_weakness"] = "emergency"
                    break
        return sorted(found.items(), key=lambda kv: -LEVEL_RANK[kv[1]])

    def signs_set_aside(self, text: str) -> list[tuple[str, bool]]:
        """(level, plainly negated) of each sign a pattern names but ``find_signs`` did not report (an exclusion, a
        denial or a negation judged it not current); see ``triage.signs_set_aside``."""
        found = {code for code, _ in self.find_signs(text)}
        pieces = self._pieces(text)
        sentences = [sentence for sentence, _ in pieces]
        question = " . ".join(sentences)
        answered = {s: kept != s for s, kept in zip(sentences, self.answered_no(pieces))}
        negated_only: dict[str, tuple[str, bool]] = {}  # code -> (level, every mention plainly negated)
        for sign in self.signs:
            if sign.code in found:
                continue
            units = [question] if sign.across_sentences else sentences
            for sentence in units:
                for pattern in sign.patterns:
                    m = pattern.search(sentence)
                    if m is None:
                        continue
                    excluded = sign.excluded(sentence, question) or any(x.search(question) for x in sign.denied_by)
                    negated = not excluded and (
                        answered.get(sentence, False) or self._negated(sentence, m.start(), m.end())
                    )
                    seen = negated_only.get(sign.code, (sign.level, True))
                    negated_only[sign.code] = (sign.level, seen[1] and negated)
        return list(negated_only.values())

    def _negated(self, sentence: str, start: int, end: int | None = None) -> bool:
        # "adormecimiento ahi abajo, no." (a checklist answered; blind batch 27), read from the end of the sign's match
        # or from its start, since the abnormality word may be part of the match ("암병력: 모두 없음")
        # (a match that holds its own answer, "sensibilidad ahi abajo: ninguna", is the sign: only the text after it counts)
        if end is not None:
            starts = (end,) if ":" in sentence[start:end] else (start, end)
            if any(p.match(sentence, pos) for pos in starts for p in self.trailing_denials):
                return True
        # only words of the same clause count: in "... sin darme cuenta, no siento ..." the "sin" negates
        # something else
        before = re.split(r"[,;:]", sentence[:start])[-1].split()[-3:]
        # "nada mas levantarme se me durmio la entrepierna" (Spain: "right after getting up") negates nothing
        return any(
            w in self.negations and not (w == "nada" and nxt == "mas") for w, nxt in zip(before, [*before[1:], ""])
        )


def _compile(values, where: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for value in values or []:
        try:
            out.append(re.compile(str(value)))
        except re.error as exc:
            raise SettingsError(f"{where}: pattern {value!r} is not a valid regular expression: {exc}") from None
    return tuple(out)


def load_pack(path: Path) -> LanguagePack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SettingsError(f"language file {path.name} is not valid YAML: {exc}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("signs"), list)
        or not isinstance(data.get("messages"), dict)
    ):
        raise SettingsError(f"language file {path.name}: needs 'language', 'signs' (a list) and 'messages' (a mapping)")
    missing = [k for k in MESSAGE_KEYS if not str(data["messages"].get(k) or "").strip()]
    if missing:
        raise SettingsError(f"language file {path.name}: messages missing: {', '.join(missing)}")
    signs = []
    for i, item in enumerate(data["signs"], 1):
        where = f"language file {path.name}, sign {i}"
        if (
            not isinstance(item, dict)
            or item.get("level") not in ("caution", "urgent", "emergency")
            or not item.get("code")
        ):
            raise SettingsError(f"{where}: needs a 'code' and a 'level' (caution, urgent or emergency)")
        if not str(item.get("source") or "").strip():
            raise SettingsError(f"{where} ({item['code']}): must name its public source")
        if item.get("denied_by") and item["level"] == "emergency":
            raise SettingsError(
                f"{where} ({item['code']}): an emergency sign cannot be 'denied_by' (a relative's counts)"
            )
        signs.append(
            LanguageSign(
                str(item["code"]),
                item["level"],
                _compile(item.get("patterns"), where),
                _compile(item.get("exclude"), where),
                str(item["source"]),
                bool(item.get("across_sentences", False)),
                _compile(item.get("denied_by"), where),
                _compile(item.get("kept_by"), where),
            )
        )
    code = str(data.get("language") or path.stem)
    return LanguagePack(
        code,
        str(data.get("name") or code),
        tuple(str(n) for n in data.get("negations") or []),
        tuple(signs),
        {k: str(v) for k, v in data["messages"].items()},
        _compile(data.get("out_of_scope"), f"language file {path.name}, out_of_scope"),
        str(data.get("emergency_department") or ""),
        _urgent_services(data.get("urgent_service"), path.name),
        _compile(data.get("worsening"), f"language file {path.name}, worsening"),
        _compile(data.get("trailing_denials"), f"language file {path.name}, trailing_denials"),
        _compile(data.get("question_answers"), f"language file {path.name}, question_answers"),
        int(data.get("question_item_max") or 0),
        _compile(data.get("question_item_not"), f"language file {path.name}, question_item_not"),
        int(data.get("question_line_max") or 0),
        _compile(data.get("question_line_not"), f"language file {path.name}, question_line_not"),
        _compile(data.get("question_line_keep"), f"language file {path.name}, question_line_keep"),
        _compile(data.get("question_answer_taken_back"), f"language file {path.name}, question_answer_taken_back"),
        _spellings(data.get("spellings"), path.name),
    )


def _spellings(raw, name: str) -> tuple[tuple[str, str], ...]:
    """``spellings: {읎: 없}`` in a language file: plain-text replacements, longest first."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in raw.items()):
        raise SettingsError(
            f"language file {name}: 'spellings' must map a spelling to its standard form (text to text)"
        )
    return tuple(sorted(((k.lower(), v.lower()) for k, v in raw.items()), key=lambda kv: -len(kv[0])))


def _urgent_services(raw, name: str) -> dict[str, str]:
    """``urgent_service: {uk: ..., us: ...}`` in a language file: the region's same-day service in that language."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise SettingsError(f"language file {name}: 'urgent_service' must map a region (uk, us, ...) to a phrase")
    return {str(k).strip().lower(): " ".join(v.split()) for k, v in raw.items()}


_packs: dict[Path, dict[str, LanguagePack]] = {}


def language_packs(folder: Path = LANGUAGES_DIR) -> dict[str, LanguagePack]:
    """Every language file in ``folder``, loaded once per process."""
    with _lock:
        if folder not in _packs:
            _packs[folder] = (
                {p.code: p for p in map(load_pack, sorted(folder.glob("*.yaml")))} if folder.is_dir() else {}
            )
        return _packs[folder]
