"""Graded push: alarm events to people by e-mail, SMS, phone call, HTTP SMS gateways and chat robots.

The integrator builds a `Notifier` from the site file's `NotificationSettings`, starts it on the
data source's loop and hands it every batch of alarm events with `submit`.
"""

from app.alarms.notify.delivery import ChannelStatus, Delivery, Result
from app.alarms.notify.notifier import Notifier
from app.config.notifications import NotificationSettings

__all__ = ["ChannelStatus", "Delivery", "NotificationSettings", "Notifier", "Result"]
