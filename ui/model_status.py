"""The generative model's status as the chat shows it: the banner's text and the answer mode, for each status.

Pure functions, no gradio: the chat tab polls `read_status` every few seconds and applies `on_status`.

- The default mode is "generative" only when the settings ask for generative answers and the model is ready.
- A reader who chose a mode keeps it; a reader who did not follows the default as the model becomes ready.
- When the model becomes disabled or unavailable, a session in generative mode is switched to extractive.
- The banner shows the status message while the model is not ready (hidden when ready or off), and says so
  for a few seconds when it becomes ready.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from gfmd.records import ModelStatus

GENERATIVE, EXTRACTIVE = "generative", "extractive"
QUIET = frozenset({"ready", "off"})  # no banner
BLOCKED = frozenset({"disabled", "unavailable"})  # generative answers cannot be had: switch to extractive
NOTICE_SECONDS = 8.0  # how long "now available" stays up
NOW_AVAILABLE = "Generative answers are now available."
NOW_AVAILABLE_CHOSEN = "Generative answers are now available: choose “generative” under Answer mode to get them."
SWITCHED = "The answer mode was switched to extractive."
FALLBACK = {
    "preparing": "Generative answers are being prepared: the local model is still being set up. "
    "Answers are quoted verbatim meanwhile.",
    "starting": "The generative model is starting. Answers are quoted verbatim meanwhile.",
    "restarting": "The generative model is restarting. Answers are quoted verbatim meanwhile.",
    "disabled": "Generative mode is off: the local model was disabled.",
    "unavailable": "Generative mode is off: the local model is unavailable.",
}
log = logging.getLogger(__name__)


def read_status(assistant: Any, settings: Any) -> ModelStatus | None:
    """The assistant's `model_status()`; an assistant without one (a test fake) is "ready" when the settings
    ask for generative answers, else "off". None when the status cannot be read (logged)."""
    method = getattr(assistant, "model_status", None)
    if method is None:
        return ModelStatus(state="ready" if configured_generative(settings) else "off")
    try:
        status = method()
    except Exception as exc:
        log.warning("the model's status could not be read: %s", exc)
        return None
    return status if isinstance(status, ModelStatus) else None


def configured_generative(settings: Any) -> bool:
    return getattr(settings, "answer_mode", EXTRACTIVE) == GENERATIVE


def default_mode(status: ModelStatus | None, configured: bool) -> str:
    """The mode of a reader who has not chosen one."""
    return GENERATIVE if configured and status is not None and status.state == "ready" else EXTRACTIVE


def initial_mode(chosen: str, status: ModelStatus | None, configured: bool) -> str:
    """The mode a page opens with: the reader's choice (unless generative cannot be had), else the default."""
    if chosen == GENERATIVE and status is not None and status.state in BLOCKED:
        return EXTRACTIVE
    return chosen if chosen in (GENERATIVE, EXTRACTIVE) else default_mode(status, configured)


def banner_text(status: ModelStatus | None) -> str:
    """What the banner says about `status` ("" when it is hidden)."""
    if status is None or status.state in QUIET:
        return ""
    return status.message.strip() or FALLBACK.get(status.state, f"The generative model is {status.state}.")


@dataclass(frozen=True)
class Seen:
    """What a page last saw: the model's state, a notice shown until `until` (a `time.monotonic()` value, or
    infinity: for as long as the state lasts) and the banner's text."""

    state: str = ""
    notice: str = ""
    until: float = 0.0
    shown: str = ""


@dataclass(frozen=True)
class StatusView:
    banner: str  # "" hides the banner
    mode: str | None  # the answer mode to switch to; None keeps the page's
    seen: Seen  # what the page will have seen, for the next poll


def on_load(status: ModelStatus | None, *, chosen: str, configured: bool, now: float) -> StatusView:
    """What a page opens with: its mode (the reader's choice, else the default) and the banner."""
    mode = initial_mode(chosen, status, configured)
    view = on_status(status, chosen=chosen, current=chosen or mode, seen=Seen(), now=now, configured=configured)
    return StatusView(view.banner, mode, view.seen)


def on_status(
    status: ModelStatus | None, *, chosen: str, current: str, seen: Seen, now: float, configured: bool
) -> StatusView:
    """What a page shows for `status`, given what it saw last (`seen`) and its modes (`current` on the radio,
    `chosen` by the reader, "" when they have not chosen).

    The mode only changes when the state does, so a reader may pick generative while the model is starting, and
    keep it, without the next poll undoing it.
    """
    if status is None:  # unreadable: leave the page as it is
        return StatusView(seen.shown, None, seen)
    state = status.state
    first = seen.state == ""
    changed = not first and seen.state != state
    notice, until = (seen.notice, seen.until) if seen.notice and now < seen.until and not changed else ("", 0.0)
    mode: str | None = None
    if state == "ready" and (first or changed):
        target = initial_mode(chosen, status, configured)
        mode = target if target != current else None
        if changed and seen.state != "off":
            notice = NOW_AVAILABLE if target == GENERATIVE else NOW_AVAILABLE_CHOSEN
            until = now + NOTICE_SECONDS
    elif state in BLOCKED and (first or changed) and current == GENERATIVE:
        mode = EXTRACTIVE
        notice, until = SWITCHED, math.inf
    text = banner_text(status)
    if notice:
        text = notice if state in QUIET else f"{text} {notice}"
    return StatusView(text, mode, Seen(state=state, notice=notice, until=until, shown=text))
