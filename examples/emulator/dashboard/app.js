// The emulator's dashboard: it polls GET /api/state once a second and
// redraws the page from it. Everything shown is set as text (never as
// HTML): a message's content is whatever a test sent.
"use strict";

const POLL_MS = 1000;
let paused = false;
let polls = 0;

// el makes an element with attributes (class, title, data-*) and children
// (elements or text).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fill(id, ...children) {
  document.getElementById(id).replaceChildren(...children.flat());
}

function clock(t) {
  return t ? new Date(t).toISOString().slice(11, 19) : "";
}

function name(p) {
  return p ? p.name || p.id : "";
}

function renderPeople(s) {
  fill(
    "tenants",
    s.tenants.map((t) =>
      el(
        "div",
        { class: "tenant", "data-tenant": t.id },
        el("div", { class: "tenant-name" }, t.name, " ", el("span", { class: "muted" }, t.domain)),
        t.users.map((u) =>
          el(
            "div",
            { class: "user", "data-user": u.objectId },
            el("span", { class: `dot ${u.presence.availability}`, title: u.presence.availability }),
            el("span", { class: "name" }, u.displayName),
            el("span", { class: "badge presence" }, u.presence.activity),
            el("span", { class: "sub" }, u.upn, " · calls: ", u.reachable, u.busyOnBusy ? " (busy-on-busy)" : "", " · ", u.script),
          ),
        ),
      ),
    ),
  );
  fill("numbers", s.phoneNumbers.map((n) => el("li", {}, n)));
  fill(
    "parties",
    s.parties.length ? s.parties.map((p) => el("li", {}, el("code", {}, name(p)), " — ", p.script)) : el("li", { class: "empty" }, "none: unknown parties answer"),
  );
}

function renderChats(s) {
  document.getElementById("chat-count").textContent = `(${s.chats.length})`;
  fill(
    "chats",
    s.chats.length
      ? s.chats
          .slice()
          .reverse()
          .map((c) =>
            el(
              "div",
              { class: "card chat", "data-chat": c.id },
              el("div", { class: "title" }, c.topic || c.members.map(name).join(", "), el("span", { class: "badge" }, c.type)),
              el("div", { class: "id" }, c.id),
              el("div", { class: "muted" }, c.members.map(name).join(" · ")),
              el(
                "ul",
                { class: "messages" },
                (c.messages || []).map((m) =>
                  el(
                    "li",
                    { "data-message": m.id },
                    el("time", {}, clock(m.createdAt)),
                    el("span", { class: "from" }, name(m.from), ": "),
                    el("span", { class: m.deleted ? "content deleted" : "content" }, m.content),
                    m.edited ? el("span", { class: "muted" }, " (edited)") : null,
                  ),
                ),
              ),
              c.messageCount > (c.messages || []).length ? el("div", { class: "muted" }, `${c.messageCount} messages in all`) : null,
            ),
          )
      : el("p", { class: "empty" }, "no chats yet"),
  );
}

function renderCalls(s) {
  document.getElementById("call-count").textContent = `(${s.calls.length})`;
  fill(
    "calls",
    s.calls.length
      ? s.calls
          .slice()
          .reverse()
          .map((c) =>
            el(
              "div",
              { class: "card call", "data-call": c.callConnectionId },
              el("div", { class: "title" }, c.targets.map(name).join(", ") || "call", el("span", { class: `badge ${c.state}` }, c.state)),
              el("div", { class: "id" }, c.callConnectionId),
              el(
                "div",
                { class: "participants" },
                c.participants.map((p) => el("span", { class: "badge participant", title: p.id }, name(p), p.muted ? " (muted)" : "", p.onHold ? " (on hold)" : "")),
                c.ringing.map((p) => el("span", { class: "badge ringing", title: p.id }, "ringing: ", name(p))),
                c.transferredTo ? el("span", { class: "badge answered" }, "transferred to ", name(c.transferredTo)) : null,
              ),
              el(
                "ol",
                { class: "timeline" },
                c.events.map((e) =>
                  el(
                    "li",
                    { class: e.result && e.result.code >= 400 ? "failed" : "", "data-event": e.type },
                    el("time", {}, clock(e.time)),
                    el("span", { class: "type" }, e.type),
                    e.participant ? ` ${name(e.participant)}` : "",
                    e.transferTarget ? ` → ${name(e.transferTarget)}` : "",
                    e.result ? el("span", { class: "result" }, ` ${e.result.code} ${e.result.message || ""}`) : "",
                    e.delivered ? "" : el("span", { class: "undelivered" }, e.deliveryError ? ` undelivered: ${e.deliveryError}` : " (delivering)"),
                  ),
                ),
              ),
              c.ended ? el("div", { class: "muted" }, `ended: ${c.endReason}`) : null,
            ),
          )
      : el("p", { class: "empty" }, "no calls yet"),
  );
  fill(
    "incoming",
    s.incomingCalls.length
      ? s.incomingCalls
          .slice()
          .reverse()
          .map((c) =>
            el(
              "div",
              { class: "card incoming" },
              el("div", { class: "title" }, `${c.callerDisplayName || name(c.from)} → ${name(c.to)}`, el("span", { class: `badge ${c.state}` }, c.state)),
              el("div", { class: "muted" }, clock(c.time), c.redirectedTo ? ` redirected to ${name(c.redirectedTo)}` : "", c.rejectReason ? ` reason ${c.rejectReason}` : "", c.delivered ? "" : ` Event Grid: ${c.deliveryError || "delivering"}`),
            ),
          )
      : el("p", { class: "empty" }, "none"),
  );
}

function renderRequests(s) {
  const failed = s.requests.filter((r) => r.failed).length;
  document.getElementById("request-count").textContent = `(last ${s.requests.length}, ${failed} failed)`;
  const applied = Object.entries(s.faults.applied)
    .filter(([, n]) => n > 0)
    .map(([svc, n]) => `${svc} ${n}`);
  document.getElementById("faults").textContent = applied.length ? `faults applied: ${applied.join(", ")}` : "";
  document
    .querySelector("#requests tbody")
    .replaceChildren(
      ...s.requests
        .slice()
        .reverse()
        .map((r) =>
          el(
            "tr",
            { class: r.failed ? "failed" : "", "data-op": r.op },
            el("td", {}, clock(r.at)),
            el("td", {}, r.service),
            el("td", {}, r.op || "–"),
            el("td", {}, r.method),
            el("td", { class: "path" }, r.path),
            el("td", { class: "status" }, r.status || "no answer", r.injected ? " (injected)" : "", r.replayed ? " (replayed)" : ""),
          ),
        ),
    );
}

function render(s) {
  document.getElementById("clock").textContent = new Date(s.clock.now).toISOString().replace("T", " ").slice(0, 19);
  document.getElementById("offset").textContent = s.clock.offsetSeconds ? `(+${s.clock.offsetSeconds}s)` : "";
  renderPeople(s);
  renderChats(s);
  renderCalls(s);
  renderRequests(s);
}

async function poll() {
  if (!paused) {
    const status = document.getElementById("status");
    try {
      const res = await fetch("/api/state?messages=20&requests=200", { cache: "no-store" });
      if (!res.ok) throw new Error(`status ${res.status}`);
      render(await res.json());
      polls++;
      document.body.dataset.polls = String(polls);
      status.textContent = `live · ${new Date().toLocaleTimeString()}`;
      status.className = "status";
    } catch (err) {
      status.textContent = `emulator unreachable (${err.message})`;
      status.className = "status error";
    }
  }
  setTimeout(poll, POLL_MS);
}

document.getElementById("pause").addEventListener("click", (e) => {
  paused = !paused;
  e.target.textContent = paused ? "Resume" : "Pause";
});
poll();
