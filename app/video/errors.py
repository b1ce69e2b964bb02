"""The one exception of app.video: a state the operator understands, with the cause in words.

A snapshot taken for an alarm can fail like a live stream can (wrong password, no such
stream, nothing answers); the alarm journal stores why, so the error carries the same
`StreamState` the tile would show rather than an FFmpeg message.
"""

from __future__ import annotations

from app.video.address import redact
from app.video.model import StreamState


class VideoError(Exception):
    """A camera could not give a picture: `state` says why, `detail` adds the specifics."""

    def __init__(self, state: StreamState, detail: str = "") -> None:
        self.state = state
        self.detail = redact(detail)
        super().__init__(str(self))

    def __str__(self) -> str:
        """ "中文 / English", each half whole: the state's words then the detail's own half (the
        details of app.video are "中文 / English" too), so a reader showing one language
        (`partition(" / ")`) shows a whole sentence."""
        zh, en = self.state.words
        if not self.detail:
            return f"{zh} / {en}"
        zh_detail, sep, en_detail = self.detail.partition(" / ")
        if not sep:
            zh_detail = en_detail = self.detail
        return f"{zh}：{zh_detail} / {en}: {en_detail}"

    def __reduce__(self):  # pickles with its own arguments (logging across processes)
        return (type(self), (self.state, self.detail))
