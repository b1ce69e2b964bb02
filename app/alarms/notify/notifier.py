"""The notifier: alarm events in, messages out on every channel, without ever holding up the engine.

``submit`` only appends to an inbox and wakes the dispatcher, so the engine never waits and
never sees an exception from here.  The dispatcher routes (``Planner``), rate-limits
(``Throttle``) and hands each message to its channel's worker; every channel has its own
asyncio worker and queue, so a dead modem delays SMS and calls but not e-mail or webhooks.
Failed attempts are retried with growing waits; every attempt is logged and kept in the
delivery log that ``deliveries()`` and ``status()`` show.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from app.alarms.model import AlarmEvent
from app.alarms.notify.channels.base import DeliveryError, Outgoing, Transport, redact
from app.alarms.notify.channels.email import EmailTransport
from app.alarms.notify.channels.gsm import GsmModem, SmsTransport, VoiceTransport
from app.alarms.notify.channels.http import DingTalkTransport, HttpSmsTransport, WebhookTransport, WeComTransport
from app.alarms.notify.delivery import ChannelStatus, Delivery, DeliveryLog, Result
from app.alarms.notify.plan import Planner
from app.alarms.notify.text import Wording
from app.alarms.notify.throttle import Message, Throttle
from app.config.notifications import BROADCAST_KINDS, AnyChannel, NotificationSettings

log = logging.getLogger(__name__)


def _now_ms(clock: Callable[[], float]) -> int:
    return int(clock() * 1000)


class _Worker:
    """One channel's queue, transport and health."""

    def __init__(self, cfg: AnyChannel, transport: Transport, attempt_timeout: float) -> None:
        self.cfg = cfg
        self.transport = transport
        self.attempt_timeout = attempt_timeout
        self.queue: asyncio.Queue[Message] | None = None
        self.task: asyncio.Task[None] | None = None
        self.state = "idle"
        self.since: int | None = None
        self.last_ok: int | None = None
        self.last_error = ""


class Notifier:
    """Graded push of alarm events to people, by route, with escalation, rate limits and digests.

    Runs on the event loop that calls ``start()`` (the data source's loop).  ``clock`` returns
    seconds since the epoch; tests inject one and call ``poke()``/``settle()``.
    """

    def __init__(
        self,
        settings: NotificationSettings,
        *,
        site_name: tuple[str, str] | str = ("", ""),
        timezone: str | ZoneInfo = "Asia/Shanghai",
        rooms: Mapping[str, tuple[str, str]] | None = None,
        clock: Callable[[], float] = time.time,
        tick: float = 1.0,
    ) -> None:
        self.settings = settings
        site = (site_name, site_name) if isinstance(site_name, str) else site_name
        tz = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self.wording = Wording(site=site, tz=tz, rooms=rooms)
        self.clock = clock
        self.tick = tick
        self.planner = Planner(settings, tz)
        self.throttle = Throttle({c.id: c.rate for c in settings.channels})
        self.log = DeliveryLog(settings.log_size)
        self._inbox: deque[AlarmEvent] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stopped: asyncio.Event | None = None
        self._modems = {m.id: GsmModem(m) for m in settings.modems}
        self._workers: dict[str, _Worker] = {c.id: self._worker(c, site[0]) for c in settings.channels}

    def _worker(self, c: AnyChannel, site: str) -> _Worker:
        kind = c.kind
        if kind == "email":
            return _Worker(c, EmailTransport(c), c.timeout * 4 + 5)
        if kind == "gsm_sms":
            m = self._modems[c.modem]
            t = m.cfg.timeout * 6 + m.cfg.send_timeout * c.max_parts + 10
            return _Worker(c, SmsTransport(c, m), t)
        if kind == "gsm_voice":
            m = self._modems[c.modem]
            t = c.ring_timeout + c.hold + m.cfg.timeout * 8 + 20
            return _Worker(c, VoiceTransport(c, m), t)
        timeout = c.timeout + 5
        if kind == "http_sms":
            return _Worker(c, HttpSmsTransport(c, site), timeout)
        if kind == "dingtalk":
            return _Worker(c, DingTalkTransport(c), timeout)
        if kind == "wecom":
            return _Worker(c, WeComTransport(c), timeout)
        return _Worker(c, WebhookTransport(c, site), timeout)

    # -- the engine's side ------------------------------------------------------------------------
    def submit(self, events: Iterable[AlarmEvent]) -> None:
        """Hand over alarm events; returns at once and never raises (from any thread)."""
        try:
            if not self.settings.enabled or not self.settings.routes:
                return
            self._inbox.extend(events)
            self._poke_threadsafe()
        except Exception:
            log.exception("notification: could not take alarm events")

    def _poke_threadsafe(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return  # taken up at start()
        if threading.get_ident() == self._thread:
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)

    def poke(self) -> None:
        """Look at the clock now (tests move an injected clock, then poke)."""
        self._poke_threadsafe()

    # -- life -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the dispatcher and one worker per channel on the running loop."""
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopping = False
        for cid, w in self._workers.items():
            w.queue = asyncio.Queue(maxsize=w.cfg.queue)
            w.task = asyncio.create_task(self._work(w), name=f"notify-{cid}")
        self._task = asyncio.create_task(self._run(), name="notify-dispatch")
        log.info("notification started: %d channel(s), %d route(s)", len(self._workers), len(self.settings.routes))
        if self._inbox:
            self._wake.set()

    async def stop(self, timeout: float | None = None) -> None:
        """Send what is queued (digests too) for at most ``timeout`` s, then abandon the rest, logged."""
        if self._task is None:
            return
        timeout = self.settings.stop_timeout if timeout is None else timeout
        self._process()
        for msg in self.throttle.flush():
            self._dispatch(msg)
        self._stopping = True
        assert self._wake is not None and self._stopped is not None
        self._wake.set()
        await self._task
        self._task = None
        joins = [w.queue.join() for w in self._workers.values() if w.queue is not None]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*joins), timeout)
        self._stopped.set()
        now = _now_ms(self.clock)
        left = 0
        for cid, w in self._workers.items():
            if w.task is not None:
                w.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await w.task
            while w.queue is not None and not w.queue.empty():
                msg = w.queue.get_nowait()
                left += 1
                self._record(now, msg, Result.ABANDONED, "notifier stopped before it was sent / 停止时尚未发送", 0)
            try:
                await w.transport.close()
            except Exception:
                log.exception("notification: closing channel %s failed", cid)
        if left:
            log.warning("notification stopped: %d message(s) abandoned unsent (see the delivery log)", left)
        else:
            log.info("notification stopped: nothing left unsent")
        self._loop = self._wake = None

    async def settle(self, timeout: float = 30.0) -> None:
        """Process the inbox and what is due now, then wait until every queue is empty (for tests)."""
        self._process()
        joins = [w.queue.join() for w in self._workers.values() if w.queue is not None]
        await asyncio.wait_for(asyncio.gather(*joins), timeout)

    # -- what the console shows -------------------------------------------------------------------
    def deliveries(self, alarm_id: int | None = None, channel: str | None = None,
                   limit: int | None = None) -> list[Delivery]:
        """Recorded attempts, oldest first."""
        return self.log.rows(alarm_id=alarm_id, channel=channel, limit=limit)

    def status(self) -> list[ChannelStatus]:
        """Each channel's health in words, e.g. "SMS: modem not answering since 14:02"."""
        out = []
        for cid, w in self._workers.items():
            cfg = w.cfg
            name_zh = cfg.name.zh if cfg.name else cid
            name_en = cfg.name.en if cfg.name else cid
            state = w.state if cfg.enabled else "disabled"
            at = self.wording.local(w.since, seconds=False) if w.since else ""
            queued = w.queue.qsize() if w.queue is not None else 0
            if state == "failing":
                zh, en = f"{name_zh}：{w.last_error}（自{at}起）", f"{name_en}: {w.last_error} since {at}"
            elif state == "ok":
                zh, en = f"{name_zh}：正常（{at}）", f"{name_en}: ok ({at})"
            elif state == "disabled":
                zh, en = f"{name_zh}：已停用", f"{name_en}: disabled"
            else:
                zh, en = f"{name_zh}：尚未发送", f"{name_en}: nothing sent yet"
            if queued:
                zh, en = f"{zh}，排队{queued}条", f"{en}, {queued} queued"
            out.append(ChannelStatus(cid, cfg.kind, state, w.since, w.last_ok, w.last_error, queued, zh, en))
        return out

    # -- dispatch -------------------------------------------------------------------------------
    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick)
            self._wake.clear()
            if not self._stopping:
                self._process()

    def _process(self) -> None:
        """Route new events, start due escalation steps, release due digests (never raises)."""
        try:
            now = _now_ms(self.clock)
            sends = []
            while self._inbox:
                ev = self._inbox.popleft()
                try:
                    sends += self.planner.on_event(ev, now)
                except Exception:
                    log.exception("notification: routing alarm event %s failed", ev)
            sends += self.planner.due(now)
            for s in sends:
                msg = self.throttle.offer(s, now)
                if msg is not None:
                    self._dispatch(msg)
                else:
                    self.log.add(Delivery(now, s.event.alarm.id, s.channel, s.recipient or "*", Result.HELD,
                                          "over the rate limit: goes out in a digest / 超出频率限制，稍后汇总发送",
                                          0, (s.event.alarm.id,), s.address))
            for msg in self.throttle.due(now):
                self._dispatch(msg)
        except Exception:
            log.exception("notification: dispatch failed")

    def _dispatch(self, msg: Message) -> None:
        w = self._workers[msg.channel]
        now = _now_ms(self.clock)
        if w.cfg.kind not in BROADCAST_KINDS and not msg.address:
            self._record(now, msg, Result.REFUSED, "recipient has no address on this channel / 收件人没有该通道的地址",
                         0)
            return
        if w.queue is None:
            self._record(now, msg, Result.REFUSED, "notifier not started / 通知未启动", 0)
            return
        try:
            w.queue.put_nowait(msg)
        except asyncio.QueueFull:
            self._record(now, msg, Result.REFUSED, f"channel queue full ({w.queue.maxsize}) / 通道队列已满", 0)

    def outgoing(self, msg: Message) -> Outgoing:
        """The message with its words for its recipient (their language; the channel's for group chats)."""
        if msg.recipient is None:
            lang, name = getattr(self._workers[msg.channel].cfg, "language", "zh"), "*"
        else:
            r = self.settings.recipient(msg.recipient)
            lang, name = r.language, (r.name.zh if r.language == "zh" else r.name.en)
        lines = self._workers[msg.channel].cfg.rate.digest_lines
        text = self.wording.compose(msg.events, lang, repeat=msg.repeat, lines=lines)
        text_en = text if lang == "en" else self.wording.compose(msg.events, "en", repeat=msg.repeat, lines=lines)
        return Outgoing(msg, text, text_en, name, lang)

    def _record(self, now: int, msg: Message, result: Result, detail: str, attempt: int) -> None:
        ids = msg.alarm_ids
        row = Delivery(now, ids[0], msg.channel, msg.recipient or "*", result, detail, attempt, ids, msg.address)
        self.log.add(row)
        level = logging.INFO if result is Result.SENT else logging.WARNING
        log.log(level, "notify %s alarm %s -> %s via %s (attempt %d): %s", result, ",".join(map(str, ids)),
                msg.recipient or "group chat", msg.channel, attempt, detail)

    async def _work(self, w: _Worker) -> None:
        assert w.queue is not None
        while True:
            msg = await w.queue.get()
            try:
                await self._deliver(w, msg)
            except asyncio.CancelledError:
                self._record(_now_ms(self.clock), msg, Result.ABANDONED, "notifier stopped mid-send / 发送中被停止", 0)
                raise
            except Exception:
                log.exception("notification: channel %s worker failed on a message", msg.channel)
            finally:
                w.queue.task_done()

    async def _deliver(self, w: _Worker, msg: Message) -> None:
        retry = w.cfg.retry
        out = self.outgoing(msg)
        for attempt in range(1, retry.attempts + 1):
            try:
                detail = await asyncio.wait_for(w.transport.send(out), w.attempt_timeout)
            except (DeliveryError, TimeoutError, Exception) as exc:
                if isinstance(exc, DeliveryError):
                    error = str(exc)
                elif isinstance(exc, TimeoutError):
                    error = f"no result within {w.attempt_timeout:g} s / 超时"
                else:
                    log.exception("notification: channel %s raised", msg.channel)
                    error = redact(f"{type(exc).__name__}: {exc}")
                now = _now_ms(self.clock)
                if w.state != "failing":
                    w.state, w.since = "failing", now
                w.last_error = error
                last = attempt == retry.attempts or self._stopping
                self._record(now, msg, Result.FAILED if last else Result.RETRY, error, attempt)
                if last:
                    return
                assert self._stopped is not None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), retry.wait(attempt))
                if self._stopped.is_set():
                    self._record(_now_ms(self.clock), msg, Result.ABANDONED, "stopped before the retry / 重试前已停止",
                                 attempt)
                    return
                continue
            now = _now_ms(self.clock)
            if w.state != "ok":
                w.state, w.since = "ok", now
            w.last_ok, w.last_error = now, ""
            self._record(now, msg, Result.SENT, detail, attempt)
            return
