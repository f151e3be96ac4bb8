"""Login configuration: GFMD_AUTH, GFMD_AUTH_FILE, and the constant-time check."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from ui.auth import AuthConfigError, load_credentials, make_authenticator, parse_credentials, read_credentials_file


@pytest.fixture(autouse=True)
def _no_auth_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GFMD_AUTH", raising=False)
    monkeypatch.delenv("GFMD_AUTH_FILE", raising=False)


def test_pairs_from_the_variable() -> None:
    assert parse_credentials("ana:s3cret, bo:pa:ss:word ,") == [("ana", "s3cret"), ("bo", "pa:ss:word")]


@pytest.mark.parametrize("spec", ["ana", "ana:", ":pw", "ana:ok,bo"])
def test_malformed_pairs_are_errors(spec: str) -> None:
    with pytest.raises(AuthConfigError, match="user:password"):
        parse_credentials(spec)


def test_credentials_file_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text("# staff\nana:one\n\n  bo:two,with,commas\n", encoding="utf-8")
    assert read_credentials_file(path) == [("ana", "one"), ("bo", "two,with,commas")]


def test_credentials_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text("ana:one\nbroken\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match=r"users:2"):
        read_credentials_file(path)
    with pytest.raises(AuthConfigError, match="cannot read"):
        read_credentials_file(tmp_path / "missing")
    (tmp_path / "empty").write_text("# nobody\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match="no 'user:password'"):
        read_credentials_file(tmp_path / "empty")


def test_no_configuration_means_no_login() -> None:
    assert load_credentials(SimpleNamespace()) is None
    assert load_credentials(None) is None


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users"
    path.write_text("cy:three\n", encoding="utf-8")
    monkeypatch.setenv("GFMD_AUTH", "ana:one")
    monkeypatch.setenv("GFMD_AUTH_FILE", str(path))
    assert load_credentials(SimpleNamespace()) == [("ana", "one"), ("cy", "three")]


def test_settings_fields_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GFMD_AUTH", "ana:one")

    class Secret:
        def get_secret_value(self) -> str:
            return "zoe:pw"

    assert load_credentials(SimpleNamespace(auth=Secret())) == [("zoe", "pw")]


def test_a_user_defined_twice_is_an_error() -> None:
    with pytest.raises(AuthConfigError, match="defined twice: ana"):
        load_credentials(SimpleNamespace(auth="ana:one,ana:two"))


def test_authenticator() -> None:
    check = make_authenticator([("ana", "s3cret"), ("bo", "ünï")])
    assert check("ana", "s3cret") and check("bo", "ünï")
    assert not check("ana", "S3cret") and not check("ana", "") and not check("nobody", "s3cret")
    assert not check("bo", "s3cret")
