"""The mobile page on a phone-sized headless Chromium, against the real server over the demo plant.

The server's `create_app` serves app/server/mobile/ at ``/`` and the API under ``/api/v1``,
over a DirectSource running the demo simulator, on a loopback port in the test's loop.
Debian's ``chromium`` runs headless and is driven over the Chrome DevTools Protocol with the
`websockets` client the project already has (no browser-automation dependency): a 360×740
touch phone, the page's document answered with a strict Content-Security-Policy (no inline
script or style) so anything that needs ``unsafe-inline`` shows up as a console error.

Taps are mouse events at the element's centre after checking the element is the one on top
there (not hidden under the tab bar) and inside the viewport, so what the test taps is what
a thumb could tap.  Screenshots go to tests/artifacts/mobile_*.png to be looked at.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest
import uvicorn
import websockets

from app.auth import Sessions
from app.config import load_site
from app.sources.direct import DirectSource
from drivers.simulator import Fault, FaultKind

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ADMIN, ADMIN_PW = "mobile-admin", "M0bile-Page-Admin-42"  # this test's own passwords
HV_OPERATOR, HV_OPERATOR_PW = "hv-operator", "Hv-Room-Only-Operator-9"
WIDTH, HEIGHT = 360, 740
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Debian's chromium is not installed (apt-get install chromium)")


# ------------------------------------------------------------------ the browser, over CDP


class Page:
    """One Chromium tab driven over the DevTools protocol (a flat session on the browser's socket)."""

    def __init__(self, ws: Any, session: str) -> None:
        self.ws = ws
        self.session = session
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future] = {}
        self.problems: list[str] = []  # console errors, exceptions, CSP violations
        self.handlers: dict[str, Any] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            msg = json.loads(text)
            if "id" in msg:
                fut = self.waiting.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(msg)
                continue
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.exceptionThrown":
                self.problems.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                self.problems.append(json.dumps(params.get("args"), ensure_ascii=False)[:500])
            elif method == "Log.entryAdded":
                entry = params["entry"]
                # failed requests the test provokes (401, 403, 409, blocked, server down) are the network's
                if entry["level"] == "error" and entry.get("source") != "network":
                    self.problems.append(f"{entry.get('source')}: {entry.get('text')}")
            handler = self.handlers.get(method)
            if handler is not None:
                asyncio.get_running_loop().create_task(handler(params))

    async def send(self, method: str, params: dict | None = None, *, browser: bool = False) -> dict:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if not browser:
            msg["sessionId"] = self.session
        fut = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = fut
        await self.ws.send(json.dumps(msg))
        answer = await asyncio.wait_for(fut, 30)
        if "error" in answer:
            raise AssertionError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def js(self, expression: str) -> Any:
        """The value of ``expression`` (awaited when it is a promise)."""
        result = await self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                       "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def until(self, expression: str, what: str, timeout: float = 30.0) -> Any:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            value = await self.js(expression)
            if value:
                return value
            if loop.time() > end:
                body = await self.js("document.body.innerText")
                raise AssertionError(f"{what}: not seen within {timeout:.0f} s; the page says:\n{body}\n"
                                     f"console: {self.problems}")
            await asyncio.sleep(0.2)

    async def tap(self, selector: str) -> None:
        """Tap the element's centre as a finger would: it must be on screen and on top there."""
        spot = await self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            if (!el) return null;
            el.scrollIntoView({{block: "center"}});
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const top = document.elementFromPoint(x, y);
            return {{x, y, w: r.width, h: r.height, left: r.left, right: r.right,
                     onTop: !!top && (top === el || el.contains(top))}};
        }})()""")
        assert spot, f"nothing to tap at {selector}"
        assert spot["onTop"], f"{selector} is covered by another element"
        assert spot["left"] >= 0 and spot["right"] <= WIDTH + 0.5, f"{selector} is clipped: {spot}"
        assert spot["h"] >= 44, f"{selector} is too small to tap: {spot}"
        for kind in ("mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", {"type": kind, "x": spot["x"], "y": spot["y"],
                                                        "button": "left", "clickCount": 1})

    async def type(self, selector: str, text: str) -> None:
        await self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.send("Input.insertText", {"text": text})

    async def text(self, selector: str) -> str:
        return await self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    async def shot(self, name: str, *, whole: bool = False) -> Path:
        """A screenshot of what the phone shows (``whole``: the whole page, scrolled), to look at."""
        await asyncio.sleep(0.3)  # let the last redraw land
        params: dict[str, Any] = {"format": "png"}
        if whole:  # the tab bar is fixed to the screen: out of the way of a whole-page picture
            await self.js("document.getElementById('tabs').style.position = 'static'")
            size = (await self.send("Page.getLayoutMetrics"))["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": WIDTH, "height": size["height"], "scale": 1})
        data = await self.send("Page.captureScreenshot", params)
        if whole:
            await self.js("document.getElementById('tabs').style.position = ''")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"mobile_{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    async def layout_fits(self) -> None:
        """Nothing wider than the phone; every visible button big enough for a thumb."""
        facts = await self.js("""(() => {
            const small = [...document.querySelectorAll("button, input, textarea")]
              .filter((b) => b.offsetParent !== null)
              .map((b) => [b.id || b.className || b.tagName, b.getBoundingClientRect().height])
              .filter(([, h]) => h < 44);
            return {width: document.documentElement.scrollWidth, small};
        })()""")
        assert facts["width"] <= WIDTH, f"the page is wider than the phone: {facts['width']} px"
        assert not facts["small"], f"too small to tap: {facts['small']}"


@contextlib.asynccontextmanager
async def chromium(port: int) -> AsyncIterator[Page]:
    """Headless Chromium with a 360×740 touch phone; the page's document gets the strict CSP."""
    profile = Path(tempfile.mkdtemp(prefix="mobile-chromium-"))
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--remote-debugging-port=0", f"--user-data-dir={profile}", "--no-sandbox",
        "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--hide-scrollbars", "--lang=zh-CN",
        # a document answered by Fetch.fulfillRequest (for the CSP header) has no address the browser knows, so
        # Local Network Access would refuse its WebSocket to 127.0.0.1; a phone's page comes from the server itself
        "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests",
        "about:blank", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(300):
            if active.exists() and len(active.read_text().split()) >= 2:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("chromium did not open its DevTools port")
        cdp_port, path = active.read_text().split()[:2]
        async with websockets.connect(f"ws://127.0.0.1:{cdp_port}{path}", max_size=64 * 2**20) as ws:
            page = Page(ws, "")
            target = (await page.send("Target.createTarget", {"url": "about:blank"}, browser=True))["targetId"]
            page.session = (await page.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                            browser=True))["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                await page.send(f"{domain}.enable")
            await page.send("Emulation.setDeviceMetricsOverride",
                            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 2, "mobile": True})
            await page.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
            await page.send("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

            async def with_csp(params: dict) -> None:
                headers = [h for h in params.get("responseHeaders", [])
                           if h["name"].lower() != "content-security-policy"]
                headers.append({"name": "Content-Security-Policy", "value": CSP})
                # answered again with the header (continueResponse's headers do not reach the CSP parser)
                body = await page.send("Fetch.getResponseBody", {"requestId": params["requestId"]})
                data = body["body"] if body.get("base64Encoded") else base64.b64encode(body["body"].encode()).decode()
                await page.send("Fetch.fulfillRequest", {"requestId": params["requestId"],
                                                         "responseCode": params.get("responseStatusCode", 200),
                                                         "responseHeaders": headers, "body": data})

            page.handlers["Fetch.requestPaused"] = with_csp
            await page.send("Fetch.enable", {"patterns": [{"urlPattern": f"http://127.0.0.1:{port}/",
                                                           "resourceType": "Document", "requestStage": "Response"}]})
            try:
                yield page
            finally:
                page.reader.cancel()
    finally:
        proc.kill()
        await proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


# ------------------------------------------------------------------ the server


class Served:
    """The server's app on a loopback port; stop() and start() again on the same port (an outage)."""

    def __init__(self, source: DirectSource) -> None:
        self.source = source
        self.sessions = Sessions()  # kept across a restart, as a server's would not be: the page's token lives on
        self.port = 0
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        from app.server.app import create_app  # imported only when the test runs

        app = create_app(self.source, self.source.accounts.store, self.sessions, cors_origins=())
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
                                ws="websockets-sansio", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(400):
            if self.server.started:
                break
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.05)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is None or self.task is None:
            return
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), 15)
        except TimeoutError:
            self.server.force_exit = True
            self.task.cancel()
        self.server = self.task = None


async def until(condition, what: str, timeout: float = 60.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        result = await condition()
        if result:
            return result
        if loop.time() > end:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(0.2)


def seed_history(source: DirectSource, point: str, hours: int = 24) -> None:
    """A day of one-minute samples before now, so the 24 h trend has buckets to draw."""
    now = int(time.time() * 1000)
    ts = np.arange(now - hours * 3600_000, now - 120_000, 60_000, dtype=np.int64)
    phase = (ts - ts[0]) / 3600_000 * 2 * np.pi / 24
    values = 26.0 + 4.0 * np.sin(phase) + 0.8 * np.sin(phase * 37)
    source.historian.write_arrays(point, ts, values)


def local_time(ts_ms: int, tz: str) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(ts_ms / 1000, ZoneInfo(tz)).strftime("%H:%M:%S")


CARD = "#al-list li[data-id='{}']"


@pytest.mark.timeout(420)
async def test_phone_page_overview_alarms_acknowledge_and_trend(sqlite_url):
    site = load_site()
    source = DirectSource(site, sqlite_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await source.start()
    served: Served | None = None
    try:
        for bus in source.scan.scans.values():
            for d in bus.devices:
                d.period = 1.0
        sim = source.simulator
        store = source.accounts.store
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: store.create_first_admin(ADMIN, ADMIN_PW, "移动端管理员", "test"))
        await loop.run_in_executor(None, lambda: store.create_user(HV_OPERATOR, "operator", HV_OPERATOR_PW, ["HV"],
                                                                   "高压室值班员", by=ADMIN))
        seed_history(source, "ENV-1.temp")
        served = Served(source)
        await served.start()
        base = f"http://127.0.0.1:{served.port}"
        model = source.site()
        await until(lambda: _is(sum(g.state == "online" for g in source.site().gateways) == len(model.gateways)),
                    "every gateway online")

        async with chromium(served.port) as page:
            await page.send("Page.navigate", {"url": base + "/"})
            await page.until("document.readyState === 'complete' && !document.getElementById('view-login').hidden",
                             "the login form")
            assert await page.js("document.documentElement.lang") == "zh-CN"
            assert "用户名" in await page.text("#login-form")
            await page.layout_fits()
            await page.shot("login_zh")

            # a wrong password: refused in words, nothing in the URL
            await page.type("#username", ADMIN)
            await page.type("#password", "not-the-password")
            await page.tap("#login-btn")
            await page.until("document.getElementById('login-msg').innerText.includes('用户名或密码错误')",
                             "the refusal in words")
            await page.js("document.getElementById('password').value = ''")
            await page.type("#password", ADMIN_PW)
            await page.tap("#login-btn")

            # the overview: site name, gateways x/y, values per room, live over the stream
            await page.until("!document.getElementById('view-overview').hidden", "the overview")
            await page.until("document.getElementById('site-name').innerText === '示范配电房'", "the site's name")
            total = len(model.gateways)
            await page.until(f"document.getElementById('ov-gateways').innerText === '{total}/{total}'",
                             "gateways online x/y")
            await page.until("[...document.querySelectorAll('#ov-rooms .reading')]"
                             ".filter(e => /\\d/.test(e.innerText)).length >= 15", "the key values")
            rooms = await page.text("#ov-rooms")
            for words in ("全站", "高压室", "低压配电室", "10kV进线", "配电室环境", "温度"):
                assert words in rooms, words
            await page.until("document.getElementById('conn').innerText === '实时连接'", "the live state in words")
            href = await page.js("location.href")
            token = await page.js("sessionStorage.getItem('switchroom.token')")
            assert token and token not in href and ADMIN_PW not in href and "?" not in href
            # what the page shows is the plant's value (the environment changes slowly)
            temp = "#ov-rooms button[data-point='ENV-1.temp'] .reading"
            shown = await page.until(f"/\\d/.test(document.querySelector(\"{temp}\").innerText) && "
                                     f"document.querySelector(\"{temp}\").innerText", "the room temperature")
            real = (await source.latest(["ENV-1.temp"]))[0].value
            assert abs(float(shown.replace("°C", "").strip()) - real) < 1.0, (shown, real)
            await page.layout_fits()
            await page.shot("overview_zh")
            await page.shot("overview_whole_zh", whole=True)

            # smoke in the room: pushed to the page, counted at level 1
            sim.inject(Fault(FaultKind.SMOKE, "ENV-1"))
            smoke = (await until(lambda: _alarms(source, "ENV-1.smoke"), "the smoke alarm", 30))[0]
            await page.until("document.querySelector('#ov-levels [data-level=\"1\"] .count').innerText !== '0'",
                             "the level-1 count")
            assert await page.js("getComputedStyle(document.querySelector('#ov-levels .l1')).backgroundColor") \
                == "rgb(198, 40, 40)"
            await page.shot("overview_alarm_zh")
            await page.tap(".tab[data-view='alarms']")
            card = CARD.format(smoke.id)
            await page.until(f"!!document.querySelector(\"{card}\")", "the smoke alarm card")
            text = await page.text(card)
            assert "烟" in text and "紧急" in text and "未确认" in text and "配电室环境" in text, text
            assert local_time(smoke.raised_at, model.timezone) in text, (text, smoke.raised_at)
            await page.layout_fits()
            await page.shot("alarms_zh")

            # acknowledge it with a comment; the source has it, by this user
            await page.tap(f"{card} .ack-open")
            await page.type(f"{card} textarea", "已派人到现场")
            await page.shot("ack_form_zh")
            await page.tap(f"{card} .ack-submit")
            await page.until(f"document.querySelector(\"{card} .state\").innerText === '已确认'", "acknowledged")
            acked = next(a for a in await source.alarms() if a.id == smoke.id)
            assert acked.acked_by == ADMIN and acked.ack_comment == "已派人到现场"
            assert "已派人到现场" in await page.text(card)
            await page.shot("acked_zh")

            # the stream goes down: polling, said in words; someone acknowledges meanwhile -> 409 in words
            sim.inject(Fault(FaultKind.WATER, "ENV-1"))
            water = (await until(lambda: _alarms(source, "ENV-1.water"), "the water alarm", 30))[0]
            wcard = CARD.format(water.id)
            await page.until(f"!!document.querySelector(\"{wcard} .ack-open\")", "the water alarm card")
            await page.tap(f"{wcard} .ack-open")
            await served.stop()
            await page.until("document.getElementById('conn').innerText.includes('每 10 秒刷新')",
                             "the polling state in words")
            await source.acknowledge([water.id], "值班员", "电话确认")
            # keep the page's alarm list stale while the server comes back
            await page.send("Network.setBlockedURLs", {"urls": ["*/api/v1/alarms?*"]})
            await served.start()
            await page.type(f"{wcard} textarea", "我也来确认")
            await page.tap(f"{wcard} .ack-submit")
            await page.until(f"document.querySelector(\"{wcard} .msg\").innerText.includes('该报警已被确认')",
                             "the 409 in words")
            assert not await page.js(f"!!document.querySelector(\"{wcard} .ack-form\")"), "no second try after a 409"
            await page.shot("ack_conflict_zh")
            await page.send("Network.setBlockedURLs", {"urls": []})
            await page.until(f"document.querySelector(\"{wcard}\").innerText.includes('值班员')",
                             "the other acknowledgement shown", 45)
            await page.until("document.getElementById('conn').innerText === '实时连接'", "live again", 45)

            # a trend: tap a value on the overview; then find a point by name, a day of it as a band
            await page.tap(".tab[data-view='overview']")
            await page.tap("#ov-rooms button[data-point='HV-IN.P']")
            await page.until("!document.getElementById('view-trend').hidden && "
                             "/\\d/.test(document.getElementById('tr-stats').innerText)", "the 1 h trend")
            assert "HV-IN.P" in await page.text("#tr-point-id")
            await page.type("#tr-search", "环境 温度")
            await page.until("document.querySelectorAll('#tr-results button.result').length >= 1", "search results")
            await page.tap("#tr-results button[data-point='ENV-1.temp']")
            await page.tap(".seg-btn[data-hours='24']")
            await page.until("document.querySelector(\".seg-btn[data-hours='24']\").getAttribute('aria-pressed')"
                             " === 'true' && document.getElementById('tr-msg').hidden && "
                             "document.getElementById('tr-stats').innerText.includes('最小')", "the 24 h trend")
            history = await source.history("ENV-1.temp", int(time.time() * 1000) - 86_400_000,
                                           int(time.time() * 1000), 180)
            assert not history.raw, "the day should come as buckets"
            inked = await page.js("""(() => {
                const c = document.getElementById('tr-chart');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                return n / (c.width * c.height);
            })()""")
            assert inked > 0.05, f"the chart looks empty ({inked:.3f} of the pixels drawn)"
            assert "°C" in await page.text("#tr-stats")
            await page.layout_fits()
            await page.shot("trend_zh")

            # English, dark: remembered across a reload, the session too
            await page.tap("#lang")
            await page.send("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
            await page.send("Page.reload")
            await page.until("document.readyState === 'complete' && "
                             "!document.getElementById('view-overview').hidden && "
                             "document.getElementById('conn').innerText === 'Live'", "English after a reload")
            assert await page.js("document.documentElement.lang") == "en"
            assert await page.text("#site-name") == "Demo switch room"
            await page.until("[...document.querySelectorAll('#ov-rooms .reading')]"
                             ".filter(e => /\\d/.test(e.innerText)).length >= 15", "the key values again")
            await page.shot("overview_en_dark")
            await page.tap(".tab[data-view='alarms']")
            await page.until(f"/[Ss]moke/.test(document.querySelector(\"{card}\").innerText)", "the alarm in English")
            await page.layout_fits()
            await page.shot("alarms_en_dark")

            # a user of the HV room only: the LV alarm's acknowledgement is refused (403) in words
            await page.tap("#logout")
            await page.until("!document.getElementById('view-login').hidden && "
                             "!sessionStorage.getItem('switchroom.token')", "signed out")
            await page.type("#username", HV_OPERATOR)
            await page.type("#password", HV_OPERATOR_PW)
            await page.tap("#login-btn")
            await page.until("!document.getElementById('view-alarms').hidden", "the alarms as the HV operator")
            sim.open_breaker("F1-01")
            trip = (await until(lambda: _alarms(source, "F1-01.DI1"), "the breaker alarm", 30))[0]
            tcard = CARD.format(trip.id)
            await page.until(f"!!document.querySelector(\"{tcard} .ack-open\")", "the breaker alarm card")
            await page.tap(f"{tcard} .ack-open")
            await page.tap(f"{tcard} .ack-submit")
            await page.until(f"document.querySelector(\"{tcard} .msg\").innerText"
                             ".includes('You may not acknowledge this alarm')", "the 403 in words")
            assert next(a for a in await source.alarms() if a.id == trip.id).acked_by is None
            await page.shot("ack_refused_en_dark")

            # a gateway drops off: the link event reaches the overview's count
            sim.inject(Fault(FaultKind.DISCONNECT, "DTU-4", reconnect_after=600))
            await page.tap(".tab[data-view='overview']")
            await page.until(f"document.getElementById('ov-gateways').innerText === '{total - 1}/{total}'",
                             "a gateway offline in the count")
            await page.shot("overview_gateway_lost_en_dark")

            # the session ends on the server: the page returns to the login and says why
            token = await page.js("sessionStorage.getItem('switchroom.token')")
            async with httpx.AsyncClient(base_url=base) as client:
                answer = await client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 204
            await page.until("!document.getElementById('view-login').hidden && "
                             "document.getElementById('login-msg').innerText.includes('expired')",
                             "back to the login after a 401", 30)
            assert await page.js("sessionStorage.getItem('switchroom.token')") is None
            await page.shot("expired_en_dark")

            assert not page.problems, "\n".join(page.problems)
    finally:
        if served is not None:
            await served.stop()
        await source.stop()


async def _is(value: Any) -> Any:
    return value


async def _alarms(source: DirectSource, point: str) -> list:
    return [a for a in await source.alarms() if a.point == point]
