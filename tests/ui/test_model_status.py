"""The model-status banner and the answer mode it implies (ui/model_status.py), for each status and choice."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from gfmd.records import ModelStatus
from ui.model_status import (
    FALLBACK,
    NOTICE_SECONDS,
    NOW_AVAILABLE,
    NOW_AVAILABLE_CHOSEN,
    SWITCHED,
    Seen,
    StatusView,
    banner_text,
    default_mode,
    initial_mode,
    on_load,
    on_status,
    read_status,
)

PREPARING = ModelStatus(state="preparing", message="Generative answers are being prepared: the model is set up.")
READY = ModelStatus(state="ready")
DISABLED = ModelStatus(state="disabled", message="Generative mode is off: the model crashed 3 times.")


def poll(
    status: ModelStatus | None, seen: Seen, *, chosen: str = "", current: str = "extractive", now: float = 100.0
) -> StatusView:
    return on_status(status, chosen=chosen, current=current, seen=seen, now=now, configured=True)


class WithStatus:
    def __init__(self, status: Any) -> None:
        self.status = status

    def model_status(self) -> Any:
        if isinstance(self.status, Exception):
            raise self.status
        return self.status


def test_an_assistant_without_model_status_is_ready_only_when_generative_is_configured() -> None:
    assert read_status(object(), SimpleNamespace(answer_mode="generative")) == ModelStatus(state="ready")
    assert read_status(object(), SimpleNamespace(answer_mode="extractive")) == ModelStatus(state="off")
    assert read_status(WithStatus(DISABLED), SimpleNamespace(answer_mode="generative")) == DISABLED


def test_a_status_that_cannot_be_read_is_none_and_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    assert read_status(WithStatus(RuntimeError("worker gone")), SimpleNamespace(answer_mode="generative")) is None
    assert "worker gone" in caplog.text
    seen = Seen(state="preparing", shown="Preparing")
    assert poll(None, seen).mode is None and poll(None, seen).banner == "Preparing"


@pytest.mark.parametrize(
    ("state", "configured", "expected"),
    [
        ("ready", True, "generative"),
        ("ready", False, "extractive"),
        ("preparing", True, "extractive"),
        ("starting", True, "extractive"),
        ("restarting", True, "extractive"),
        ("disabled", True, "extractive"),
        ("unavailable", True, "extractive"),
        ("off", True, "extractive"),
    ],
)
def test_the_default_mode_is_generative_only_when_configured_and_ready(
    state: str, configured: bool, expected: str
) -> None:
    assert default_mode(ModelStatus(state=state), configured) == expected  # type: ignore[arg-type]
    assert initial_mode("", ModelStatus(state=state), configured) == expected  # type: ignore[arg-type]


def test_a_chosen_mode_is_kept_unless_generative_cannot_be_had() -> None:
    assert initial_mode("extractive", READY, True) == "extractive"
    assert initial_mode("generative", PREPARING, True) == "generative"  # answers say they are quoted meanwhile
    assert initial_mode("generative", DISABLED, True) == "extractive"
    assert initial_mode("generative", None, True) == "generative"


@pytest.mark.parametrize("state", ["preparing", "starting", "restarting", "disabled", "unavailable"])
def test_the_banner_shows_the_message_or_a_plain_fallback_while_not_ready(state: str) -> None:
    assert banner_text(ModelStatus(state=state, message="  Why it is so.  ")) == "Why it is so."  # type: ignore[arg-type]
    assert banner_text(ModelStatus(state=state)) == FALLBACK[state]  # type: ignore[arg-type]
    assert "verbatim" in FALLBACK[state] or FALLBACK[state].startswith("Generative mode is off")


@pytest.mark.parametrize("state", ["ready", "off"])
def test_the_banner_is_hidden_when_ready_or_off(state: str) -> None:
    assert banner_text(ModelStatus(state=state, message="anything")) == ""  # type: ignore[arg-type]
    assert banner_text(None) == ""


def test_page_load_while_preparing_shows_the_message_and_opens_in_extractive() -> None:
    view = on_load(PREPARING, chosen="", configured=True, now=0.0)
    assert (view.banner, view.mode) == (PREPARING.message, "extractive")
    assert view.seen == Seen(state="preparing", shown=PREPARING.message)


def test_page_load_of_a_reader_who_chose_generative_while_disabled_says_why_it_is_extractive() -> None:
    view = on_load(DISABLED, chosen="generative", configured=True, now=0.0)
    assert view.mode == "extractive"
    assert view.banner == f"{DISABLED.message} {SWITCHED}"
    assert on_load(READY, chosen="generative", configured=True, now=0.0).banner == ""


def test_becoming_ready_switches_a_reader_who_did_not_choose_and_says_so_briefly() -> None:
    seen = on_load(PREPARING, chosen="", configured=True, now=0.0).seen
    view = poll(READY, seen, now=10.0)
    assert (view.mode, view.banner) == ("generative", NOW_AVAILABLE)
    later = poll(READY, view.seen, current="generative", now=10.0 + NOTICE_SECONDS / 2)
    assert (later.mode, later.banner) == (None, NOW_AVAILABLE)
    gone = poll(READY, later.seen, current="generative", now=10.0 + NOTICE_SECONDS + 0.1)
    assert (gone.mode, gone.banner) == (None, "")


def test_becoming_ready_keeps_a_chosen_mode_and_tells_how_to_switch() -> None:
    seen = on_load(PREPARING, chosen="extractive", configured=True, now=0.0).seen
    view = poll(READY, seen, chosen="extractive", now=5.0)
    assert (view.mode, view.banner) == (None, NOW_AVAILABLE_CHOSEN)
    chose_generative = poll(READY, seen, chosen="generative", current="generative", now=5.0)
    assert (chose_generative.mode, chose_generative.banner) == (None, NOW_AVAILABLE)


def test_a_reader_who_picks_generative_while_preparing_keeps_it_across_polls() -> None:
    seen = on_load(PREPARING, chosen="", configured=True, now=0.0).seen
    for now in (3.0, 6.0, 9.0):
        view = poll(PREPARING, seen, chosen="generative", current="generative", now=now)
        assert (view.mode, view.banner) == (None, PREPARING.message)
        seen = view.seen


def test_becoming_disabled_switches_generative_to_extractive_and_says_why_for_as_long_as_it_lasts() -> None:
    seen = on_load(READY, chosen="", configured=True, now=0.0).seen
    view = poll(DISABLED, seen, current="generative", now=3.0)
    assert view.mode == "extractive"
    assert view.banner == f"{DISABLED.message} {SWITCHED}"
    assert view.seen.until == math.inf
    still = poll(DISABLED, view.seen, current="extractive", now=1000.0)
    assert (still.mode, still.banner) == (None, view.banner)


def test_becoming_disabled_in_extractive_mode_only_says_why() -> None:
    seen = on_load(READY, chosen="extractive", configured=True, now=0.0).seen
    view = poll(DISABLED, seen, chosen="extractive", current="extractive", now=3.0)
    assert (view.mode, view.banner) == (None, DISABLED.message)


def test_recovering_from_disabled_gives_back_a_chosen_generative_mode() -> None:
    seen = on_load(DISABLED, chosen="generative", configured=True, now=0.0).seen
    view = poll(READY, seen, chosen="generative", current="extractive", now=3.0)
    assert (view.mode, view.banner) == ("generative", NOW_AVAILABLE)


def test_a_restart_keeps_the_mode_and_shows_the_message_until_ready_again() -> None:
    seen = on_load(READY, chosen="", configured=True, now=0.0).seen
    restarting = ModelStatus(state="restarting", message="The model is restarting.", crashes=1)
    view = poll(restarting, seen, current="generative", now=3.0)
    assert (view.mode, view.banner) == (None, "The model is restarting.")
    back = poll(READY, view.seen, current="generative", now=6.0)
    assert (back.mode, back.banner) == (None, NOW_AVAILABLE)


def test_extractive_only_settings_never_show_a_banner_or_switch() -> None:
    off = ModelStatus(state="off", message="generative answers are not configured")
    view = on_load(off, chosen="", configured=False, now=0.0)
    assert (view.mode, view.banner) == ("extractive", "")
    again = on_status(off, chosen="", current="extractive", seen=view.seen, now=3.0, configured=False)
    assert (again.mode, again.banner) == (None, "")
