"""E-mail over SMTP: STARTTLS, implicit TLS or plain, login with a password from the environment.

smtplib blocks, so each message is sent in a worker thread; the subject and body are UTF-8 so
Chinese arrives intact.  The password is read when sending and never appears in a log line or
a delivery detail.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.alarms.notify.channels.base import DeliveryError, Outgoing, redact, secret
from app.config.notifications import EmailChannel


class EmailTransport:
    """Sends one e-mail per message to the recipient's address."""

    def __init__(self, cfg: EmailChannel) -> None:
        self.cfg = cfg

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cfg.ca_file)

    def _send_blocking(self, msg: EmailMessage, password: str | None) -> str:
        cfg = self.cfg
        smtp: smtplib.SMTP
        if cfg.security == "tls":
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        with smtp:
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(f"{cfg.host}:{cfg.port} does not offer STARTTLS / 服务器不支持 STARTTLS")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if cfg.username is not None and password is not None:
                smtp.login(cfg.username, password)
            refused = smtp.send_message(msg)
            if refused:
                raise DeliveryError(f"recipient refused: {refused}")
            code, reply = smtp.noop()
            return f"accepted by {cfg.host}:{cfg.port} ({code} {reply.decode(errors='replace')})"

    async def send(self, out: Outgoing) -> str:
        """Send the e-mail in a thread; errors come back as DeliveryError in words."""
        cfg = self.cfg
        if not out.message.address:
            raise DeliveryError(f"{out.recipient_name} has no e-mail address / 没有邮箱地址")
        password = secret(cfg.password_env, f"SMTP login for channel {cfg.id}")
        msg = EmailMessage()
        msg["From"] = cfg.sender
        msg["To"] = out.message.address
        msg["Subject"] = out.text.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=cfg.sender.rpartition("@")[2])
        msg.set_content(out.text.body, charset="utf-8")
        return await self._deliver(msg, password)

    async def send_files(self, to: list[str], subject: str, body: str,
                         files: list[tuple[str, bytes, str]]) -> str:
        """An e-mail with attachments ``(file name, content, MIME type)`` — a scheduled report to its
        readers; errors come back as DeliveryError in words, never with the password."""
        cfg = self.cfg
        if not to:
            raise DeliveryError("no recipient / 没有收件人")
        password = secret(cfg.password_env, f"SMTP login for channel {cfg.id}")
        msg = EmailMessage()
        msg["From"] = cfg.sender
        msg["To"] = ", ".join(to)
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=cfg.sender.rpartition("@")[2])
        msg.set_content(body, charset="utf-8")
        for name, content, mime in files:
            main, _, sub = mime.partition("/")
            msg.add_attachment(content, maintype=main, subtype=sub, filename=name)
        return await self._deliver(msg, password)

    async def _deliver(self, msg: EmailMessage, password: str | None) -> str:
        cfg = self.cfg
        try:
            return await asyncio.to_thread(self._send_blocking, msg, password)
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login as {cfg.username} refused ({exc.smtp_code}) / 邮箱登录被拒绝") from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            text = redact(f"{type(exc).__name__}: {exc}", password)
            raise DeliveryError(f"SMTP {cfg.host}:{cfg.port}: {text}") from None

    async def close(self) -> None:
        """Nothing is kept open between messages."""
