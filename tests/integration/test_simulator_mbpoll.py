"""A real serial master against a simulated bus: `mbpoll` reads through a `socat` pty."""

from __future__ import annotations

import asyncio
import re
import shutil

import pytest

from tests.integration.sim_fixtures import gateway, running


@pytest.mark.skipif(
    shutil.which("socat") is None or shutil.which("mbpoll") is None,
    reason="needs socat and mbpoll (Debian packages) to drive the bus like a serial master",
)
async def test_mbpoll_reads_a_bus_through_socat(tmp_path):
    async with running(gateway()) as (_listener, sim):
        port = await sim.serve_bus("G1")
        tty = tmp_path / "ttyS"
        socat = await asyncio.create_subprocess_exec(
            "socat", f"PTY,link={tty},raw,echo=0", f"TCP:127.0.0.1:{port}",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            for _ in range(200):
                if tty.exists():
                    break
                await asyncio.sleep(0.02)
            assert tty.exists(), "socat did not create its pty"
            mbpoll = await asyncio.create_subprocess_exec(
                "mbpoll", "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-t", "4:float", "-B",
                "-r", "1", "-c", "4", "-1", "-o", "2", str(tty),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await asyncio.wait_for(mbpoll.communicate(), 30)
            assert mbpoll.returncode == 0, err.decode(errors="replace")
        finally:
            socat.terminate()
            await socat.wait()
        values = {int(m[1]): float(m[2]) for m in re.finditer(r"\[(\d+)\]:\s+(-?[\d.]+)", out.decode())}
        r = sim.readings("M1")
        assert sorted(values) == [1, 3, 5, 7]  # 1-based references of four floats
        expected = [r["Ua"], r["Ub"], r["Uc"], r["Uab"]]
        assert [values[k] for k in (1, 3, 5, 7)] == pytest.approx(expected, rel=1e-5)
