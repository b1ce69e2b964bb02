"""A GSM modem on a pseudo-terminal: speaks enough AT to take SMS (PDU mode) and voice calls.

Independent of the code under test: it decodes SMS-SUBMIT PDUs itself (UCS2 and concatenation
headers), reassembles long texts and records every call.  Its habits are switchable while it
runs: answer everything with ERROR, refuse SMS with +CMS ERROR, or not answer at all.
POSIX only (os.openpty), like every test peer on a pty.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from dataclasses import dataclass, field


@dataclass
class Sms:
    number: str
    text: str
    parts: int
    pdus: list[str] = field(default_factory=list)


@dataclass
class Call:
    number: str
    answered: bool = False
    hung_up: bool = False
    polls: int = 0


def decode_submit(hexpdu: str) -> tuple[str, str, tuple[int, int, int] | None]:
    """(number, text, (ref, total, seq) or None) of one SMS-SUBMIT PDU with an SMSC field."""
    b = bytes.fromhex(hexpdu)
    i = 1 + b[0]  # skip the SMSC field
    first = b[i]
    i += 2  # first octet, message reference
    ndigits, toa = b[i], b[i + 1]
    i += 2
    nbytes = (ndigits + 1) // 2
    digits = "".join(f"{x & 0x0F:X}{x >> 4:X}" for x in b[i : i + nbytes])[:ndigits]
    i += nbytes
    number = ("+" if toa == 0x91 else "") + digits
    i += 1  # PID
    dcs = b[i]
    i += 1
    vpf = (first >> 3) & 0x03
    i += {0: 0, 2: 1, 1: 7, 3: 7}[vpf]
    udl = b[i]
    ud = b[i + 1 : i + 1 + udl]
    if len(ud) != udl:
        raise ValueError(f"user data length {udl} but {len(ud)} bytes")
    concat = None
    if first & 0x40:
        hl = ud[0]
        header, ud = ud[1 : 1 + hl], ud[1 + hl :]
        j = 0
        while j < len(header):
            iei, ln = header[j], header[j + 1]
            val = header[j + 2 : j + 2 + ln]
            if iei == 0x00:
                concat = (val[0], val[1], val[2])
            elif iei == 0x08:
                concat = ((val[0] << 8) | val[1], val[2], val[3])
            j += 2 + ln
    if dcs & 0x0C != 0x08:
        raise ValueError(f"data coding {dcs:#x} is not UCS2")
    return number, ud.decode("utf-16-be"), concat


class ModemPeer:
    """The modem end of a pty; ``port`` is the path our code opens."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.mode = "ok"  # "ok", "error" (ERROR to everything), "silent" (no reply at all)
        self.cms_error: int | None = None  # answer every SMS with +CMS ERROR: n
        self.call_outcome = "answer"  # "answer", "busy", "no_answer", "reject"
        self.answer_after = 2  # AT+CLCC polls that see the phone ringing before it is answered
        self.commands: list[str] = []
        self.sms: list[Sms] = []
        self.pdus: list[str] = []
        self.calls: list[Call] = []
        self._parts: dict[tuple[str, int], dict[int, str]] = {}
        self._pending_cmgs: int | None = None
        self._buf = b""
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="modem-peer", daemon=True)

    def __enter__(self) -> ModemPeer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        os.close(self.master)
        os.close(self.slave)

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        """Wait until ``predicate(self)`` holds (the peer notifies on every command)."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    def _send(self, text: str) -> None:
        os.write(self.master, text.encode("ascii"))

    def _run(self) -> None:
        while not self._stop.is_set():
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                continue
            self._buf += data
            self._consume()

    def _consume(self) -> None:
        while True:
            if self._pending_cmgs is not None:
                if b"\x1a" not in self._buf:
                    return
                pdu, _, self._buf = self._buf.partition(b"\x1a")
                self._pdu(pdu.decode("ascii").strip())
                continue
            if b"\r" not in self._buf:
                return
            line, _, self._buf = self._buf.partition(b"\r")
            cmd = line.decode("ascii", errors="replace").strip()
            if cmd:
                with self._cond:
                    self.commands.append(cmd)
                    self._command(cmd)
                    self._cond.notify_all()

    def _ok(self, *lines: str) -> None:
        self._send("".join(f"\r\n{x}\r\n" for x in (*lines, "OK")))

    def _command(self, cmd: str) -> None:
        if self.mode == "silent":
            return
        if self.mode == "error":
            self._send("\r\nERROR\r\n")
            return
        up = cmd.upper()
        if up.startswith("AT+CMGS="):
            self._pending_cmgs = int(up.partition("=")[2])
            self._send("\r\n> ")
        elif up == "AT+CPIN?":
            self._ok("+CPIN: READY")
        elif up.startswith("ATD"):
            number = cmd[3:].rstrip(";")
            self.calls.append(Call(number))
            if self.call_outcome == "busy":
                self._ok()
                self._send("\r\nBUSY\r\n")
                self.calls[-1].hung_up = True
            else:
                self._ok()
        elif up == "AT+CLCC":
            call = self.calls[-1] if self.calls and not self.calls[-1].hung_up else None
            if call is None:
                self._ok()
                return
            call.polls += 1
            if self.call_outcome == "reject" and call.polls >= self.answer_after:
                call.hung_up = True
                self._send("\r\nNO CARRIER\r\n")
                self._ok()
                return
            if self.call_outcome == "answer" and call.polls > self.answer_after:
                call.answered = True
            stat = 0 if call.answered else (2 if call.polls == 1 else 3)
            self._ok(f'+CLCC: 1,0,{stat},0,0,"{call.number}",129')
        elif up in ("ATH", "AT+CHUP"):
            if self.calls:
                self.calls[-1].hung_up = True
            self._ok()
        elif up.startswith("AT"):
            self._ok()
        else:
            self._send("\r\nERROR\r\n")

    def _pdu(self, hexpdu: str) -> None:
        with self._cond:
            length, self._pending_cmgs = self._pending_cmgs, None
            self.pdus.append(hexpdu)
            if self.cms_error is not None:
                self._send(f"\r\n+CMS ERROR: {self.cms_error}\r\n")
                self._cond.notify_all()
                return
            if length != len(hexpdu) // 2 - 1 - int(hexpdu[:2], 16):
                self._send("\r\n+CMS ERROR: 304\r\n")
                self._cond.notify_all()
                return
            number, text, concat = decode_submit(hexpdu)
            if concat is None:
                self.sms.append(Sms(number, text, 1, [hexpdu]))
            else:
                ref, total, seq = concat
                got = self._parts.setdefault((number, ref), {})
                got[seq] = text
                if len(got) == total:
                    del self._parts[(number, ref)]
                    self.sms.append(Sms(number, "".join(got[i] for i in range(1, total + 1)), total))
            self._send(f"\r\n+CMGS: {len(self.pdus)}\r\n\r\nOK\r\n")
            self._cond.notify_all()
