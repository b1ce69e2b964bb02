"""`python -m app serve` and `python -m app points` as an engineer runs them: real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends SIGTERM")


def test_serve_records_and_points_reads_it_back(tmp_path):
    db = tmp_path / "history.sqlite"
    env = {**os.environ, "SWITCHROOM_DATA": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--simulate", "--no-bus-timing", "--listen", "127.0.0.1:0",
         "--db", str(db), "--status-every", "0.5"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            if "4/4 gateways online" in line and " 0 samples written" not in line:
                break
        else:
            pytest.fail("the server did not get its gateways online:\n" + "".join(lines))
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "stopped; everything received is committed" in rest
    assert "Traceback" not in rest

    out = subprocess.run(
        [sys.executable, "-m", "app", "points", "--db", str(db), "--ids", "T1-LV-IN.Ia,ENV-1.temp,T1.load_rate"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines()[1:]}
    assert rows["T1-LV-IN.Ia"][2:4] == ["A", "good"]
    assert float(rows["T1-LV-IN.Ia"][1]) > 0
    assert rows["T1.load_rate"][2:4] == ["%", "good"]


def test_points_says_what_is_wrong_with_the_database(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "app", "points", "--db", str(tmp_path / "missing.sqlite")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "there is no history database at" in out.stderr and "Traceback" not in out.stderr
