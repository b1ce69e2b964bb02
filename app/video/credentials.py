"""The URL a camera is played from: the site file's address with the password from the environment.

The site file names the environment variable that holds a camera's password (``password_env``),
never the password, so the file can be copied, diffed and mailed.  The two meet only here, at
the moment a stream or a snapshot needs them, in the process that holds the plant (the console
in direct mode, the server in cloud mode).  A variable that is not set is said in words naming
the variable — the engineer who installed the camera must set it — never as a traceback, and
the password itself never appears in what this module says.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from app.config import schema
from app.video.address import with_credentials


class CameraUnavailable(Exception):
    """A camera that cannot be played from this process (unknown, or its password is not set): in words."""

    def __init__(self, zh: str, en: str) -> None:
        self.message, self.message_en = zh, en
        super().__init__(f"{zh} / {en}")


class UnknownCamera(CameraUnavailable, KeyError):
    """No camera of this site has that id (API 404)."""

    def __init__(self, camera_id: str) -> None:
        super().__init__(f"这个站没有摄像机 {camera_id}", f"this site has no camera {camera_id!r}")

    def __str__(self) -> str:  # KeyError's own str() would quote the message
        return Exception.__str__(self)


class PasswordNotSet(CameraUnavailable):
    """The environment variable the site file names for a camera's password is not set."""

    def __init__(self, camera_id: str, variable: str) -> None:
        super().__init__(
            f"摄像机 {camera_id} 的密码应在环境变量 {variable} 中，但该变量未设置",
            f"the password of camera {camera_id} belongs in the environment variable {variable}, which is not set",
        )
        self.variable = variable


def find_camera(site: schema.SiteFile, camera_id: str) -> schema.Camera:
    """The site file's camera ``camera_id``; `UnknownCamera` otherwise."""
    for camera in site.cameras:
        if camera.id == camera_id:
            return camera
    raise UnknownCamera(camera_id)


def playing_url(camera: schema.Camera, environ: Mapping[str, str] | None = None) -> str:
    """The RTSP URL with the camera's user name and password, to hand to a stream or a snapshot.

    `PasswordNotSet` when ``password_env`` names a variable missing from ``environ`` (the
    process's environment by default); a camera without ``password_env`` is played with its
    user name alone, or anonymously.
    """
    env = os.environ if environ is None else environ
    password = None
    if camera.password_env:
        password = env.get(camera.password_env)
        if password is None:
            raise PasswordNotSet(camera.id, camera.password_env)
    return with_credentials(camera.url, camera.username, password)
