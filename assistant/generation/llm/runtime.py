"""The local model's runtime: llama-cpp-python built for any x86-64 CPU with AVX2, never for the build machine's.

llama-cpp-python exists here only as a source package, and its default build compiles llama.cpp with
`-march=native`: the library then uses whatever the build machine has (AVX-512, AMX tiles), and faults with
SIGILL on a CPU that lacks them or whose OS has not enabled them. `install_runtime` builds it on an explicit
baseline instead (AVX, AVX2, FMA, F16C, BMI2: x86-64-v3), with AVX-512 and AMX off, and records the flags in a
stamp beside the package. `setup_state` reports a build still running in the background (`scripts/run chat`
starts one and serves extractive answers meanwhile).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.generation.llm.engine import LLAMA_CPP_REQUIREMENT

PORTABLE_CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF",  # not -march=native: the wheel must run on other CPUs than the one that built it
    "-DGGML_AVX=ON",
    "-DGGML_AVX2=ON",
    "-DGGML_FMA=ON",
    "-DGGML_F16C=ON",
    "-DGGML_BMI2=ON",
    "-DGGML_AVX512=OFF",
    "-DGGML_AVX512_VBMI=OFF",
    "-DGGML_AVX512_VNNI=OFF",
    "-DGGML_AVX512_BF16=OFF",
    "-DGGML_AVX_VNNI=OFF",
    "-DGGML_AMX_TILE=OFF",  # AMX faults where the kernel has not granted the tile state, whatever cpuid says
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
    "-DLLAVA_BUILD=OFF",  # the multimodal library: not used, minutes of compiling
)
# What the portable build executes: /proc/cpuinfo must list all of these.
REQUIRED_CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "bmi2")
STAMP = ".gfmd-build.json"
SETUP_STATE = ".gfmd-llm-setup.json"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str] | None:
    """The CPU's feature flags as Linux lists them; None where they cannot be read."""
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("flags"):
                return set(line.partition(":")[2].split())
    except OSError:
        return None
    return None


def missing_cpu_features(flags: set[str] | None = None) -> list[str]:
    """The baseline features this CPU lacks (empty when it has them all, or when its flags cannot be read)."""
    flags = cpu_flags() if flags is None else flags
    if flags is None:
        return []
    return [f for f in REQUIRED_CPU_FLAGS if f not in flags]


def package_dir() -> Path | None:
    """Where llama_cpp is installed, without importing it (the server must never load its native library)."""
    importlib.invalidate_caches()
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def build_stamp() -> dict[str, Any] | None:
    """How the installed llama_cpp was built by `install_runtime`; None if it was not (or is not installed)."""
    where = package_dir()
    if where is None or not (where / STAMP).is_file():
        return None
    try:
        stamp = json.loads((where / STAMP).read_text(encoding="utf-8"))
    except ValueError:
        return None
    return stamp if isinstance(stamp, dict) else None


def is_portable_build() -> bool:
    stamp = build_stamp()
    return stamp is not None and list(stamp.get("cmake_args", [])) == list(PORTABLE_CMAKE_ARGS)


def wheel_cache_dir(requirement: str = LLAMA_CPP_REQUIREMENT) -> Path:
    """Where the portable wheel is kept once built, keyed by the requirement, the flags and this Python: a later
    setup on the same machine (a new clone, CI) installs it in seconds instead of compiling again. Unlike pip's
    own cache, a wheel built with other flags can never be picked up from here."""
    key = hashlib.sha256(f"{requirement}|{' '.join(PORTABLE_CMAKE_ARGS)}|{sys.version_info[:2]}".encode()).hexdigest()
    root = Path(os.environ.get("GFMD_WHEEL_CACHE") or Path.home() / ".cache" / "gfmd" / "wheels")
    return root / key[:16]


def install_runtime(requirement: str = LLAMA_CPP_REQUIREMENT) -> None:
    """Build (or take from `wheel_cache_dir`) and install llama-cpp-python on the portable baseline.

    Building compiles llama.cpp (minutes). `--no-cache-dir`: pip would otherwise reuse a wheel it built earlier
    with other flags (a native one).
    """
    cache = wheel_cache_dir(requirement)
    wheels = sorted(cache.glob("llama_cpp_python-*.whl"))
    if not wheels:
        env = {**os.environ, "CMAKE_ARGS": " ".join(PORTABLE_CMAKE_ARGS)}
        env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        with tempfile.TemporaryDirectory(prefix="gfmd-wheel-") as tmp:
            build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", tmp, requirement]
            subprocess.run(build, env=env, check=True)
            cache.mkdir(parents=True, exist_ok=True)
            for built in Path(tmp).glob("llama_cpp_python-*.whl"):
                shutil.move(str(built), cache / built.name)
        wheels = sorted(cache.glob("llama_cpp_python-*.whl"))
    if not wheels:
        raise RuntimeError(f"building {requirement} produced no wheel")
    pip = [sys.executable, "-m", "pip", "install"]
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheels[-1])], check=True)
    subprocess.run([*pip, str(wheels[-1])], check=True)  # its pure-Python dependencies, if any are missing
    where = package_dir()
    if where is None:
        raise RuntimeError(f"{requirement} was installed but llama_cpp cannot be found")
    stamp = {"requirement": requirement, "cmake_args": list(PORTABLE_CMAKE_ARGS), "wheel": wheels[-1].name}
    (where / STAMP).write_text(json.dumps({**stamp, "installed_at": time.time()}, indent=2), encoding="utf-8")


# --- the background setup's progress, shared through a file in the virtual environment
def setup_state_path() -> Path:
    return Path(sys.prefix) / SETUP_STATE


def write_setup_state(state: str, message: str = "", path: Path | None = None) -> None:
    """state: "running" (with this process's pid), "done" or "failed"."""
    path = path or setup_state_path()
    record = {"state": state, "message": message, "pid": os.getpid(), "updated": time.time()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(path)


def setup_state(path: Path | None = None) -> dict[str, Any] | None:
    """The background setup's last word; a "running" setup whose process is gone reads as "failed"."""
    path = path or setup_state_path()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    if record.get("state") == "running" and not _alive(int(record.get("pid", 0))):
        record = {**record, "state": "failed", "message": "the setup process ended before it finished"}
    return record


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
