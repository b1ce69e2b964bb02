// A point's trend on a <canvas>, drawn by hand so the page needs no library and no CDN.
// Bucketed history (`[ts, min, max, avg, last]`) is drawn as a min-max band with the average as
// a line, which is what a phone can show of 24 hours without hiding a spike; raw samples as a
// line. The unit is written on the value axis, times in the site's time zone on the time axis.
"use strict";

window.SwitchRoomChart = (() => {
  const PAD = { left: 52, right: 10, top: 22, bottom: 26 };

  /** Rows of {ts, min, max, avg} from either history shape; bad or missing values dropped. */
  function rows(history) {
    const out = [];
    if (history.raw) {
      for (const [ts, v, q] of history.samples || []) {
        if (typeof v === "number" && Number.isFinite(v) && q !== "bad_value") out.push({ ts, min: v, max: v, avg: v });
      }
    } else {
      for (const [ts, mn, mx, avg] of history.buckets || []) {
        if ([mn, mx, avg].every((x) => typeof x === "number" && Number.isFinite(x))) {
          out.push({ ts, min: mn, max: mx, avg });
        }
      }
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  /** Round ticks for the value axis (about ``count`` of them). */
  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    const raw = span / Math.max(1, count);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
    return { ticks, step };
  }

  function tickText(v, step, locale) {
    // as many decimals as the step needs (2.5 needs one, 0.05 two)
    let digits = 0;
    while (digits < 6 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-6) digits += 1;
    const opts = { maximumFractionDigits: digits, minimumFractionDigits: digits, useGrouping: false };
    return v.toLocaleString(locale, opts);
  }

  function timeFormatter(locale, tz) {
    const opts = { hour: "2-digit", minute: "2-digit", hour12: false };
    try {
      return new Intl.DateTimeFormat(locale, { ...opts, timeZone: tz });
    } catch (_e) {
      return new Intl.DateTimeFormat(locale, opts);
    }
  }

  /**
   * Draw ``history`` for [start, end] into ``canvas`` at the device's pixel ratio.
   * Returns {count, min, max, avg, last} of what was drawn (count 0 when there was nothing).
   */
  function draw(canvas, history, opt) {
    const css = getComputedStyle(canvas);
    const width = canvas.clientWidth || 320;
    const height = canvas.clientHeight || 240;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const fg = colour("--fg", "#16181d");
    const muted = colour("--muted", "#5b6270");
    const line = colour("--line", "#d9dde3");
    const accent = colour("--accent", "#1565c0");
    const band = colour("--band", "rgba(21,101,192,0.22)");
    const font = css.fontFamily || "sans-serif";

    const data = rows(history);
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const x = (ts) => PAD.left + ((ts - opt.start) / Math.max(1, opt.end - opt.start)) * plotW;

    g.font = `12px ${font}`;
    g.textBaseline = "middle";
    // the unit, on the value axis
    g.fillStyle = muted;
    g.textAlign = "left";
    g.fillText(history.unit || "", 4, 10);

    if (!data.length) {
      g.strokeStyle = line;
      g.strokeRect(PAD.left, PAD.top, plotW, plotH);
      g.fillStyle = muted;
      g.textAlign = "center";
      g.font = `14px ${font}`;
      g.fillText(opt.noDataText, PAD.left + plotW / 2, PAD.top + plotH / 2);
      return { count: 0 };
    }

    let lo = Math.min(...data.map((r) => r.min));
    let hi = Math.max(...data.map((r) => r.max));
    if (hi - lo < 1e-9) {
      const pad = Math.abs(hi) * 0.05 || 1;
      lo -= pad;
      hi += pad;
    }
    const { ticks, step } = niceTicks(lo, hi, 4);
    lo = Math.min(lo, ticks[0]);
    hi = Math.max(hi, ticks[ticks.length - 1]);
    const y = (v) => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;

    // grid and value labels
    g.lineWidth = 1;
    g.strokeStyle = line;
    g.fillStyle = muted;
    g.textAlign = "right";
    for (const t of ticks) {
      const ty = Math.round(y(t)) + 0.5;
      g.beginPath();
      g.moveTo(PAD.left, ty);
      g.lineTo(width - PAD.right, ty);
      g.stroke();
      g.fillText(tickText(t, step, opt.locale), PAD.left - 6, ty);
    }
    // time labels: four, in the site's time zone
    const fmt = timeFormatter(opt.locale, opt.tz);
    g.textAlign = "center";
    g.textBaseline = "top";
    for (let i = 0; i <= 3; i += 1) {
      const ts = opt.start + ((opt.end - opt.start) * i) / 3;
      const tx = PAD.left + (plotW * i) / 3;
      g.textAlign = i === 0 ? "left" : i === 3 ? "right" : "center";
      g.fillText(fmt.format(new Date(ts)), tx, height - PAD.bottom + 6);
    }

    // runs without a gap: a hole longer than three steps breaks the band and the line
    const spacing = data.length > 1 ? (data[data.length - 1].ts - data[0].ts) / data.length : 0;
    const gapMs = 3 * (history.bucket_ms || spacing);
    const runs = [];
    let run = [];
    for (const r of data) {
      if (run.length && gapMs > 0 && r.ts - run[run.length - 1].ts > gapMs) {
        runs.push(run);
        run = [];
      }
      run.push(r);
    }
    runs.push(run);

    g.save();
    g.beginPath();
    g.rect(PAD.left, PAD.top - 1, plotW, plotH + 2);
    g.clip();
    if (!history.raw) {
      g.fillStyle = band;
      for (const part of runs) {
        g.beginPath();
        part.forEach((r, i) => (i ? g.lineTo(x(r.ts), y(r.max)) : g.moveTo(x(r.ts), y(r.max))));
        for (let i = part.length - 1; i >= 0; i -= 1) g.lineTo(x(part[i].ts), y(part[i].min));
        g.closePath();
        g.fill();
        if (part.length === 1) g.fillRect(x(part[0].ts) - 1, y(part[0].max), 2, y(part[0].min) - y(part[0].max) + 1);
      }
    }
    g.strokeStyle = accent;
    g.fillStyle = accent;
    g.lineWidth = 2;
    g.lineJoin = "round";
    for (const part of runs) {
      g.beginPath();
      part.forEach((r, i) => (i ? g.lineTo(x(r.ts), y(r.avg)) : g.moveTo(x(r.ts), y(r.avg))));
      g.stroke();
      if (part.length === 1) g.fillRect(x(part[0].ts) - 2, y(part[0].avg) - 2, 4, 4);
    }
    g.restore();
    g.strokeStyle = fg;
    g.globalAlpha = 0.5;
    g.strokeRect(PAD.left + 0.5, PAD.top + 0.5, plotW - 1, plotH - 1);
    g.globalAlpha = 1;

    const weight = data.length;
    return {
      count: weight,
      min: Math.min(...data.map((r) => r.min)),
      max: Math.max(...data.map((r) => r.max)),
      avg: data.reduce((s, r) => s + r.avg, 0) / weight,
      last: data[data.length - 1].avg,
    };
  }

  return { draw, rows, niceTicks };
})();
