"""`python -m app` end to end: the demo plant's simulated DTUs dial in and every device is read.

Until the graphical console exists this is what the README's run command does; the test runs
the real command as a user would and checks each device of the demo site answered with
plausible physics, over real sockets, through every DTU habit the simulator plays.
"""

from __future__ import annotations

import re
import subprocess
import sys

from app.config import load_site


def test_demo_console_reads_every_device_once():
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--cycles", "1", "--no-bus-timing"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {line.split()[1]: line for line in proc.stdout.splitlines() if line.startswith("DTU-")}
    assert set(rows) == {d.id for d in load_site().file.devices}
    assert all(" ok " in line for line in rows.values()), proc.stdout
    volts = float(re.search(r"Ua=([\d.]+)V", rows["T1-LV-IN"]).group(1))
    assert 200 < volts < 260
    hv_volts = float(re.search(r"Ua=([\d.]+)V", rows["HV-IN"]).group(1))
    assert 5000 < hv_volts < 6500  # 10 kV phase voltage through the PT ratio
    assert "Traceback" not in proc.stderr


def test_bad_site_file_is_reported_in_words(tmp_path):
    bad = tmp_path / "site.yaml"
    bad.write_text("site: {name: X}\ndevices:\n  - {id: D1, name: M, gateway: G9, address: 1, template: sdm630}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--site", str(bad), "--cycles", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "site.yaml:3: devices[0].gateway: 'G9' is not a gateway of this site" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("console", "simulate", "probe"):
        assert command in out
    for command in ("console", "simulate", "probe"):
        sub = subprocess.run(
            [sys.executable, "-m", "app", command, "--help"], capture_output=True, text=True, check=True
        ).stdout
        assert "usage: python -m app " + command in sub
