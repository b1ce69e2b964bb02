// SwitchRoom on a phone: sign in, the overview, the active alarms (acknowledge them) and a point's
// trend, over the cloud API (/api/v1) of the server that serves this page.
//
// Why it is written the way it is:
// - Text from the API only ever reaches the page through textContent (never innerHTML), and
//   no handler is inline, so a strict Content-Security-Policy costs nothing.
// - The token lives in sessionStorage (gone with the tab) and in the Authorization header;
//   never in the page's URL. The WebSocket takes it as ?token= because browsers cannot set
//   headers on a WebSocket; that URL is never shown or stored.
// - Live values come from WS /stream; while it is down the page polls every 10 s and says so.
// - Any 401 ends the session and shows the login again, with the reason in words.
"use strict";

(() => {
  const { API, hooks, $, S, t, named, node, fmtNumber, fmtTime, api, errorWords, showMsg } = window.SwitchRoom;
  const Alarms = window.SwitchRoom.alarms;
  const Trend = window.SwitchRoom.trend;
  const TOKEN_KEY = "switchroom.token";
  const USER_KEY = "switchroom.user";
  const LANG_KEY = "switchroom.lang";
  const POLL_MS = 10000;
  // The few values per device role that tell how a room is doing; the site's own (derived) points too.
  const ROLE_VALUES = {
    incomer: ["P", "Uab", "Ia"],
    transformer_lv: ["P", "Ia", "PF"],
    tcu: ["TA", "TB", "TC"],
    environment: ["temp", "humidity"],
  };
  const MAX_DEVICES_PER_ROOM = 6;
  const MAX_SITE_VALUES = 6;

  // ------------------------------------------------------------------ words

  function readLang() {
    try {
      return localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
    } catch (_e) {
      return "zh";
    }
  }

  function applyWords() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    const other = $("lang");
    other.textContent = t("other_language");
    other.lang = S.lang === "zh" ? "en" : "zh-CN";
    document.title = S.site ? `${named(S.site)} · SwitchRoom` : "SwitchRoom";
    $("site-name").textContent = S.site ? named(S.site) : t("app_name");
    if (S.conn) setConn(S.conn);
  }

  function switchLanguage() {
    S.lang = S.lang === "zh" ? "en" : "zh";
    try {
      localStorage.setItem(LANG_KEY, S.lang);
    } catch (_e) {
      // private mode: the choice lasts for this page only
    }
    applyWords();
    if (S.site) {
      buildOverview();
      Alarms.forget();
      render("values", "alarms");
      Trend.drawTrend();
      if ($("tr-search").value) Trend.showResults($("tr-search").value);
      if (S.trend.point) Trend.showTrendTitle();
    }
  }

  // ------------------------------------------------------------------ session

  function saveSession() {
    sessionStorage.setItem(TOKEN_KEY, S.token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(S.user || {}));
  }

  function endLive() {
    clearTimeout(S.reconnectTimer);
    clearInterval(S.pollTimer);
    S.pollTimer = null;
    S.wsTries = 0;
    const ws = S.ws;
    S.ws = null;
    if (ws) ws.close();
  }

  function clearSession() {
    S.token = null;
    S.user = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    endLive();
    S.alarms.clear();
    S.latest.clear();
    Alarms.forget();
  }

  function expireSession(err) {
    if (!S.token) return;
    clearSession();
    showLogin(errorWords(err));
  }

  function showLogin(words, info = false) {
    $("tabs").hidden = true;
    $("logout").hidden = true;
    $("conn").hidden = true;
    S.conn = null;
    for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== "view-login";
    showMsg("login-msg", words || null, info);
    $("username").focus();
  }

  async function onLogin(ev) {
    ev.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) {
      showMsg("login-msg", { main: t("need_credentials") });
      return;
    }
    const button = $("login-btn");
    button.disabled = true;
    button.textContent = t("logging_in");
    try {
      const data = await api("/auth/login", { method: "POST", body: { username, password }, auth: false });
      if (!data || typeof data.token !== "string") throw new ApiError(-1, null);
      $("password").value = "";
      S.token = data.token;
      S.user = data.user || { name: username };
      saveSession();
      showMsg("login-msg", null);
      await startSession();
    } catch (e) {
      showMsg("login-msg", errorWords(e));
    } finally {
      button.disabled = false;
      button.textContent = t("login");
    }
  }

  async function onLogout() {
    try {
      await api("/auth/logout", { method: "POST", auth: true });
    } catch (_e) {
      // signed out here whatever the server says; its token times out by itself
    }
    clearSession();
    showLogin({ main: t("logged_out") }, true);
  }

  async function startSession() {
    $("tabs").hidden = false;
    $("logout").hidden = false;
    showView(S.view);
    setConn("connecting");
    await refreshAll();
    if (S.token) connectStream();
  }

  // ------------------------------------------------------------------ data

  async function loadSite() {
    const site = await api("/site");
    S.site = site;
    S.devices = new Map((site.devices || []).map((d) => [d.id, d]));
    S.points = new Map((site.points || []).map((p) => [p.id, p]));
    S.gateways = new Map((site.gateways || []).map((g) => [g.id, { ...g }]));
    S.gatewayCounts = null;
    pickKeyValues();
    applyWords();
    buildOverview();
  }

  /** Groups of rows of points: the site's derived values, then a few per room by device role. */
  function pickKeyValues() {
    const groups = [];
    const derived = S.site.points.filter((p) => !p.device && p.kind !== "digital").slice(0, MAX_SITE_VALUES);
    if (derived.length) groups.push({ room: null, rows: [{ device: null, points: derived }] });
    for (const room of S.site.rooms || []) {
      const devices = S.site.devices.filter((d) => d.room === room.id);
      const byRole = (d) => (ROLE_VALUES[d.role] || []).map((q) => S.points.get(`${d.id}.${q}`)).filter(Boolean);
      let rows = devices.map((d) => ({ device: d, points: byRole(d) })).filter((r) => r.points.length);
      if (!rows.length) {
        // a site without roles: the first analog values of the room's first devices
        const analog = (d) => S.site.points.filter((p) => p.device === d.id && p.kind === "analog").slice(0, 3);
        rows = devices.map((d) => ({ device: d, points: analog(d) })).filter((r) => r.points.length);
      }
      if (rows.length) groups.push({ room, rows: rows.slice(0, MAX_DEVICES_PER_ROOM) });
    }
    S.groups = groups;
  }

  const keyIds = () => S.groups.flatMap((g) => g.rows.flatMap((r) => r.points.map((p) => p.id)));

  async function refreshAll() {
    if (!S.token) return;
    try {
      if (!S.site) await loadSite();
      const ids = keyIds();
      const [latest, alarms] = await Promise.all([
        ids.length ? api(`/points/latest?ids=${encodeURIComponent(ids.join(","))}`) : [],
        api("/alarms?state=active"),
      ]);
      for (const s of latest || []) S.latest.set(s.id, s);
      S.alarms = new Map((alarms || []).map((a) => [a.id, a]));
      S.updatedAt = Date.now();
      showMsg("ov-msg", null);
      showMsg("al-msg", null);
      render("values", "alarms", "gateways");
    } catch (e) {
      if (e.status === 401) return;
      showMsg("ov-msg", errorWords(e));
      showMsg("al-msg", errorWords(e));
    }
  }

  async function poll() {
    await refreshAll();
    if (!S.token || S.ws?.readyState === WebSocket.OPEN) return;
    try {
      const status = await api("/status");
      if (status && Number.isInteger(status.gateways_total)) {
        S.gatewayCounts = [status.gateways_online, status.gateways_total];
        render("gateways");
      }
    } catch (_e) {
      // refreshAll has already said what is wrong
    }
  }

  // ------------------------------------------------------------------ live stream

  function setConn(state) {
    S.conn = state;
    const el = $("conn");
    el.hidden = false;
    el.className = `conn ${state}`;
    el.textContent = t(`conn_${state}`);
  }

  function connectStream() {
    if (!S.token || S.ws) return;
    clearTimeout(S.reconnectTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${API}/stream?token=${encodeURIComponent(S.token)}`);
    } catch (_e) {
      streamDown();
      return;
    }
    S.ws = ws;
    if (S.conn !== "polling") setConn("connecting");
    ws.onopen = () => {
      if (S.ws !== ws) return;
      S.wsTries = 0;
      clearInterval(S.pollTimer);
      S.pollTimer = null;
      S.gatewayCounts = null;
      setConn("live");
      refreshAll(); // what changed while the socket was down
    };
    ws.onmessage = (ev) => {
      if (S.ws === ws) onStream(ev.data);
    };
    ws.onclose = () => {
      if (S.ws !== ws) return;
      S.ws = null;
      streamDown();
    };
  }

  function streamDown() {
    if (!S.token) return;
    setConn("polling");
    if (!S.pollTimer) {
      S.pollTimer = setInterval(poll, POLL_MS);
      poll(); // also finds out whether the token is still good (a 401 returns to the login)
    }
    const delay = Math.min(30000, 1000 * 2 ** S.wsTries) * (0.5 + Math.random() / 2);
    S.wsTries += 1;
    S.reconnectTimer = setTimeout(connectStream, delay);
  }

  function onStream(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (_e) {
      return;
    }
    if (msg.type === "samples") {
      for (const [id, ts, value, quality] of msg.items || []) {
        if (S.valueEls.has(id)) S.latest.set(id, { id, ts, value, quality });
      }
      S.updatedAt = Date.now();
      render("values");
    } else if (msg.type === "alarm") {
      const events = Array.isArray(msg.events) ? msg.events : [msg];
      for (const ev of events) {
        const a = ev.alarm || ev;
        if (typeof a.id !== "number") continue;
        if (a.state === "normal") S.alarms.delete(a.id);
        else S.alarms.set(a.id, a);
      }
      render("alarms");
    } else if (msg.type === "link") {
      const gw = S.gateways.get(msg.gateway);
      if (gw && msg.state !== "refused") {
        gw.state = msg.state === "offline" ? "offline" : "online";
        render("gateways");
      }
    }
  }

  // ------------------------------------------------------------------ rendering

  /** Coalesce redraws: a burst of stream messages is one redraw. */
  function render(...parts) {
    for (const p of parts) S.dirty.add(p);
    if (S.renderTimer) return;
    S.renderTimer = setTimeout(() => {
      S.renderTimer = null;
      const dirty = new Set(S.dirty);
      S.dirty.clear();
      if (dirty.has("values")) renderValues();
      if (dirty.has("gateways")) renderGateways();
      if (dirty.has("alarms")) Alarms.renderAlarms();
    }, 50);
  }

  function buildOverview() {
    $("ov-title").textContent = named(S.site);
    const box = $("ov-rooms");
    box.replaceChildren();
    S.valueEls.clear();
    for (const group of S.groups) {
      const card = node("div", "card room");
      card.append(node("h2", "", group.room ? named(group.room) : t("site_values")));
      for (const row of group.rows) {
        const dev = node("div", "device");
        if (row.device) dev.append(node("div", "device-name", named(row.device)));
        const values = node("div", "values");
        for (const p of row.points) {
          const button = node("button", "value");
          button.type = "button";
          button.dataset.point = p.id;
          const label = node("span", "label", named(p));
          label.title = named(p);
          const reading = node("span", "reading", "—");
          const quality = node("span", "quality");
          quality.hidden = true;
          button.append(label, reading, quality);
          button.addEventListener("click", () => Trend.openTrend(p.id));
          values.append(button);
          S.valueEls.set(p.id, { button, reading, quality, unit: p.unit });
        }
        dev.append(values);
        card.append(dev);
      }
      box.append(card);
    }
    renderValues();
    renderGateways();
    Alarms.renderCounts();
  }

  function renderValues() {
    for (const [id, el] of S.valueEls) {
      const s = S.latest.get(id);
      el.reading.replaceChildren(s ? fmtNumber(s.value) : "—");
      if (el.unit) el.reading.append(node("span", "unit", el.unit));
      const bad = s && s.quality && s.quality !== "good";
      el.button.classList.toggle("not-good", Boolean(bad));
      el.quality.hidden = !bad;
      el.quality.textContent = bad ? t(`q_${s.quality}`) : "";
    }
    $("ov-updated").textContent = S.updatedAt ? fmtTime(S.updatedAt, false) : "—";
  }

  function renderGateways() {
    const all = [...S.gateways.values()];
    const [online, total] = S.gatewayCounts || [all.filter((g) => g.state === "online").length, all.length];
    $("ov-gateways").textContent = `${online}/${total}`;
  }

  // ------------------------------------------------------------------ views

  function showView(name) {
    S.view = name;
    for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== `view-${name}`;
    for (const tab of document.querySelectorAll(".tab")) {
      if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    if (name === "trend") Trend.drawTrend();
    window.scrollTo(0, 0);
  }

  // ------------------------------------------------------------------ start

  function init() {
    Object.assign(hooks, { expire: expireSession, render, refresh: refreshAll, showView });
    S.lang = readLang();
    applyWords();
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", onLogout);
    $("lang").addEventListener("click", switchLanguage);
    for (const tab of document.querySelectorAll(".tab")) {
      tab.addEventListener("click", () => showView(tab.dataset.view));
    }
    $("tr-search").addEventListener("input", (ev) => Trend.showResults(ev.target.value));
    for (const b of document.querySelectorAll(".seg-btn")) {
      b.addEventListener("click", () => {
        S.trend.hours = Number(b.dataset.hours);
        Trend.loadTrend();
      });
    }
    let resize = null;
    window.addEventListener("resize", () => {
      clearTimeout(resize);
      resize = setTimeout(Trend.drawTrend, 150);
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", Trend.drawTrend);

    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      showLogin(null);
      return;
    }
    S.token = token;
    try {
      S.user = JSON.parse(sessionStorage.getItem(USER_KEY) || "null");
    } catch (_e) {
      S.user = null;
    }
    // a reload keeps the session: check the token first (a 401 returns to the login)
    api("/auth/me")
      .then((me) => {
        if (me && typeof me === "object") S.user = me.user || me;
        saveSession();
      })
      .catch(() => {})
      .finally(() => {
        if (S.token) startSession();
      });
  }

  init();
})();
