"""Alarm snapshots: when a linked alarm is raised, each of its cameras gives one picture, kept with the alarm.

`AlarmSnapshots` is a sink of the alarm desk (`AlarmCore.sinks`): it sees every batch of alarm
events on the source's loop, picks the raised ones that concern a camera at one of its popup
levels (`app.video.linkage.cameras_for`, cameras with ``snapshot: true``), and takes the picture
with `app.video.grab.grab` on a worker thread — never on the loop: opening an RTSP stream takes
up to seconds and a dead camera its whole timeout.  The JPEG, or the reason in words when the
camera gave none (its password not set, authentication failed, nothing answers), is stored with
the alarm (`app.video.snapshot_store`) on a thread of its own.

A flood shares pictures: alarms raised while a camera's grab is under way, or at most
`SHARE_MS` after the frame it gave, get that same picture (one RTSP session per camera, not
one per alarm — a camera serves few sessions); a later alarm gets a picture of its own.
Storage is bounded: after storing, at most once a `PRUNE_EVERY_S`, the store drops what is
older or beyond the limits (`SnapshotLimits`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.alarms.model import AlarmEvent, Change
from app.config import schema
from app.video import grab as grabbing
from app.video.address import redact
from app.video.credentials import CameraUnavailable, playing_url
from app.video.errors import VideoError
from app.video.linkage import cameras_for
from app.video.model import Frame
from app.video.snapshot_store import Snapshot, SnapshotInfo, SnapshotLimits, SnapshotStore

log = logging.getLogger(__name__)

Grab = Callable[[str, float], Frame]
Encode = Callable[[Frame], bytes]
SHARE_MS = 1000  # an alarm raised at most this long after a camera's frame shares it
PRUNE_EVERY_S = 60.0
GRAB_TIMEOUT_S = 8.0


def _wall_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class _Picture:
    """One camera's picture (or its failure), shared by the alarms raised around it."""

    camera_id: str
    done: asyncio.Future[Snapshot]  # alarm_id 0: the picture alone, given to each alarm
    taken_at: int = 0


class AlarmSnapshots:
    """Takes and stores the pictures of linked alarms (see the module docstring).

    Call `start`/`stop` and `submit` on the source's loop.  ``grab`` and ``encode`` are
    `app.video.grab`'s by default; ``environ`` holds the cameras' passwords (the process's).
    ``cameras`` may be a function returning the site file's cameras now, so links edited in the
    site file take effect when the alarm desk reloads it.
    """

    def __init__(self, cameras: Iterable[schema.Camera] | Callable[[], Iterable[schema.Camera]], db_url: str | Path,
                 *, grab: Grab | None = None, encode: Encode | None = None, limits: SnapshotLimits | None = None,
                 timeout: float = GRAB_TIMEOUT_S, environ: Mapping[str, str] | None = None,
                 clock: Callable[[], int] = _wall_ms) -> None:
        if callable(cameras):
            self._cameras = cameras
        else:
            fixed = list(cameras)
            self._cameras = lambda: fixed
        self.store = SnapshotStore(db_url)
        self.limits = limits or SnapshotLimits()
        self.timeout = timeout
        self.environ = environ
        self.clock = clock
        self._grab = grab
        self._encode = encode
        self._grabber = ThreadPoolExecutor(max_workers=2, thread_name_prefix="alarm-snapshot")
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-store")
        self._pictures: dict[str, _Picture] = {}  # camera id -> its newest picture (or the one under way)
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_prune = 0.0
        self._taking = False  # from start() to refuse()/stop()
        self.error = ""  # what went wrong storing the last snapshot, in words ("" when all is well)

    # -- life (on the loop) ---------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store (migrating the schema like the journal does)."""
        await asyncio.get_running_loop().run_in_executor(self._db, self.store.open)
        self._taking = True

    def refuse(self) -> None:
        """Take no new pictures: the plant is stopping (its hang-ups raise alarms no camera need show)."""
        self._taking = False

    async def stop(self) -> None:
        """Finish the pictures under way (each is bounded by its timeout), store them, close the store."""
        self._taking = False
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self._db, self.store.close)
        self._grabber.shutdown(wait=False)
        self._db.shutdown(wait=True)

    # -- alarms in (on the loop) -----------------------------------------------------------------

    def submit(self, events: list[AlarmEvent]) -> None:
        """An `AlarmCore` sink: a picture for every raised alarm that concerns a camera at its level."""
        cameras = self.cameras
        if not self._taking or not cameras:
            return
        for event in events:
            if event.change is not Change.RAISED:
                continue
            for camera_id in cameras_for(event.alarm, cameras):
                camera = next(c for c in cameras if c.id == camera_id)
                task = asyncio.get_running_loop().create_task(self._snapshot(event.alarm.id, camera, event.ts),
                                                              name=f"snapshot-{event.alarm.id}-{camera_id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    @property
    def cameras(self) -> list[schema.Camera]:
        """The cameras that take snapshots (``snapshot: true``), as the site file says now."""
        return [c for c in self._cameras() if c.snapshot]

    @property
    def busy(self) -> bool:
        """Pictures are being taken or stored."""
        return bool(self._tasks)

    async def settled(self) -> None:
        """Wait for the pictures under way (a test, or a caller that must see them stored)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _snapshot(self, alarm_id: int, camera: schema.Camera, raised_at: int) -> None:
        camera_id = camera.id
        picture = self._picture(camera, raised_at)
        try:
            shot = await asyncio.shield(picture.done)
        except Exception as exc:  # a defect in taking it: stored as the reason, never lost silently
            log.exception("the snapshot of camera %s failed", camera_id)
            shot = Snapshot(0, camera_id, self.clock(), error=redact(f"拍照失败 / the snapshot failed: {exc}"))
        row = Snapshot(alarm_id, camera_id, shot.taken_at, shot.jpeg, shot.width, shot.height, shot.error)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._db, self._store, row)
        except Exception as exc:
            self.error = str(exc)
            log.error("the snapshot of alarm %d (camera %s) was not stored: %s", alarm_id, camera_id, exc)

    def _picture(self, camera: schema.Camera, raised_at: int) -> _Picture:
        """The camera's picture under way, or one whose frame came at most `SHARE_MS` before the alarm, or a new one."""
        now = self.clock()
        camera_id = camera.id
        current = self._pictures.get(camera_id)
        if current is not None and (not current.done.done() or raised_at - current.taken_at <= SHARE_MS):
            return current
        loop = asyncio.get_running_loop()
        picture = _Picture(camera_id, loop.create_future(), now)
        self._pictures[camera_id] = picture
        future = loop.run_in_executor(self._grabber, self._take, camera)

        def taken(f: asyncio.Future[Snapshot]) -> None:
            if picture.done.done():
                return
            if f.exception() is not None:
                picture.done.set_exception(f.exception())  # type: ignore[arg-type]
            else:
                shot = f.result()
                picture.taken_at = shot.taken_at
                picture.done.set_result(shot)

        future.add_done_callback(taken)
        return picture

    # -- worker threads ----------------------------------------------------------------------------

    def _take(self, camera: schema.Camera) -> Snapshot:
        """One picture from ``camera`` (grabber thread): a JPEG, or why there is none in words."""
        asked = self.clock()
        try:
            url = playing_url(camera, self.environ)
        except CameraUnavailable as exc:
            return Snapshot(0, camera.id, asked, error=str(exc))
        grab, encode = self._grab or grabbing.grab, self._encode or grabbing.to_jpeg
        try:
            frame = grab(url, self.timeout)
            jpeg = encode(frame)
        except VideoError as exc:
            log.warning("camera %s gave no snapshot: %s", camera.id, exc)
            return Snapshot(0, camera.id, asked, error=str(exc))
        height, width = frame.image.shape[:2]
        taken = frame.received_ms or asked
        return Snapshot(0, camera.id, taken, jpeg, frame.source_width or width, frame.source_height or height)

    def _store(self, shot: Snapshot) -> None:
        """Store one snapshot (store thread); prune now and then."""
        self.store.add([shot])
        self.error = ""
        if time.monotonic() - self._last_prune >= PRUNE_EVERY_S:
            self._last_prune = time.monotonic()
            dropped = self.store.prune(self.limits, self.clock())
            if dropped:
                log.info("%d old alarm snapshots dropped (limits: %s days, %d MiB)", dropped, self.limits.max_days,
                         self.limits.max_bytes >> 20)

    # -- reading (on the loop; the store works on its thread) -------------------------------------

    async def infos(self, alarm_ids: Iterable[int]) -> list[SnapshotInfo]:
        """The snapshots of these alarms, without their pictures."""
        ids = list(alarm_ids)
        return await asyncio.get_running_loop().run_in_executor(self._db, self.store.infos, ids)

    async def info(self, snapshot_id: int) -> SnapshotInfo:
        """One snapshot's description (`NoSnapshot` when there is none)."""
        return await asyncio.get_running_loop().run_in_executor(self._db, self.store.info, snapshot_id)

    async def jpeg(self, snapshot_id: int) -> bytes:
        """One snapshot's JPEG (`NoSnapshot` with the camera's reason when it has none)."""
        return await asyncio.get_running_loop().run_in_executor(self._db, self.store.jpeg, snapshot_id)
