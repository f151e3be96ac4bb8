from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
from pytest_socket import SocketBlockedError, SocketConnectBlockedError

import gfmd  # noqa: F401  (the import is what sets the switches)
from gfmd.offline import OFFLINE_ENV

FORCED = {"GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", "HF_HUB_DISABLE_TELEMETRY": "1"}


def test_switches_are_set_in_this_process() -> None:
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    # Libraries loaded later may rewrite these as "True"; huggingface_hub reads both spellings as on.
    assert os.environ["HF_HUB_DISABLE_TELEMETRY"] in ("1", "True", "true")
    assert os.environ["HF_HUB_OFFLINE"] in ("1", "True", "true")


def _env_after_import(env: dict[str, str]) -> dict[str, str]:
    code = "import json, os, gfmd; print(json.dumps(dict(os.environ)))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_importing_gfmd_turns_telemetry_off_in_a_fresh_process() -> None:
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV}
    # An operator's attempt to re-enable analytics or telemetry is overridden.
    env.update({"GRADIO_ANALYTICS_ENABLED": "True", "ANONYMIZED_TELEMETRY": "True", "HF_HUB_DISABLE_TELEMETRY": "0"})
    after = _env_after_import(env)
    for key, value in FORCED.items():
        assert after[key] == value, key
    assert after["HF_HUB_OFFLINE"] == "1"
    for key, value in OFFLINE_ENV.items():
        assert after[key] == value, key


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_unit_tests_cannot_reach_the_network() -> None:
    with pytest.raises((SocketBlockedError, SocketConnectBlockedError)):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routable anyway
