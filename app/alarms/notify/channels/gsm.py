"""A GSM modem on a serial port: SMS in PDU mode and voice calls, one exchange at a time.

The modem is one device shared by the SMS channel and the voice channel, so every exchange
takes the modem's lock; serial I/O blocks, so it runs in a worker thread.  Any failure closes
the port, and the next message opens and initialises it again (the modem may have been
unplugged or restarted meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time

import serial

from app.alarms.notify.channels.base import DeliveryError, Outgoing, secret
from app.alarms.notify.channels.pdu import submit_pdus
from app.config.notifications import GsmSmsChannel, GsmVoiceChannel, Modem

log = logging.getLogger(__name__)

FINAL_OK = ("OK",)
FINAL_ERR = ("ERROR", "+CMS ERROR", "+CME ERROR", "BUSY", "NO CARRIER", "NO ANSWER", "NO DIALTONE")
CMS_WORDS = {
    8: "operator barred / 运营商禁止", 21: "rejected by the network / 被网络拒绝",
    38: "network out of order / 网络故障",
    302: "operation not allowed / 不允许的操作", 304: "invalid PDU parameter / PDU 参数无效",
    310: "SIM not inserted / 未插入SIM卡", 311: "SIM PIN required / 需要SIM卡PIN码", 313: "SIM failure / SIM卡故障",
    322: "memory full / 存储已满", 330: "SMSC address unknown / 短信中心号码未知",
    331: "no network service / 无网络服务", 332: "network timeout / 网络超时", 500: "unknown error / 未知错误",
}
CALL_WORDS = {"BUSY": "busy / 占线", "NO CARRIER": "call dropped or refused / 呼叫中断或被拒",
              "NO ANSWER": "not answered / 无人接听", "NO DIALTONE": "no network / 无网络信号"}


class ModemReplyError(DeliveryError):
    """The modem answered a command with an error."""


class GsmModem:
    """AT-command exchanges with one modem, serialised by a lock (blocking: call from a thread)."""

    def __init__(self, cfg: Modem) -> None:
        self.cfg = cfg
        self._port: serial.Serial | None = None
        self._buf = b""
        self.unsolicited: list[str] = []  # lines that came between exchanges (the call watches them)
        self._lock = threading.Lock()
        self.alock = asyncio.Lock()  # keeps waiting coroutines out of the thread pool
        self._ref = int(time.time()) & 0xFF

    # -- the port -------------------------------------------------------------------------------
    def _open(self) -> serial.Serial:
        if self._port is not None:
            return self._port
        try:
            self._port = serial.Serial(self.cfg.port, self.cfg.baudrate, timeout=0.05, write_timeout=self.cfg.timeout)
        except (serial.SerialException, OSError) as exc:
            raise DeliveryError(f"modem port {self.cfg.port} cannot be opened: {exc} / 无法打开串口") from None
        self._buf = b""
        try:
            self._initialise()
        except BaseException:
            self.close()
            raise
        return self._port

    def _initialise(self) -> None:
        for _ in range(3):  # a modem waking up may swallow the first AT
            try:
                self._cmd("AT", timeout=min(self.cfg.timeout, 2.0))
                break
            except DeliveryError:
                continue
        else:
            raise DeliveryError(f"modem not answering on {self.cfg.port} / 短信猫无响应")
        self._cmd("ATE0")
        pin = self._cmd("AT+CPIN?")
        if any("SIM PIN" in line for line in pin):
            code = secret(self.cfg.pin_env, f"SIM PIN for modem {self.cfg.id}")
            if code is None:
                raise DeliveryError(f"modem {self.cfg.id}: the SIM asks for a PIN, no pin_env set / SIM卡需要PIN码")
            self._cmd(f"AT+CPIN={code}", log_as="AT+CPIN=***")
        self._cmd("AT+CMGF=0")

    def close(self) -> None:
        """Close the port (the next exchange reopens it)."""
        if self._port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._port.close()
            self._port = None

    def _write(self, data: bytes) -> None:
        assert self._port is not None
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise DeliveryError(f"modem port {self.cfg.port} write failed: {exc}") from None

    def _lines(self, deadline: float, until: tuple[str, ...], prompt: bool = False) -> list[str]:
        """Lines until one starts with a word in ``until`` (or the ``>`` prompt); DeliveryError on timeout."""
        assert self._port is not None
        got: list[str] = []
        while True:
            while b"\n" in self._buf or b"\r" in self._buf:
                line, _, rest = self._buf.partition(b"\n") if b"\n" in self._buf else self._buf.partition(b"\r")
                self._buf = rest
                text = line.strip(b"\r\n ").decode("ascii", errors="replace")
                if not text:
                    continue
                got.append(text)
                if any(text.startswith(w) for w in until):
                    return got
            if prompt and self._buf.lstrip(b"\r\n").startswith(b">"):
                self._buf = b""
                got.append(">")
                return got
            if time.monotonic() > deadline:
                raise DeliveryError(f"modem not answering on {self.cfg.port} (no reply within "
                                    f"{self.cfg.timeout:g} s) / 短信猫无响应")
            try:
                chunk = self._port.read(256)
            except (serial.SerialException, OSError) as exc:
                raise DeliveryError(f"modem port {self.cfg.port} read failed: {exc}") from None
            self._buf += chunk

    def _drain(self) -> None:
        """Move what arrived unasked (RING, BUSY, NO CARRIER ...) out of the way of the next reply."""
        assert self._port is not None
        try:
            waiting = self._port.in_waiting
            if waiting:
                self._buf += self._port.read(waiting)
        except (serial.SerialException, OSError) as exc:
            raise DeliveryError(f"modem port {self.cfg.port} read failed: {exc}") from None
        for raw in re.split(rb"[\r\n]+", self._buf):
            text = raw.strip().decode("ascii", errors="replace")
            if text:
                self.unsolicited.append(text)
        del self.unsolicited[:-50]
        self._buf = b""

    def _cmd(self, cmd: str, timeout: float | None = None, log_as: str | None = None, check: bool = True) -> list[str]:
        """Send one command and return its reply lines; ModemReplyError on an error reply."""
        self._drain()
        self._write(cmd.encode("ascii") + b"\r")
        deadline = time.monotonic() + (timeout or self.cfg.timeout)
        lines = [x for x in self._lines(deadline, FINAL_OK + FINAL_ERR) if x != cmd]
        if check:
            self._check(lines, log_as or cmd)
        return lines

    @staticmethod
    def _check(lines: list[str], what: str) -> None:
        last = lines[-1] if lines else ""
        if last.startswith(("+CMS ERROR", "+CME ERROR")):
            code = last.partition(":")[2].strip()
            words = CMS_WORDS.get(int(code), "") if code.isdigit() else code
            raise ModemReplyError(f"{what}: {last}{' (' + words + ')' if words else ''}")
        if last in CALL_WORDS:
            raise ModemReplyError(f"{what}: {CALL_WORDS[last]}")
        if last == "ERROR":
            raise ModemReplyError(f"{what}: ERROR")

    def _exchange(self, work: str, fn, *args: object) -> str:  # noqa: ANN001
        with self._lock:
            try:
                self._open()
                return fn(*args)
            except DeliveryError as exc:
                log.warning("modem %s (%s): %s", self.cfg.id, work, exc)
                if not isinstance(exc, ModemReplyError):
                    self.close()
                raise
            except Exception:
                self.close()
                raise

    # -- SMS ------------------------------------------------------------------------------------
    def send_sms(self, number: str, text: str, max_parts: int) -> str:
        """Send ``text`` as one SMS or a concatenated one; returns the message references."""
        return self._exchange("SMS", self._sms, number, text, max_parts)

    def _sms(self, number: str, text: str, max_parts: int) -> str:
        self._ref = (self._ref + 1) & 0xFF
        try:
            pdus = submit_pdus(number, text, self._ref, max_parts)
        except ValueError as exc:
            raise DeliveryError(str(exc)) from None
        refs = []
        for i, pdu in enumerate(pdus, start=1):
            self._write(f"AT+CMGS={pdu.length}\r".encode("ascii"))
            lines = self._lines(time.monotonic() + self.cfg.timeout, FINAL_ERR, prompt=True)
            if lines[-1] != ">":
                self._check(lines, f"AT+CMGS part {i}/{len(pdus)}")
                raise ModemReplyError(f"AT+CMGS part {i}/{len(pdus)}: {lines[-1]}")
            self._write(pdu.hex.encode("ascii") + b"\x1a")
            lines = self._lines(time.monotonic() + self.cfg.send_timeout, FINAL_OK + FINAL_ERR)
            self._check(lines, f"SMS part {i}/{len(pdus)} to {number}")
            refs += [x.partition(":")[2].strip() for x in lines if x.startswith("+CMGS")]
        return f"{len(pdus)} part(s), +CMGS: {','.join(refs) or '?'}"

    # -- voice ----------------------------------------------------------------------------------
    def call(self, number: str, ring_timeout: float, hold: float, poll: float, success: str) -> str:
        """Ring ``number``; returns how it went, DeliveryError when it does not count as delivered."""
        return self._exchange("call", self._call, number, ring_timeout, hold, poll, success)

    def _call(self, number: str, ring_timeout: float, hold: float, poll: float, success: str) -> str:
        if not re.fullmatch(r"\+?[0-9]{3,20}", number):
            raise DeliveryError(f"{number!r} is not a phone number")
        rang = answered = False
        ended = ""
        self.unsolicited.clear()
        try:
            self._cmd(f"ATD{number};", timeout=max(self.cfg.timeout, 10.0))
            deadline = time.monotonic() + ring_timeout
            while time.monotonic() < deadline and not ended:
                time.sleep(poll)
                lines = self.unsolicited + self._cmd("AT+CLCC", check=False)
                self.unsolicited.clear()
                ended = next((x for x in lines if x in CALL_WORDS), "")
                states = [int(m.group(1)) for x in lines if (m := re.match(r"\+CLCC:\s*\d+,\d+,(\d+)", x))]
                if not states and not ended:
                    ended = "NO CARRIER"
                rang = rang or any(s in (0, 3, 4) for s in states)
                if 0 in states:
                    answered = True
                    time.sleep(hold)
                    break
        finally:
            try:
                self._cmd("ATH")
            except DeliveryError as exc:
                log.warning("modem %s: hanging up failed: %s", self.cfg.id, exc)
        if answered:
            return f"answered, hung up after {hold:g} s"
        if rang and success == "rang":
            return "rang, not answered"
        if ended:
            raise DeliveryError(f"call to {number}: {CALL_WORDS.get(ended, ended)}")
        raise DeliveryError(f"call to {number}: rang {ring_timeout:g} s, not answered / 无人接听")


class SmsTransport:
    """SMS through a shared modem."""

    def __init__(self, cfg: GsmSmsChannel, modem: GsmModem) -> None:
        self.cfg = cfg
        self.modem = modem

    async def send(self, out: Outgoing) -> str:
        """Send the short text to the recipient's phone."""
        if not out.message.address:
            raise DeliveryError(f"{out.recipient_name} has no phone number / 没有手机号码")
        async with self.modem.alock:
            return await asyncio.to_thread(self.modem.send_sms, out.message.address, out.text.short,
                                           self.cfg.max_parts)

    async def close(self) -> None:
        """Close the modem's port."""
        async with self.modem.alock:
            await asyncio.to_thread(self.modem.close)


class VoiceTransport:
    """A phone call through a shared modem (the call itself is the message)."""

    def __init__(self, cfg: GsmVoiceChannel, modem: GsmModem) -> None:
        self.cfg = cfg
        self.modem = modem

    async def send(self, out: Outgoing) -> str:
        """Ring the recipient's phone."""
        if not out.message.address:
            raise DeliveryError(f"{out.recipient_name} has no phone number / 没有手机号码")
        c = self.cfg
        async with self.modem.alock:
            return await asyncio.to_thread(self.modem.call, out.message.address, c.ring_timeout, c.hold, c.poll,
                                           c.success)

    async def close(self) -> None:
        """Close the modem's port."""
        async with self.modem.alock:
            await asyncio.to_thread(self.modem.close)
