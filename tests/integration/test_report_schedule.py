"""Scheduled reports: on time, the missed one made at start, the file mailed to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from app.alarms.notify.channels.email import EmailTransport
from app.analysis.tariff import tariff_from_mapping
from app.config.notifications import EmailChannel
from app.reports.catalog import build_report
from app.reports.schedule import JobError, JobShelf, ReportJob, ReportScheduler, next_run, period_of
from tests.integration.test_energy_report import started
from tests.integration.test_notify_email import Inbox, free_port
from tests.unit.test_analysis_bill import TARIFF

ZONE = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


def test_when_jobs_run_and_what_they_cover():
    daily = ReportJob("日报", "energy", "day", "01:30", folder="x")
    assert next_run(daily, at(2026, 3, 5, 1, 0)) == at(2026, 3, 5, 1, 30)
    assert next_run(daily, at(2026, 3, 5, 1, 30)) == at(2026, 3, 6, 1, 30)
    monthly = ReportJob("月报", "bill", "month", "02:00", day=1, folder="x")
    assert next_run(monthly, at(2026, 12, 1, 3, 0)) == at(2027, 1, 1, 2, 0)
    start, end, label = period_of(monthly, at(2026, 1, 1, 2, 0))
    assert (label, start, end) == ("2025-12", int(at(2025, 12, 1).timestamp() * 1000),
                                   int(at(2026, 1, 1).timestamp() * 1000))
    assert period_of(daily, at(2026, 3, 1, 1, 30))[2] == "2026-02-28"
    for bad, words in [(ReportJob("a/b", "energy", folder="x"), "file name"),
                       (ReportJob("a", "energy", at="25:00", folder="x"), "HH:MM"),
                       (ReportJob("a", "energy", "month", day=31, folder="x"), "1..28"),
                       (ReportJob("a", "energy"), "folder"),
                       (ReportJob("a", "energy", folder="x", email_to=("boss",)), "not an e-mail address")]:
        with pytest.raises(JobError, match=words):
            bad.check()


async def test_a_missed_daily_report_is_made_at_start_and_mailed(sqlite_url, tmp_path, caplog):
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    source = await started(sqlite_url)  # readings all March 2026
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        shelf = JobShelf(tmp_path / "jobs.json")
        job = ReportJob("配电房日报", "energy", "day", "01:00", folder=str(tmp_path / "out"),
                        email_to=("manager@example.com",))
        broken = ReportJob("坏报表", "custom:没有的模板", "day", "01:00", folder=str(tmp_path / "out"))
        shelf.save({job.name: job, broken.name: broken}, {})
        mailer = EmailTransport(EmailChannel(id="mail", kind="email", host="127.0.0.1", port=port, security="none",
                                             sender="reports@example.com"))

        async def build(j, start, end):
            return await build_report(source, tariff, j.report, start, end, by="定时任务",
                                      templates=tmp_path / "templates.json")

        # the console starts at 09:00 on March 3rd: the 01:00 run was missed
        clock = [at(2026, 3, 3, 9, 0).timestamp()]
        scheduler = ReportScheduler(shelf, build, ZONE, mailer.send_files, clock=lambda: clock[0])
        with caplog.at_level(logging.ERROR):
            ran = await scheduler.run_due()
        assert sorted((r.job, r.period, bool(r.error)) for r in ran) == [("坏报表", "2026-03-02", True),
                                                                        ("配电房日报", "2026-03-02", False)]
        made = tmp_path / "out" / "配电房日报_2026-03-02.xlsx"
        assert made.exists() and "accepted by 127.0.0.1" in next(r for r in ran if r.path).mailed
        assert "没有的模板" in caplog.text
        mail = email.message_from_bytes(inbox.mails[0].as_bytes(), policy=email.policy.default)
        assert inbox.rcpts == [["manager@example.com"]] and "电能抄表报表 2026-03-02" in mail["Subject"]
        (attachment,) = list(mail.iter_attachments())
        assert attachment.get_filename() == made.name and attachment.get_content() == made.read_bytes()
        # nothing more until the next run; the broken job is tried again
        again = await scheduler.run_due()
        assert [(r.job, bool(r.error)) for r in again] == [("坏报表", True)]
        clock[0] = at(2026, 3, 4, 1, 0, 5).timestamp()
        assert [r.period for r in await scheduler.run_due() if r.job == "配电房日报"] == ["2026-03-03"]
        assert JobShelf(shelf.path).load()[1]["配电房日报"] == "2026-03-03"
    finally:
        await source.stop()
        smtp.stop()


async def test_the_core_runs_the_schedule_of_its_reports_folder(tmp_path):
    import asyncio

    from app.config import load_site
    from app.sources.direct import DirectSource

    folder = tmp_path / "reports"
    JobShelf(folder / "jobs.json").save({"告警日报": ReportJob("告警日报", "alarms", "day", "00:00",
                                                               folder=str(tmp_path / "out"))}, {})
    source = DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), reports=folder)
    await source.start()
    try:
        assert source.reports is not None
        for _ in range(100):
            if source.reports.results:
                break
            await asyncio.sleep(0.05)
        (result,) = source.reports.results
        # yesterday had no alarms on this fresh database: refused in words, made again next time
        assert result.job == "告警日报" and result.path is None and "没有告警" in result.error
        source.reports_changed()
    finally:
        await source.stop()
    assert source.reports is None
