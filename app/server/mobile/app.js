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
  const API = "/api/v1";
  const WORDS = window.SwitchRoomWords;
  const Chart = window.SwitchRoomChart;
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
  const UNACKED = new Set(["active_unacked", "cleared_unacked"]);

  const $ = (id) => document.getElementById(id);
  const S = {
    lang: "zh",
    token: null,
    user: null,
    site: null,
    devices: new Map(),
    points: new Map(),
    gateways: new Map(),
    gatewayCounts: null, // [online, total] from /status while polling
    latest: new Map(),
    alarms: new Map(),
    groups: [],
    valueEls: new Map(),
    alarmEls: new Map(),
    view: "overview",
    ws: null,
    wsTries: 0,
    reconnectTimer: null,
    pollTimer: null,
    conn: null,
    updatedAt: null,
    dirty: new Set(),
    renderTimer: null,
    trend: { point: null, hours: 1, history: null, start: 0, end: 0, seq: 0 },
  };

  // ------------------------------------------------------------------ words

  function t(key, ...args) {
    const text = WORDS[S.lang][key] ?? WORDS.zh[key] ?? key;
    return text.replace(/\{(\d)\}/g, (_m, i) => String(args[Number(i)]));
  }
  const locale = () => (S.lang === "zh" ? "zh-CN" : "en-GB");
  const named = (obj) => (obj ? (S.lang === "en" ? obj.name_en || obj.name : obj.name || obj.name_en) : "");

  function readLang() {
    try {
      return localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
    } catch (_e) {
      return "zh";
    }
  }

  function applyWords() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
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
      for (const rec of S.alarmEls.values()) rec.li.remove();
      S.alarmEls.clear();
      render("values", "alarms");
      drawTrend();
      if ($("tr-search").value) showResults($("tr-search").value);
      if (S.trend.point) showTrendTitle();
    }
  }

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function fmtNumber(v) {
    if (typeof v !== "number" || !Number.isFinite(v)) return "—";
    const a = Math.abs(v);
    const digits = a >= 1000 ? 0 : a >= 100 ? 1 : 2;
    return v.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  function fmtTime(ts, withDate) {
    const opts = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
    if (withDate) Object.assign(opts, { month: "2-digit", day: "2-digit" });
    try {
      return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: S.site?.timezone || undefined }).format(ts);
    } catch (_e) {
      return new Intl.DateTimeFormat(locale(), opts).format(ts);
    }
  }

  // ------------------------------------------------------------------ the API

  class ApiError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      super(err.message || `HTTP ${status}`);
      this.status = status;
      this.code = err.code || "";
      this.serverWords = { zh: err.message_zh || "", en: err.message_en || "", any: err.message || "" };
    }

    words() {
      return (S.lang === "zh" ? this.serverWords.zh : this.serverWords.en) || this.serverWords.any;
    }
  }

  async function api(path, { method = "GET", body, auth = true } = {}) {
    const headers = { Accept: "application/json", "Accept-Language": S.lang === "zh" ? "zh-CN" : "en" };
    if (auth && S.token) headers.Authorization = `Bearer ${S.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(API + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store", credentials: "omit", redirect: "error",
      });
    } catch (_e) {
      throw new ApiError(0, null);
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_e) {
      if (res.ok) throw new ApiError(-1, null);
    }
    if (!res.ok) {
      const err = new ApiError(res.status, data);
      if (res.status === 401 && auth) expireSession(err);
      throw err;
    }
    return data;
  }

  /** The refusal in the reader's words: ours by status (and context), the server's as the detail. */
  function errorWords(e, context) {
    if (!(e instanceof ApiError) || e.status === -1) return { main: t("e_bad_answer"), detail: e?.message || "" };
    let main;
    if (e.status === 0) main = t("e_network");
    else if (e.status === 401) {
      const key = { bad_credentials: "e_bad_credentials", account_locked: "e_account_locked",
        account_disabled: "e_account_disabled" }[e.code];
      main = t(key || "e_session");
    } else if (e.status === 403) main = t(context === "ack" ? "e_403_ack" : "e_403");
    else if (e.status === 409) main = t(context === "ack" ? "e_409_ack" : "e_409");
    else if ([404, 422, 429, 503].includes(e.status)) main = t(`e_${e.status}`);
    else if (e.status >= 500) main = t("e_5xx", e.status);
    else main = t("e_other", e.status);
    const detail = e.status > 0 ? e.words() : "";
    return { main, detail: detail && detail !== main ? detail : "" };
  }

  /** Show words (or nothing: null) in a message box; ``info`` for good news. */
  function showMsg(box, words, info = false) {
    const el = typeof box === "string" ? $(box) : box;
    el.replaceChildren();
    el.hidden = !words;
    if (!words) return;
    el.classList.toggle("info", info);
    el.append(node("span", "main", words.main));
    if (words.detail) el.append(node("span", "detail", words.detail));
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
    for (const rec of S.alarmEls.values()) rec.li.remove();
    S.alarmEls.clear();
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

  const canAck = () => !Array.isArray(S.user?.permissions) || S.user.permissions.includes("acknowledge");

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
      let rows = devices
        .filter((d) => ROLE_VALUES[d.role])
        .map((d) => ({ device: d, points: ROLE_VALUES[d.role].map((q) => S.points.get(`${d.id}.${q}`)).filter(Boolean) }))
        .filter((r) => r.points.length);
      if (!rows.length) {
        // a site without roles: the first analog values of the room's first devices
        rows = devices
          .map((d) => ({ device: d, points: S.site.points.filter((p) => p.device === d.id && p.kind === "analog").slice(0, 3) }))
          .filter((r) => r.points.length);
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
      if (dirty.has("alarms")) renderAlarms();
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
          button.addEventListener("click", () => openTrend(p.id));
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
    renderCounts();
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

  const levelName = (level) => (level >= 1 && level <= 4 ? t(`level_${level}`) : t("level_n", level));
  const counted = (a) => a.state !== "shelved" && a.state !== "suppressed" && a.state !== "normal";

  function renderCounts() {
    const counts = [0, 0, 0, 0];
    let unacked = 0;
    for (const a of S.alarms.values()) {
      if (!counted(a)) continue;
      if (a.level >= 1 && a.level <= 4) counts[a.level - 1] += 1;
      if (UNACKED.has(a.state)) unacked += 1;
    }
    const box = $("ov-levels");
    box.replaceChildren();
    counts.forEach((n, i) => {
      const tile = node("button", `level-tile l${i + 1}${n ? "" : " zero"}`);
      tile.type = "button";
      tile.dataset.level = String(i + 1);
      tile.append(node("span", "count", n), node("span", "name", levelName(i + 1)));
      tile.addEventListener("click", () => showView("alarms"));
      box.append(tile);
    });
    const badge = $("tab-badge");
    badge.hidden = unacked === 0;
    badge.textContent = String(unacked);
  }

  function renderAlarms() {
    const alarms = [...S.alarms.values()].filter((a) => a.state !== "normal")
      .sort((a, b) => b.raised_at - a.raised_at || b.id - a.id);
    const list = $("al-list");
    const keep = new Set(alarms.map((a) => a.id));
    for (const [id, rec] of S.alarmEls) {
      if (!keep.has(id)) {
        rec.li.remove();
        S.alarmEls.delete(id);
      }
    }
    alarms.forEach((a, i) => {
      const rec = fillAlarm(a);
      // move only what is out of place, so a comment being typed keeps its focus
      if (list.children[i] !== rec.li) list.insertBefore(rec.li, list.children[i] || null);
    });
    $("al-empty").hidden = alarms.length > 0;
    $("al-count").textContent = alarms.length ? t("alarm_count", alarms.length) : "";
    renderCounts();
  }

  function fillAlarm(a) {
    let rec = S.alarmEls.get(a.id);
    if (!rec) {
      const li = node("li", "alarm");
      li.dataset.id = String(a.id);
      const head = node("div", "alarm-head");
      rec = { li, badge: node("span", "level-badge"), state: node("span", "state"), time: node("time", "alarm-time"),
        device: node("div", "alarm-device"), message: node("div", "alarm-message"), meta: node("div", "alarm-meta"),
        msg: node("div", "msg"), actions: node("div", "alarm-actions"), formOpen: false, busy: false };
      rec.msg.setAttribute("role", "status");
      rec.msg.hidden = true;
      head.append(rec.badge, rec.state, rec.time);
      li.append(head, rec.device, rec.message, rec.meta, rec.msg, rec.actions);
      S.alarmEls.set(a.id, rec);
    }
    rec.alarm = a;
    rec.li.className = `alarm lv${a.level}`;
    rec.badge.className = `level-badge l${a.level}`;
    rec.badge.textContent = levelName(a.level);
    rec.state.className = `state${UNACKED.has(a.state) ? " unacked" : ""}`;
    rec.state.textContent = t(`state_${a.state}`);
    rec.time.textContent = fmtTime(a.raised_at, true);
    rec.time.dateTime = new Date(a.raised_at).toISOString();
    const device = a.device ? S.devices.get(a.device) : null;
    rec.device.textContent = device ? named(device) : a.device || a.point || "";
    rec.message.textContent = (S.lang === "en" ? a.message_en || a.message : a.message || a.message_en) || "";
    const meta = [];
    const point = S.points.get(a.point);
    if (typeof a.value === "number" && point && point.kind !== "digital") {
      const unit = point.unit || "";
      meta.push(t("value_at_raise", `${fmtNumber(a.value)}${unit ? ` ${unit}` : ""}`));
    }
    if (a.acked_by) meta.push(t("acked_by", a.acked_by, a.acked_at ? fmtTime(a.acked_at, true) : ""));
    if (a.ack_comment) meta.push(t("comment", a.ack_comment));
    rec.meta.textContent = meta.join(" · ");
    rec.meta.hidden = !meta.length;
    fillActions(rec);
    return rec;
  }

  function fillActions(rec) {
    const a = rec.alarm;
    if (rec.refusedState !== undefined && rec.refusedState !== a.state) rec.refusedState = undefined;
    if (!UNACKED.has(a.state) || rec.refusedState === a.state) {
      // acknowledged (or known to be, after a 409, until the fresh state arrives): nothing to do here
      rec.actions.replaceChildren();
      rec.formOpen = false;
      return;
    }
    if (!canAck()) {
      if (!rec.actions.firstChild) rec.actions.append(node("p", "muted", t("no_ack_permission")));
      return;
    }
    if (rec.formOpen) {
      if (!rec.actions.querySelector(".ack-form")) rec.actions.replaceChildren(ackForm(rec));
      return;
    }
    if (!rec.actions.querySelector(".ack-open")) {
      const open = node("button", "btn primary wide ack-open", t("acknowledge"));
      open.type = "button";
      open.addEventListener("click", () => {
        rec.formOpen = true;
        rec.actions.replaceChildren(ackForm(rec));
        rec.actions.querySelector("textarea").focus();
      });
      rec.actions.replaceChildren(open);
    }
  }

  function ackForm(rec) {
    const form = node("form", "ack-form");
    const label = node("label", "field");
    const text = node("textarea");
    text.name = "comment";
    text.maxLength = 500;
    text.rows = 2;
    text.placeholder = t("ack_comment");
    label.append(node("span", "", t("ack_comment")), text);
    const submit = node("button", "btn primary ack-submit", t("ack_submit"));
    submit.type = "submit";
    const cancel = node("button", "btn ack-cancel", t("cancel"));
    cancel.type = "button";
    cancel.addEventListener("click", () => {
      rec.formOpen = false;
      rec.actions.replaceChildren();
      showMsg(rec.msg, null);
      fillActions(rec);
    });
    const row = node("div", "row");
    row.append(submit, cancel);
    form.append(label, row);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      acknowledge(rec, text.value.trim(), [submit, cancel, text]);
    });
    return form;
  }

  async function acknowledge(rec, comment, controls) {
    if (rec.busy) return;
    rec.busy = true;
    for (const c of controls) c.disabled = true;
    showMsg(rec.msg, { main: t("acking") }, true);
    const id = rec.alarm.id;
    try {
      const data = await api(`/alarms/${encodeURIComponent(id)}/ack`, { method: "POST", body: comment ? { comment } : {} });
      const acked = Array.isArray(data) ? data[0] : data?.alarm || data;
      rec.formOpen = false;
      if (acked && acked.id === id) S.alarms.set(id, acked);
      showMsg(rec.msg, { main: t("acked_ok") }, true);
      render("alarms");
    } catch (e) {
      if (e.status === 401) return;
      showMsg(rec.msg, errorWords(e, "ack"));
      if (e.status === 409) {
        rec.refusedState = rec.alarm.state; // someone else acknowledged it: no second try, and show who
        fillActions(rec);
        refreshAll();
      }
    } finally {
      rec.busy = false;
      for (const c of controls) c.disabled = false;
    }
  }

  // ------------------------------------------------------------------ views

  function showView(name) {
    S.view = name;
    for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== `view-${name}`;
    for (const tab of document.querySelectorAll(".tab")) {
      if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    if (name === "trend") drawTrend();
    window.scrollTo(0, 0);
  }

  // ------------------------------------------------------------------ trend

  function showResults(query) {
    const list = $("tr-results");
    list.replaceChildren();
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length || !S.site) {
      list.hidden = true;
      return;
    }
    const hits = [];
    for (const p of S.site.points) {
      const device = p.device ? S.devices.get(p.device) : null;
      const hay = [p.id, p.name, p.name_en, device?.name, device?.name_en].join(" ").toLowerCase();
      if (words.every((w) => hay.includes(w))) hits.push(p);
    }
    for (const p of hits.slice(0, 20)) {
      const li = node("li");
      const button = node("button", "result");
      button.type = "button";
      button.dataset.point = p.id;
      const device = p.device ? S.devices.get(p.device) : null;
      button.append(node("span", "", `${device ? `${named(device)} · ` : ""}${named(p)}`),
        node("span", "sub mono", `${p.id}${p.unit ? ` (${p.unit})` : ""}`));
      button.addEventListener("click", () => {
        list.hidden = true;
        selectPoint(p.id);
      });
      li.append(button);
      list.append(li);
    }
    if (!hits.length) list.append(node("li", "result muted", t("no_match")));
    else if (hits.length > 20) list.append(node("li", "result muted", t("more_matches", hits.length - 20)));
    list.hidden = false;
  }

  function openTrend(pointId) {
    showView("trend");
    selectPoint(pointId);
  }

  function showTrendTitle() {
    const p = S.points.get(S.trend.point);
    const device = p?.device ? S.devices.get(p.device) : null;
    $("tr-point").textContent = p ? `${device ? `${named(device)} · ` : ""}${named(p)}` : S.trend.point;
    $("tr-point-id").textContent = S.trend.point;
  }

  function selectPoint(pointId) {
    S.trend.point = pointId;
    S.trend.history = null;
    $("tr-panel").hidden = false;
    showTrendTitle();
    loadTrend();
  }

  async function loadTrend() {
    const tr = S.trend;
    if (!tr.point) return;
    for (const b of document.querySelectorAll(".seg-btn")) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.hours) === tr.hours));
    }
    const seq = (tr.seq += 1);
    const end = Date.now();
    const start = end - tr.hours * 3600 * 1000;
    const width = $("tr-chart").clientWidth || 320;
    const maxPoints = Math.max(60, Math.min(400, Math.round(width / 2)));
    showMsg("tr-msg", { main: t("loading") }, true);
    try {
      const history = await api(`/points/${encodeURIComponent(tr.point)}/history?start=${start}&end=${end}`
        + `&max_points=${maxPoints}`);
      if (seq !== tr.seq) return;
      Object.assign(tr, { history, start, end });
      showMsg("tr-msg", null);
      drawTrend();
    } catch (e) {
      if (seq !== tr.seq || e.status === 401) return;
      showMsg("tr-msg", errorWords(e));
    }
  }

  function drawTrend() {
    const tr = S.trend;
    const canvas = $("tr-chart");
    if (!tr.history || S.view !== "trend" || !canvas.clientWidth) return;
    const stats = Chart.draw(canvas, tr.history, {
      start: tr.start, end: tr.end, hours: tr.hours, tz: S.site?.timezone, locale: locale(), noDataText: t("no_data"),
    });
    const unit = tr.history.unit ? ` ${tr.history.unit}` : "";
    $("tr-stats").textContent = stats.count
      ? `${t("stats", fmtNumber(stats.min), fmtNumber(stats.avg), fmtNumber(stats.max))}${unit}`
        + (tr.history.raw ? ` · ${t("stats_raw", stats.count)}` : "")
      : t("no_data");
    const point = S.points.get(tr.point);
    canvas.setAttribute("aria-label", t("chart_label", point ? named(point) : tr.point, t(`h${tr.hours}`)));
  }

  // ------------------------------------------------------------------ start

  function init() {
    S.lang = readLang();
    applyWords();
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", onLogout);
    $("lang").addEventListener("click", switchLanguage);
    for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
    $("tr-search").addEventListener("input", (ev) => showResults(ev.target.value));
    for (const b of document.querySelectorAll(".seg-btn")) {
      b.addEventListener("click", () => {
        S.trend.hours = Number(b.dataset.hours);
        loadTrend();
      });
    }
    let resize = null;
    window.addEventListener("resize", () => {
      clearTimeout(resize);
      resize = setTimeout(drawTrend, 150);
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", drawTrend);

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
