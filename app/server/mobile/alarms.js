// The active alarms: the list (newest first, kept in place so a comment being typed survives a
// redraw), the counts by level, and acknowledging with an optional comment. A 409 (someone
// was quicker) or a 403 (not this user's room) is said in words on the alarm itself.
"use strict";

window.SwitchRoom.alarms = (() => {
  const { UNACKED, hooks, $, S, t, named, node, fmtNumber, fmtTime, api, errorWords, showMsg } = window.SwitchRoom;

  const canAck = () => !Array.isArray(S.user?.permissions) || S.user.permissions.includes("acknowledge");
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
      const body = comment ? { comment } : {};
      const data = await api(`/alarms/${encodeURIComponent(id)}/ack`, { method: "POST", body });
      const acked = Array.isArray(data) ? data[0] : data?.alarm || data;
      rec.formOpen = false;
      if (acked && acked.id === id) S.alarms.set(id, acked);
      showMsg(rec.msg, { main: t("acked_ok") }, true);
      setTimeout(() => {
        if (rec.msg.classList.contains("info")) showMsg(rec.msg, null); // good news fades; refusals stay
      }, 4000);
      hooks.render("alarms");
    } catch (e) {
      if (e.status === 401) return;
      showMsg(rec.msg, errorWords(e, "ack"));
      if (e.status === 409) {
        rec.refusedState = rec.alarm.state; // someone else acknowledged it: no second try, and show who
        fillActions(rec);
        hooks.refresh();
      }
    } finally {
      rec.busy = false;
      for (const c of controls) c.disabled = false;
    }
  }

  /** Forget the drawn cards (a new language or a new session draws them again). */
  function forget() {
    for (const rec of S.alarmEls.values()) rec.li.remove();
    S.alarmEls.clear();
  }

  return { renderAlarms, renderCounts, levelName, forget };
})();
