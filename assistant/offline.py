"""Switch off every phone-home path before heavy libraries are imported.

No network is reachable on the machines this runs on, and a clinic's patients' questions must
leave nothing behind, so the assistant never sends telemetry or fetches a model from a hub.
``setdefault`` keeps an operator's explicit choice for the non-privacy switches only.
"""

import os

_FORCED = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "GRADIO_RUN_HISTORY": "False",
}

_DEFAULTS = {
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def apply_offline_env() -> None:
    os.environ.update(_FORCED)
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)
