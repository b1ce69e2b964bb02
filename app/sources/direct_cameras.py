"""The camera calls of `DirectSource`: a camera's address to play it, and the alarm snapshots.

Kept apart from `app.sources.direct` so that module stays one job (the plant on one loop); the
class is a mixin over the source's site, accounts and snapshot taker (`app.video.snapshots`).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.auth import Action, Permission, PermissionDenied, Result
from app.config import Site
from app.sources.accounts import Accounts
from app.video.credentials import CameraUnavailable, find_camera, playing_url
from app.video.snapshot_store import SnapshotInfo
from app.video.snapshots import AlarmSnapshots


class CameraDesk:
    """`DataSource.camera_url` and the snapshot calls, in process."""

    site_config: Site
    accounts: Accounts
    snapshots: AlarmSnapshots

    async def camera_url(self, camera_id: str, *, user: str | None = None, address: str | None = None) -> str:
        """The camera's URL with the password from the environment; audited as ``camera.view`` for whoever
        asks (``user``: the server passes the caller; the console's signed-in user by default)."""
        camera = find_camera(self.site_config.file, camera_id)
        target = f"camera {camera_id}"
        if user is None:  # the console's own user: the server checked its caller's room already
            login = self.accounts.touch()
            user = login.user.name if login is not None else None
            if login is not None and not login.user.can(Permission.VIEW, camera.room):
                await self.accounts.record(Action.CAMERA_VIEW, user, target, f"needs view in room {camera.room}",
                                           Result.REFUSED, address)
                raise PermissionDenied(Permission.VIEW, camera.room, user)
        try:
            url = playing_url(camera)
        except CameraUnavailable as exc:
            await self.accounts.record(Action.CAMERA_VIEW, user, target, str(exc), Result.FAILED, address)
            raise
        await self.accounts.record(Action.CAMERA_VIEW, user, target, "", Result.OK, address)
        return url

    async def alarm_snapshots(self, alarm_id: int) -> list[SnapshotInfo]:
        """The pictures taken when the alarm was raised (one per linked camera)."""
        return await self.snapshots.infos([alarm_id])

    async def snapshots_of(self, alarm_ids: Iterable[int]) -> list[SnapshotInfo]:
        """The snapshots of many alarms."""
        return await self.snapshots.infos(alarm_ids)

    async def snapshot_info(self, snapshot_id: int) -> SnapshotInfo:
        """One snapshot's description."""
        return await self.snapshots.info(snapshot_id)

    async def alarm_snapshot(self, snapshot_id: int) -> bytes:
        """One snapshot's JPEG."""
        return await self.snapshots.jpeg(snapshot_id)
