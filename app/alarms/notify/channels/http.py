"""Channels over HTTP: an SMS gateway, DingTalk and WeCom group robots, a generic JSON webhook.

httpx runs on the event loop itself (no thread).  URLs often carry the robot's token, so every
URL that reaches a log line or a delivery detail goes through ``redact`` first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import ssl
import time
import urllib.parse
from typing import Any

import httpx

from app.alarms.notify.channels.base import DeliveryError, Outgoing, redact, secret
from app.config.notifications import DingTalkChannel, HttpSmsChannel, HttpSuccess, WebhookChannel, WeComChannel


def _client(timeout: float, ca_file: str | None) -> httpx.AsyncClient:
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=ca_file) if ca_file else True
    return httpx.AsyncClient(timeout=timeout, verify=verify, follow_redirects=False)


def _field(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            raise KeyError(path)
    return data


def judge(resp: httpx.Response, ok: HttpSuccess, url: str) -> str:
    """``"HTTP 200 ..."`` when the reply meets the success rule, else DeliveryError saying why."""
    body = resp.text[:300]
    where = f"{resp.request.method} {url}"
    if resp.status_code not in ok.status:
        raise DeliveryError(f"{where}: HTTP {resp.status_code} {body}")
    if ok.contains is not None and ok.contains not in resp.text:
        raise DeliveryError(f"{where}: reply lacks {ok.contains!r}: {body}")
    if ok.json_field is not None:
        try:
            got = _field(resp.json(), ok.json_field)
        except (ValueError, KeyError):
            raise DeliveryError(f"{where}: reply has no {ok.json_field}: {body}") from None
        if ok.equals is not None and str(got) != str(ok.equals):
            raise DeliveryError(f"{where}: {ok.json_field} is {got!r}, not {ok.equals!r}: {body}")
    return f"HTTP {resp.status_code} {body}".strip()


class _HttpTransport:
    def __init__(self, timeout: float, ca_file: str | None) -> None:
        self._timeout = timeout
        self._ca_file = ca_file
        self._http: httpx.AsyncClient | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = _client(self._timeout, self._ca_file)
        return self._http

    async def _request(self, method: str, url: str, secrets: tuple[str | None, ...], **kw: Any) -> httpx.Response:
        try:
            return await self.http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise DeliveryError(redact(f"{method} {url}: {type(exc).__name__} {exc}", *secrets)) from None

    async def close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None


class HttpSmsTransport(_HttpTransport):
    """An SMS gateway reached by a templated request."""

    def __init__(self, cfg: HttpSmsChannel, site: str) -> None:
        super().__init__(cfg.timeout, cfg.ca_file)
        self.cfg = cfg
        self.site = site

    async def send(self, out: Outgoing) -> str:
        """Fill the template and judge the reply."""
        cfg = self.cfg
        if not out.message.address:
            raise DeliveryError(f"{out.recipient_name} has no phone number / 没有手机号码")
        key = secret(cfg.secret_env, f"SMS gateway {cfg.id}") or ""
        first = out.message.events[0]
        values = {"phone": out.message.address, "text": out.text.short, "name": out.recipient_name, "secret": key,
                  "site": self.site, "level": str(int(first.alarm.level)), "alarm_id": str(first.alarm.id)}

        def fill(template: str, quote: bool = False) -> str:
            return template.format_map({k: urllib.parse.quote(v, safe="") if quote else v for k, v in values.items()})

        url = fill(cfg.url, quote=True)
        body = {k: fill(v) for k, v in cfg.body.items()}
        kw: dict[str, Any] = {"headers": {k: fill(v) for k, v in cfg.headers.items()}}
        if cfg.encoding == "json":
            kw["json"] = body
        elif cfg.encoding == "form":
            kw["data"] = body
        else:
            kw["params"] = body
        resp = await self._request(cfg.method, url, (key,), **kw)
        return redact(judge(resp, cfg.success, redact(url, key)), key)


def dingtalk_sign(url: str, key: str, now_ms: int | None = None) -> str:
    """The robot URL with ``timestamp`` and ``sign`` (base64 HMAC-SHA256 of "timestamp\\nsecret")."""
    ts = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(key.encode(), f"{ts}\n{key}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


_ROBOT_OK = HttpSuccess(status=[200], json_field="errcode", equals=0)


class DingTalkTransport(_HttpTransport):
    """A DingTalk group robot: text message, @ the recipients' phones."""

    def __init__(self, cfg: DingTalkChannel) -> None:
        super().__init__(cfg.timeout, cfg.ca_file)
        self.cfg = cfg

    async def send(self, out: Outgoing) -> str:
        """Post the text; success is ``errcode == 0``."""
        key = secret(self.cfg.secret_env, f"DingTalk robot {self.cfg.id}")
        url = dingtalk_sign(self.cfg.url, key) if key else self.cfg.url
        mentions = list(out.message.mentions) if self.cfg.mention else []
        content = out.text.body + ("\n" + " ".join(f"@{m}" for m in mentions) if mentions else "")
        payload = {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": mentions, "isAtAll": False}}
        resp = await self._request("POST", url, (key,), json=payload)
        return judge(resp, _ROBOT_OK, redact(self.cfg.url))


class WeComTransport(_HttpTransport):
    """A WeCom (企业微信) group robot."""

    def __init__(self, cfg: WeComChannel) -> None:
        super().__init__(cfg.timeout, cfg.ca_file)
        self.cfg = cfg

    async def send(self, out: Outgoing) -> str:
        """Post the text; success is ``errcode == 0``."""
        mentions = list(out.message.mentions) if self.cfg.mention else []
        payload = {"msgtype": "text", "text": {"content": out.text.body, "mentioned_mobile_list": mentions}}
        resp = await self._request("POST", self.cfg.url, (), json=payload)
        return judge(resp, _ROBOT_OK, redact(self.cfg.url))


class WebhookTransport(_HttpTransport):
    """A generic JSON webhook: the alarms as the cloud API shapes them, and both texts."""

    def __init__(self, cfg: WebhookChannel, site: str) -> None:
        super().__init__(cfg.timeout, cfg.ca_file)
        self.cfg = cfg
        self.site = site

    async def send(self, out: Outgoing) -> str:
        """Post the JSON; any 2xx counts as delivered."""
        key = secret(self.cfg.secret_env, f"webhook {self.cfg.id}")
        headers = dict(self.cfg.headers)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        m = out.message
        payload = {
            "site": self.site,
            "digest": m.digest,
            "count": len(m.events),
            "repeat": m.repeat,
            "mentions": list(m.mentions),
            "subject": out.text.subject, "text": out.text.body,
            "subject_en": out.text_en.subject, "text_en": out.text_en.body,
            "events": [e.to_json() for e in m.events],
        }
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
        resp = await self._request("POST", self.cfg.url, (key,), content=body, headers=headers)
        ok = HttpSuccess(status=list(range(200, 300)))
        return judge(resp, ok, redact(self.cfg.url))
