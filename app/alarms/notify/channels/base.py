"""What every channel shares: the resolved message it sends, its failure, and secret redaction."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Protocol

from app.alarms.notify.text import Text
from app.alarms.notify.throttle import Message

SECRET_QUERY = re.compile(
    r"(?i)([?&](?:access_token|key|sign|token|secret|password|passwd|pwd|apikey|api_key)=)[^&#\s]*"
)


class DeliveryError(Exception):
    """A delivery that did not happen, in words a person can act on (already free of secrets)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message with its words chosen for its recipient: what a transport needs to send it."""

    message: Message
    text: Text
    text_en: Text  # the English text, for channels that carry both (the generic webhook)
    recipient_name: str
    language: str


class Transport(Protocol):
    """Carries one outgoing message; raises DeliveryError (words, no secrets) when it cannot."""

    async def send(self, out: Outgoing) -> str:
        """Deliver; returns what the far end said (e.g. ``250 OK``, ``+CMGS: 7``)."""
        ...

    async def close(self) -> None:
        """Release connections and ports."""
        ...


def secret(env: str | None, what: str) -> str | None:
    """The value of the environment variable ``env`` (None when no variable is configured).

    Raises DeliveryError naming the variable (never a value) when it is configured but unset.
    """
    if env is None:
        return None
    value = os.environ.get(env)
    if not value:
        raise DeliveryError(f"{what}: environment variable {env} is not set / 环境变量 {env} 未设置")
    return value


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with secret values and token-like URL parameters replaced by ``***``."""
    text = SECRET_QUERY.sub(r"\1***", text)
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text
