"""E-mail reaches a real aiosmtpd server: STARTTLS and implicit TLS with a trustme CA, login checked."""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import socket
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.alarms.notify import Notifier, Result
from tests.unit.notify_cases import raised, settings

PASSWORD = "s3cret-pw"


class Inbox:
    def __init__(self) -> None:
        self.mails: list[email.message.EmailMessage] = []
        self.rcpts: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.mails.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"alarm", PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def smtp_server(tmp_path, implicit_tls: bool):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = Inbox()
    port = free_port()
    # aiosmtpd does not see an implicit-TLS socket as TLS: let it offer AUTH there (the wire is TLS; our
    # client logs in whenever it has a username, and the authenticator still checks the password)
    kw = ({"ssl_context": ctx, "auth_require_tls": False, "auth_required": False} if implicit_tls
          else {"tls_context": ctx, "require_starttls": True, "auth_required": True})
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, **kw)
    controller.start()
    try:
        yield inbox, port, ca_file
    finally:
        controller.stop()


def mail_settings(port: int, ca_file, security: str, **channel):
    ch = {"id": "mail", "kind": "email", "host": "127.0.0.1", "port": port, "security": security,
          "sender": "alarm@example.com", "username": "alarm", "password_env": "TEST_SMTP_PW",
          "ca_file": str(ca_file), "timeout": 5, "retry": {"attempts": 1}}
    ch.update(channel)
    return settings(channels=[ch])


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_chinese_mail_arrives_over_tls_with_login(tmp_path, monkeypatch, security):
    monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
    with smtp_server(tmp_path, implicit_tls=security == "tls") as (inbox, port, ca_file):
        n = Notifier(mail_settings(port, ca_file, security), site_name=("一号配电房", "Substation 1"))
        await n.start()
        try:
            n.submit([raised(5, level=1)])
            await n.settle()
        finally:
            await n.stop()
    by_rcpt = {r[0]: m for r, m in zip(inbox.rcpts, inbox.mails, strict=True)}
    assert set(by_rcpt) == {"zhang@example.com", "li@example.com"}
    zh = by_rcpt["zhang@example.com"]
    assert zh["Subject"] == "[一级/紧急] 一号配电房: 1号变压器A相绕组温度超高限 报警"
    body = zh.get_content()
    assert "内容：1号变压器A相绕组温度超高限" in body and "数值：132.5" in body
    en = by_rcpt["li@example.com"]  # Li reads English
    assert en["Subject"].startswith("[L1 critical] Substation 1: Transformer 1 winding A temperature high-high")
    assert [d.result for d in n.deliveries()] == [Result.SENT, Result.SENT]


async def test_wrong_password_fails_in_words_and_the_password_is_never_logged(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("TEST_SMTP_PW", "wrong-password-xyz")
    caplog.set_level(logging.DEBUG)
    with smtp_server(tmp_path, implicit_tls=False) as (inbox, port, ca_file):
        n = Notifier(mail_settings(port, ca_file, "starttls"), site_name="S")
        await n.start()
        try:
            n.submit([raised(5)])
            await n.settle()
        finally:
            await n.stop()
    assert inbox.mails == []
    rows = n.deliveries()
    assert {r.result for r in rows} == {Result.FAILED} and "login as alarm refused" in rows[0].detail
    assert "wrong-password-xyz" not in caplog.text and all("wrong-password-xyz" not in r.detail for r in rows)
    (status,) = n.status()
    assert status.state == "failing" and "login" in status.text_en


async def test_missing_password_variable_and_untrusted_certificate_are_said(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_SMTP_PW", raising=False)
    with smtp_server(tmp_path, implicit_tls=False) as (inbox, port, ca_file):
        n = Notifier(mail_settings(port, ca_file, "starttls"), site_name="S")
        await n.start()
        n.submit([raised(5)])
        await n.settle()
        assert "environment variable TEST_SMTP_PW is not set" in n.deliveries()[0].detail
        await n.stop()
        monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
        other_ca = tmp_path / "other.pem"
        trustme.CA().cert_pem.write_to_path(str(other_ca))
        n = Notifier(mail_settings(port, other_ca, "starttls"), site_name="S")
        await n.start()
        n.submit([raised(6)])
        await n.settle()
        await n.stop()
    assert inbox.mails == []
    assert "CERTIFICATE_VERIFY_FAILED" in n.deliveries()[0].detail
