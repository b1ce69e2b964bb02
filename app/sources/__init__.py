"""The pluggable data-source layer: one interface, a direct and a cloud implementation."""

from app.sources.base import (
    DataSource,
    DeviceInfo,
    GatewayInfo,
    PointInfo,
    RoomInfo,
    SiteModel,
    SourceStatus,
    Subscription,
)

__all__ = [
    "DataSource",
    "DeviceInfo",
    "GatewayInfo",
    "PointInfo",
    "RoomInfo",
    "SiteModel",
    "SourceStatus",
    "Subscription",
]
