"""Scheduled reports for a running source: the site's tariff, its e-mail channel and the jobs folder.

DirectSource (the console's core, and the server behind `python -m app serve`) starts one of
these when given a reports folder: ``jobs.json`` (the schedule) and ``templates.json`` (custom
reports) live there.  Without a tariff in the site file the energy reports cannot be priced, so
no scheduler runs and the log says why.
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from app.alarms.notify.channels.email import EmailTransport
from app.analysis.tariff import TariffError, tariff_from_mapping
from app.config import Site
from app.reports.catalog import build_report
from app.reports.schedule import JobShelf, Mail, ReportJob, ReportScheduler
from app.reports.table import Report
from app.sources.base import DataSource

log = logging.getLogger(__name__)
JOBS = "jobs.json"
TEMPLATES = "templates.json"


def start_reports(source: DataSource, site: Site, folder: Path) -> ReportScheduler | None:
    """Start the scheduler on the running loop; None (and a log line in words) without a usable tariff."""
    f = site.file
    if f.tariff is None:
        log.warning("scheduled reports are off: the site file has no tariff / 站点文件没有电价，定时报表未启用")
        return None
    try:
        tariff = tariff_from_mapping(f.tariff, f.site.timezone)
    except TariffError as exc:
        log.error("scheduled reports are off: %s / 电价配置有误，定时报表未启用", exc)
        return None
    templates = folder / TEMPLATES

    async def build(job: ReportJob, start: int, end: int) -> Report:
        return await build_report(source, tariff, job.report, start, end, by=job.name, templates=templates)

    mail: Mail | None = None
    channel = next((c for c in f.notifications.channels if c.kind == "email"), None)
    if channel is not None:
        mail = EmailTransport(channel).send_files  # type: ignore[arg-type]
    scheduler = ReportScheduler(JobShelf(folder / JOBS), build, ZoneInfo(f.site.timezone), mail)
    scheduler.start()
    return scheduler
