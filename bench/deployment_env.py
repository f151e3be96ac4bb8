"""How the processes of a shared deployment are started (bench.shared_deployment, bench.deployment_checks): the
environment of a `gfmd` process and the command that runs it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gfmd.offline import OFFLINE_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMA_TIMEOUT_S = 10.0  # GFMD_CHROMA_TIMEOUT for the workers: a hung server is reported within this


def worker_env(chroma_url: str, index_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a `gfmd` process of this deployment: no GFMD_* from the caller's shell, the repository
    first on PYTHONPATH (the code under test), telemetry off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GFMD_")}
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env.update(
        GFMD_CHROMA_URL=chroma_url,
        GFMD_INDEX_DIR=str(index_dir),
        GFMD_CHROMA_TIMEOUT=f"{CHROMA_TIMEOUT_S:g}",
        GFMD_ANSWER_MODE="extractive",
        GFMD_LLM_BACKEND="none",
    )
    env.update({f"GFMD_{k.upper()}": v for k, v in settings.items()})
    return env


def gfmd_command() -> list[str]:
    """`gfmd` run by this interpreter (its venv), whatever is on PATH."""
    return [sys.executable, "-c", "from ui.cli import main; main()"]
