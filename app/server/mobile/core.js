// The mobile page's shared core: its state, its words, the API client and how refusals read.
// Loaded before alarms.js, trend.js and app.js, which take what they need from window.SwitchRoom.
// Text from the API only ever reaches the page through textContent (node()), never innerHTML.
"use strict";

window.SwitchRoom = (() => {
  const API = "/api/v1";
  const WORDS = window.SwitchRoomWords;
  const UNACKED = new Set(["active_unacked", "cleared_unacked"]);
  // filled in by app.js: what a 401 does, how to redraw, refresh and change view
  const hooks = { expire: () => {}, render: () => {}, refresh: () => {}, showView: () => {} };

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


  function t(key, ...args) {
    const text = WORDS[S.lang][key] ?? WORDS.zh[key] ?? key;
    return text.replace(/\{(\d)\}/g, (_m, i) => String(args[Number(i)]));
  }
  const locale = () => (S.lang === "zh" ? "zh-CN" : "en-GB");
  const named = (obj) => (obj ? (S.lang === "en" ? obj.name_en || obj.name : obj.name || obj.name_en) : "");

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
    return v.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits });
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
      if (res.status === 401 && auth) hooks.expire(err);
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

  return { API, UNACKED, hooks, $, S, t, locale, named, node, fmtNumber, fmtTime, ApiError, api, errorWords, showMsg };
})();
