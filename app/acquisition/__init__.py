"""Acquisition: device templates become polls on driver links; answers become samples with a quality."""

from app.acquisition.scan import BusScan, DevicePoll
from app.acquisition.site_scan import GatewayState, SiteScan, gateway_specs

__all__ = ["BusScan", "DevicePoll", "GatewayState", "SiteScan", "gateway_specs"]
