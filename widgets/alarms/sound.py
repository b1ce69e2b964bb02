"""The alarm horn: one tone per level, repeating until every alarm of that level is acknowledged.

Only the most urgent level with unacknowledged alarms sounds.  Muting silences the horn for
`MUTE_S` seconds and then it sounds again if alarms are still unacknowledged — a mute that
stays on would hide the next fault; a newly raised alarm ends the mute at once.

A console on a machine without an audio device (a CI runner, a server without PulseAudio)
must not crash or fill the log: the first use probes the audio outputs once, with Qt's own
complaints of that probe (``qt.multimedia.*`` categories, "PulseAudioService: ..." lines)
taken out of the log, and then says once, in one log line and in `hint`, that the console
is silent.  Tones are WAV files in resources/sounds (made by `write_tones`; written to a
temporary folder when the installed copy lacks them).
"""

from __future__ import annotations

import logging
import math
import struct
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, QObject, QTimer, QtMsgType, QUrl, Signal, qInstallMessageHandler

log = logging.getLogger(__name__)

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "resources" / "sounds"
MUTE_S = 300.0  # a mute ends by itself after five minutes
RATE = 16000

#: Per level: (frequency Hz, beeps, beep s, gap s, pause after the pattern s) — more urgent is faster and higher.
PATTERNS = {
    1: (1050.0, 3, 0.15, 0.08, 0.6),
    2: (880.0, 2, 0.2, 0.1, 1.2),
    3: (660.0, 1, 0.3, 0.0, 2.5),
    4: (520.0, 1, 0.15, 0.0, 4.0),
}

_KNOWN_NOISE = ("PulseAudioService:", "QSoundEffect", "Using Qt multimedia")


def tone(level: int) -> bytes:
    """16-bit mono PCM frames of one level's pattern (beeps then a pause), soft edges against clicks."""
    freq, beeps, beep_s, gap_s, pause_s = PATTERNS[level]
    frames = bytearray()
    ramp = int(0.01 * RATE)
    for i in range(beeps):
        n = int(beep_s * RATE)
        for k in range(n):
            edge = min(1.0, k / ramp, (n - k) / ramp)
            frames += struct.pack("<h", int(12000 * edge * math.sin(2 * math.pi * freq * k / RATE)))
        silence = gap_s if i < beeps - 1 else pause_s
        frames += b"\0\0" * int(silence * RATE)
    return bytes(frames)


def write_tones(folder: Path) -> list[Path]:
    """Write level1.wav … level4.wav into ``folder`` (how resources/sounds was made)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for level in PATTERNS:
        path = folder / f"level{level}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(tone(level))
        out.append(path)
    return out


def tone_files() -> dict[int, Path]:
    """The WAV file of each level: the shipped ones, or freshly written ones when they are missing."""
    shipped = {level: SOUNDS_DIR / f"level{level}.wav" for level in PATTERNS}
    if all(p.is_file() for p in shipped.values()):
        return shipped
    folder = Path(tempfile.mkdtemp(prefix="switchroom-tones-"))
    log.info("alarm tones not shipped in %s; written to %s", SOUNDS_DIR, folder)
    return {int(p.stem.removeprefix("level")): p for p in write_tones(folder)}


_probed: bool | None = None


def audio_available() -> bool:
    """Whether there is an audio output to play on (probed once per process, quietly)."""
    global _probed
    if _probed is not None:
        return _probed
    previous: Callable[[QtMsgType, QMessageLogContext, str], None] | None = None
    held: list[tuple[QtMsgType, QMessageLogContext, str]] = []

    def quiet(mode: QtMsgType, context: QMessageLogContext, text: str) -> None:
        category = context.category or ""
        if category.startswith("qt.multimedia") or text.startswith(_KNOWN_NOISE):
            log.debug("qt (audio probe): %s %s", category, text)
        else:
            held.append((mode, context, text))

    previous = qInstallMessageHandler(quiet)
    try:
        # Imported here, under the quiet handler: loading Qt Multimedia already logs its backend search.
        from PySide6.QtMultimedia import QMediaDevices  # noqa: PLC0415

        outputs = QMediaDevices.audioOutputs()
        _probed = bool(outputs)
    except Exception as exc:  # a broken multimedia install is a silent console, not a dead one
        log.warning("the alarm sound cannot be used: %s", exc)
        _probed = False
    finally:
        qInstallMessageHandler(previous)
    for mode, context, text in held:  # anything else said meanwhile still reaches whoever listens
        if previous is not None:
            previous(mode, context, text)
    if not _probed:
        log.warning("no audio output device: alarms are shown but not sounded")
    return _probed


class AlarmSound(QObject):
    """The horn: `set_levels` says which levels have unacknowledged alarms; it sounds the most urgent."""

    changed = Signal()  # what is sounding, the mute or the availability changed

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self.available = audio_available()
        self.levels: set[int] = set()
        self.muted_until: float | None = None
        self.playing: int | None = None  # the level sounding now (None: silent)
        self._effects: dict[int, Any] = {}  # QSoundEffect per level
        if self.available:
            self._make_effects()
        self._mute_timer = QTimer(self)
        self._mute_timer.setInterval(1000)
        self._mute_timer.timeout.connect(self._mute_tick)

    def _make_effects(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect  # noqa: PLC0415 - only where there is audio (see above)

        for level, path in tone_files().items():
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
            effect.setVolume(1.0 if level <= 2 else 0.7)
            self._effects[level] = effect

    @property
    def hint(self) -> str:
        """Words for the banner when the console cannot sound ("" when it can)."""
        return "" if self.available else self.tr("No audio device: alarms are not sounded")

    @property
    def muted(self) -> bool:
        """Whether a mute is running."""
        return self.muted_until is not None

    def mute_left_s(self) -> float:
        """Seconds until the mute ends (0 when not muted)."""
        if self.muted_until is None:
            return 0.0
        return max(0.0, self.muted_until - self._clock())

    def set_levels(self, levels: set[int]) -> None:
        """Levels with unacknowledged alarms now."""
        self.levels = set(levels)
        self._update()

    def mute(self, seconds: float = MUTE_S) -> None:
        """Silence for ``seconds``; the horn comes back by itself."""
        self.muted_until = self._clock() + seconds
        self._mute_timer.start()
        self._update()

    def unmute(self) -> None:
        """End the mute now."""
        self.muted_until = None
        self._mute_timer.stop()
        self._update()

    def new_alarms(self) -> None:
        """Alarms were raised: a mute covers the alarms it was given for, not new ones."""
        if self.muted:
            self.unmute()

    def _mute_tick(self) -> None:
        if self.muted_until is not None and self._clock() >= self.muted_until:
            self.unmute()
        else:
            self.changed.emit()  # the countdown

    def _update(self) -> None:
        want = None if self.muted or not self.levels else min(self.levels)
        if want != self.playing:
            self._stop()
            if want is not None and self.available:
                effect = self._effects.get(want)
                if effect is not None:
                    effect.play()
            self.playing = want
        self.changed.emit()

    def _stop(self) -> None:
        for effect in self._effects.values():
            effect.stop()

    def stop(self) -> None:
        """Silence for good (the console is closing)."""
        self._stop()
        self._mute_timer.stop()
        self.playing = None


if __name__ == "__main__":  # python -m widgets.alarms.sound: (re)write the shipped tones
    for written in write_tones(SOUNDS_DIR):
        print(written)
