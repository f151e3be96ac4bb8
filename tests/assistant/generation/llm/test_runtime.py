"""The llama.cpp runtime: CPU baseline checks, the background setup's state, and (integration) that the installed
library was built portably and holds no instruction outside the baseline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.generation.llm import runtime

EPYC_FLAGS = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c bmi1 avx2 bmi2"


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: {EPYC_FLAGS}\n\n", encoding="utf-8")
    flags = runtime.cpu_flags(cpuinfo)
    assert flags is not None and {"avx2", "fma", "f16c"} <= flags
    assert runtime.missing_cpu_features(flags) == []
    assert runtime.missing_cpu_features({"sse4_2", "avx"}) == ["avx2", "fma", "f16c", "bmi2"]
    assert runtime.cpu_flags(tmp_path / "absent") is None


def test_an_amx_cpu_meets_the_baseline_because_the_build_never_uses_amx() -> None:
    sapphire_rapids = set(EPYC_FLAGS.split()) | {"avx512f", "avx512_vnni", "amx_tile", "amx_int8"}
    assert runtime.missing_cpu_features(sapphire_rapids) == []
    assert "-DGGML_NATIVE=OFF" in runtime.PORTABLE_CMAKE_ARGS
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AVX512=OFF"} <= set(runtime.PORTABLE_CMAKE_ARGS)


def test_setup_state_round_trip_and_a_dead_setup_reads_as_failed(tmp_path: Path) -> None:
    path = tmp_path / runtime.SETUP_STATE
    assert runtime.setup_state(path) is None
    runtime.write_setup_state("running", "building", path)
    state = runtime.setup_state(path)
    assert state is not None and state["state"] == "running" and state["pid"] == os.getpid()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    record = {**json.loads(path.read_text()), "pid": int(dead.stdout)}
    path.write_text(json.dumps(record))
    state = runtime.setup_state(path)
    assert state is not None and state["state"] == "failed" and "ended" in state["message"]
    path.write_text("{not json")
    assert runtime.setup_state(path) is None


def test_build_stamp_names_the_portable_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "package_dir", lambda: tmp_path)
    assert runtime.build_stamp() is None and not runtime.is_portable_build()
    (tmp_path / runtime.STAMP).write_text(json.dumps({"cmake_args": ["-DGGML_NATIVE=ON"]}))
    assert not runtime.is_portable_build()
    (tmp_path / runtime.STAMP).write_text(json.dumps({"cmake_args": list(runtime.PORTABLE_CMAKE_ARGS)}))
    assert runtime.is_portable_build()


# Instructions outside the baseline: AMX tiles, and any use of AVX-512's zmm registers or mask registers.
OUTSIDE_BASELINE = ("tileloadd", "tdpbssd", "ldtilecfg", "%zmm", "%k1")


@pytest.mark.integration
@pytest.mark.slow
def test_installed_runtime_is_the_portable_build_without_avx512_or_amx() -> None:
    """The library the worker loads must run on any x86-64 CPU with AVX2, whatever CPU built it."""
    where = runtime.package_dir()
    assert where is not None, "llama-cpp-python is not installed: python scripts/setup_llm.py --install-llama"
    assert runtime.is_portable_build(), f"{where} was not built by scripts/setup_llm.py --install-llama"
    objdump = shutil.which("objdump")
    assert objdump is not None, "objdump (binutils) is needed to inspect the library"
    libraries = sorted((where / "lib").glob("libggml*.so*"))
    assert any("cpu" in lib.name for lib in libraries), libraries
    for lib in libraries:
        code = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(lib)], capture_output=True, text=True).stdout
        found = {marker: code.count(marker) for marker in OUTSIDE_BASELINE if marker in code}
        assert not found, f"{lib.name} uses instructions outside the AVX2 baseline: {found}"


def test_the_wheel_cache_is_keyed_by_the_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pip's own cache hands back a wheel built with other flags; ours cannot."""
    monkeypatch.setenv("GFMD_WHEEL_CACHE", str(tmp_path))
    portable = runtime.wheel_cache_dir()
    assert portable.parent == tmp_path and portable == runtime.wheel_cache_dir()
    monkeypatch.setattr(runtime, "PORTABLE_CMAKE_ARGS", ("-DGGML_NATIVE=ON",))
    assert runtime.wheel_cache_dir() != portable
