"""The camera calls of `CloudSource`: a camera's address and the alarm snapshots, from the server.

Kept apart from `app.sources.cloud` so that module stays one job (the plant's data and the
stream); the class is a mixin that needs only the source's `ApiClient` (``self.api``).  The
server decides who may watch which camera (``view`` in its room) and audits each address it
hands out; the console never sees a camera's password unless it is allowed to play it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from app.api.codec import decode
from app.sources.cloud_http import ApiClient
from app.video.snapshot_store import SnapshotInfo

#: Alarm ids per `GET /snapshots` call (the URL stays short).
SNAPSHOT_IDS_PER_CALL = 400


class CameraCalls:
    """`DataSource.camera_url` and the snapshot calls over the cloud API."""

    api: ApiClient

    async def camera_url(self, camera_id: str) -> str:
        """`GET /cameras/{id}/url`: the server checks ``view`` in the camera's room and audits ``camera.view``."""
        data = await self.api.call("GET", f"/cameras/{quote(camera_id, safe='')}/url")
        return str(data["url"])

    async def alarm_snapshots(self, alarm_id: int) -> list[SnapshotInfo]:
        """`GET /alarms/{id}/snapshots`."""
        return decode(list[SnapshotInfo], await self.api.call("GET", f"/alarms/{int(alarm_id)}/snapshots"),
                      "snapshots")

    async def snapshots_of(self, alarm_ids: Iterable[int]) -> list[SnapshotInfo]:
        """`GET /snapshots?alarm_ids=...`, a few hundred alarms a call (the URL stays short)."""
        ids = sorted({int(a) for a in alarm_ids})
        found: list[SnapshotInfo] = []
        for i in range(0, len(ids), SNAPSHOT_IDS_PER_CALL):
            part = ",".join(map(str, ids[i:i + SNAPSHOT_IDS_PER_CALL]))
            found += decode(list[SnapshotInfo], await self.api.call("GET", "/snapshots", params={"alarm_ids": part}),
                            "snapshots")
        return found

    async def snapshot_info(self, snapshot_id: int) -> SnapshotInfo:
        """`GET /snapshots/{id}/info`."""
        return decode(SnapshotInfo, await self.api.call("GET", f"/snapshots/{int(snapshot_id)}/info"), "snapshot")

    async def alarm_snapshot(self, snapshot_id: int) -> bytes:
        """`GET /snapshots/{id}`: the JPEG (404 -> KeyError with the server's words, e.g. the camera's reason)."""
        return bytes(await self.api.call("GET", f"/snapshots/{int(snapshot_id)}", raw=True))
