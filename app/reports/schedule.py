"""Scheduled reports: yesterday's report every morning, last month's on the first, into a folder and
optionally by e-mail.

A job says which report, daily or monthly, at what local time, where the file goes and who
receives it.  The scheduler runs on the core loop: it sleeps until the next job is due, builds
the report for the period that just ended (`period_of`), writes it off the loop and mails it
through the site's e-mail channel.  What it last produced is remembered per job in a small
JSON file, so a console that was off at 01:00 makes the missed report when it starts (one per
job: the newest missed period), and a failure is logged in words and tried again at the next
start or run, never lost silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from app.reports.excel import write_report
from app.reports.files import write_json
from app.reports.table import Report

log = logging.getLogger(__name__)

Every = Literal["day", "month"]
#: Builds a job's report for [start, end) ms UTC.
Build = Callable[["ReportJob", int, int], Awaitable[Report]]
#: Mails a file: (recipients, subject, body, [(file name, bytes, MIME type)]) -> what the server said.
Mail = Callable[[list[str], str, str, list[tuple[str, bytes, str]]], Awaitable[str]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobError(ValueError):
    """A job that cannot run; says what in words."""


@dataclass(frozen=True, slots=True)
class ReportJob:
    name: str
    report: str  # "energy", "bill", "demand_pf", "alarms" or "custom:<template name>"
    every: Every = "day"
    at: str = "01:00"  # local time of day
    day: int = 1  # day of the month (monthly jobs), 1..28
    folder: str = ""
    email_to: tuple[str, ...] = field(default_factory=tuple)

    def check(self) -> None:
        if not self.name.strip() or re.search(r'[\\/:*?"<>|]', self.name):
            raise JobError(f"a job needs a name usable in a file name, not {self.name!r}")
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", self.at):
            raise JobError(f"job {self.name!r}: the time of day is written HH:MM, not {self.at!r}")
        if self.every not in ("day", "month"):
            raise JobError(f"job {self.name!r}: every 'day' or 'month', not {self.every!r}")
        if not 1 <= self.day <= 28:
            raise JobError(f"job {self.name!r}: the day of the month is 1..28 (every month has it), not {self.day}")
        if not self.folder:
            raise JobError(f"job {self.name!r}: choose the folder the reports go to")
        for address in self.email_to:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
                raise JobError(f"job {self.name!r}: {address!r} is not an e-mail address")


def next_run(job: ReportJob, after: dt.datetime) -> dt.datetime:
    """The first run strictly after ``after`` (an aware datetime in the site's zone)."""
    hour, minute = (int(x) for x in job.at.split(":"))
    zone = after.tzinfo
    if job.every == "day":
        candidate = after.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if candidate <= after:
            candidate = dt.datetime.combine(after.date() + dt.timedelta(days=1), dt.time(hour, minute), tzinfo=zone)
        return candidate
    candidate = dt.datetime(after.year, after.month, job.day, hour, minute, tzinfo=zone)
    if candidate <= after:
        year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
        candidate = dt.datetime(year, month, job.day, hour, minute, tzinfo=zone)
    return candidate


def period_of(job: ReportJob, run_at: dt.datetime) -> tuple[int, int, str]:
    """The period a run reports: the day before (daily) or the month before (monthly), and its label."""
    zone = run_at.tzinfo
    if job.every == "day":
        end = dt.datetime.combine(run_at.date(), dt.time(), tzinfo=zone)
        start = end - dt.timedelta(days=1)
        label = f"{start:%Y-%m-%d}"
    else:
        end = dt.datetime(run_at.year, run_at.month, 1, tzinfo=zone)
        start = dt.datetime(end.year - (end.month == 1), 12 if end.month == 1 else end.month - 1, 1, tzinfo=zone)
        label = f"{start:%Y-%m}"
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000), label


class JobShelf:
    """The jobs and what each last produced, in one JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> tuple[dict[str, ReportJob], dict[str, str]]:
        if not self.path.exists():
            return {}, {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            jobs = {}
            for item in raw.get("jobs", []):
                job = ReportJob(**{**item, "email_to": tuple(item.get("email_to", ()))})
                job.check()
                jobs[job.name] = job
            return jobs, {str(k): str(v) for k, v in raw.get("done", {}).items()}
        except (OSError, ValueError, TypeError) as exc:
            raise JobError(f"the report jobs in {self.path.name} cannot be read: {exc}") from exc

    def save(self, jobs: dict[str, ReportJob], done: dict[str, str]) -> None:
        write_json(self.path, {"jobs": [{**asdict(j), "email_to": list(j.email_to)} for j in jobs.values()],
                               "done": done})


@dataclass
class RunResult:
    job: str
    period: str
    path: Path | None
    mailed: str = ""
    error: str = ""


class ReportScheduler:
    """Runs the shelf's jobs on time (and the missed ones at start) on the loop it is started on."""

    def __init__(self, shelf: JobShelf, build: Build, zone: ZoneInfo, mail: Mail | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.shelf = shelf
        self.build = build
        self.zone = zone
        self.mail = mail
        self.clock = clock or (lambda: dt.datetime.now().timestamp())
        self.results: list[RunResult] = []
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), self.zone)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="report-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def changed(self) -> None:
        """The jobs were edited: look at the schedule again now."""
        self._wake.set()

    async def run_due(self) -> list[RunResult]:
        """Run every job whose newest period has not been produced yet; returns what happened."""
        jobs, done = self.shelf.load()
        now = self.now()
        ran = []
        for job in jobs.values():
            last_run = _last_run(job, now)
            if last_run is None:
                continue
            start, end, label = period_of(job, last_run)
            if done.get(job.name) == label:
                continue
            result = await self.run_job(job, start, end, label)
            ran.append(result)
            if result.path is not None:  # made (a failed mail is reported, not made again)
                current_jobs, current_done = self.shelf.load()  # the jobs may have been edited meanwhile
                current_done[job.name] = label
                self.shelf.save(current_jobs, current_done)
        return ran

    async def run_job(self, job: ReportJob, start: int, end: int, label: str) -> RunResult:
        """Build, write and mail one job's report; an error is kept in the result and logged in words."""
        folder = Path(job.folder)
        path = folder / f"{job.name}_{label}.xlsx"
        try:
            report = await self.build(job, start, end)
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(write_report, report, path)
        except Exception as exc:  # every failure becomes words in the log and the result
            result = RunResult(job.name, label, None, error=f"{type(exc).__name__}: {exc}")
            log.error("scheduled report %s for %s failed: %s / 定时报表生成失败", job.name, label, result.error)
            self.results.append(result)
            return result
        result = RunResult(job.name, label, path)
        if job.email_to and self.mail is not None:
            try:
                content = await asyncio.to_thread(path.read_bytes)
                result.mailed = await self.mail(list(job.email_to), f"{report.title} {label}",
                                                f"{report.title}\n{report.site}\n{report.period}\n",
                                                [(path.name, content, XLSX)])
            except Exception as exc:  # the file is made; the mail failure is reported
                result.error = f"the report was saved but not mailed: {exc} / 报表已保存，邮件发送失败"
                log.error("scheduled report %s for %s: %s", job.name, label, result.error)
        log.info("scheduled report %s for %s written to %s", job.name, label, path.name)
        self.results.append(result)
        return result

    async def _run(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:  # the scheduler must outlive a bad file or a failing report
                log.exception("the report scheduler could not run its jobs")
            wait = self._seconds_to_next()
            self._wake.clear()
            # asyncio.timeout, not wait_for: on 3.11 wait_for swallows a cancel that lands as the event is set
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    def _seconds_to_next(self) -> float:
        try:
            jobs, _ = self.shelf.load()
        except JobError:
            return 3600.0
        now = self.now()
        runs = [next_run(job, now) for job in jobs.values()]
        if not runs:
            return 3600.0
        return max(1.0, min((r - now).total_seconds() for r in runs) + 1.0)


def _last_run(job: ReportJob, now: dt.datetime) -> dt.datetime | None:
    """The newest scheduled time at or before ``now`` (None if the schedule has not come round yet)."""
    probe = now - (dt.timedelta(days=1, minutes=1) if job.every == "day" else dt.timedelta(days=32))
    last = None
    while True:
        nxt = next_run(job, probe)
        if nxt > now:
            return last
        last, probe = nxt, nxt
