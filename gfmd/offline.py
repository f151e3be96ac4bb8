"""Turn off every phone-home path of the libraries we use, before any of them is imported.

Chroma, Gradio and Hugging Face all send telemetry or try to reach a hub by default. This product runs on
air-gapped servers, so the switches are set in code, not left to documentation.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce_offline() -> None:
    """Set the telemetry/offline switches unless the operator set them explicitly."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    # These two must never be re-enabled from the environment: analytics and telemetry stay off.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
