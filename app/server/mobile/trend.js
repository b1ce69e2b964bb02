// A point's trend: find the point by name or id, fetch 1, 8 or 24 hours of its history sized to
// the screen (the server buckets it), and draw it with chart.js in the site's time zone.
"use strict";

window.SwitchRoom.trend = (() => {
  const { hooks, $, S, t, locale, named, node, fmtNumber, api, errorWords, showMsg } = window.SwitchRoom;
  const Chart = window.SwitchRoomChart;

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
    hooks.showView("trend");
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

  return { showResults, openTrend, showTrendTitle, loadTrend, drawTrend };
})();
