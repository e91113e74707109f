// The page of examples/webapp: plain JavaScript, no build step, nothing
// loaded from elsewhere. Every value the server sends is shown as text
// (textContent), never as HTML. Requests that change something carry the
// session's CSRF token; the user's tokens stay on the server.
"use strict";

const state = {
  me: null,
  chats: new Map(),     // id -> chat
  openChat: null,       // id
  shown: new Map(),     // message id -> element, of the open chat
  older: null,          // the cursor of the page before the oldest shown
  unread: new Map(),    // chat id -> unread messages (Graph's read state, and what came since)
  people: new Map(),    // id -> person
  calls: new Map(),     // id -> call
  callShown: null,      // id of the call in the panel
  mentions: [],         // {userId, name} picked while typing
  shownIds: new Set(),  // messages the stream brought, counted once
  events: null,         // the EventSource
};

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k === "text") e.textContent = v;
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function toast(msg) {
  const t = $("toast");
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// api calls the server's JSON API; a request that changes something
// carries the CSRF token.
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (method !== "GET") {
    headers["X-CSRF-Token"] = state.me ? state.me.csrfToken : "";
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) {
    const err = (data && data.error) || {};
    if (resp.status === 401 && state.me) signedOut("Your sign-in has expired. Sign in again.");
    throw new APIError(resp.status, err.code || "error", err.message || ("HTTP " + resp.status));
  }
  return data;
}

function fail(what) {
  return (e) => { if (!(e instanceof APIError && e.status === 401)) toast(what + ": " + e.message); };
}

function time(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleDateString([], { month: "short", day: "numeric" });
}

// ---- sign-in ----

function signedOut(hint) {
  state.me = null;
  if (state.events) { state.events.close(); state.events = null; }
  $("app").hidden = true;
  $("signin").hidden = false;
  $("signin-hint").textContent = hint || "";
  document.body.dataset.ready = "signin";
}

async function start() {
  let me;
  try {
    me = await api("GET", "/api/me");
  } catch (e) {
    signedOut(e.status === 401 ? "" : "The app cannot be reached: " + e.message);
    if (e.status === 401) {
      $("signin-hint").textContent = "Offline, the fake Entra ID lists the users of Fabrikam and Contoso: pick one.";
    }
    return;
  }
  state.me = me;
  $("signin").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = me.name || me.username;
  $("mode").textContent = me.offline ? "offline: fakes on loopback" : "Microsoft Teams";
  if (me.callingSdk) loadCallingSDK();
  listen();
  await Promise.all([loadChats(), loadPeople(), loadCalls()]).catch(fail("Loading"));
  document.body.dataset.ready = "app";
}

$("signout").addEventListener("click", async () => {
  try { await api("POST", "/auth/logout"); } catch (e) { /* signed out anyway */ }
  signedOut("You signed out.");
});

// ---- live updates ----

function listen() {
  const es = new EventSource("/api/events");
  state.events = es;
  es.addEventListener("ready", () => {
    $("live-state").classList.add("on");
    document.body.dataset.live = "on";
    // Catch up with what changed while the stream was down.
    if (state.openChat) refreshOpenChat();
  });
  es.addEventListener("error", () => {
    $("live-state").classList.remove("on");
    document.body.dataset.live = "off";
  });
  es.addEventListener("message", (e) => onMessage(JSON.parse(e.data)));
  es.addEventListener("chats", () => loadChats().catch(fail("Chats")));
  es.addEventListener("presence", (e) => onPresence(JSON.parse(e.data)));
  es.addEventListener("call", (e) => onCall(JSON.parse(e.data)));
  es.addEventListener("session", () => { es.close(); signedOut("Your session ended. Sign in again."); });
}

// ---- chats ----

async function loadChats() {
  const data = await api("GET", "/api/chats");
  state.chats = new Map(data.chats.map((c) => [c.id, c]));
  state.unread = new Map(data.chats.filter((c) => c.unread > 0 && c.id !== state.openChat).map((c) => [c.id, c.unread]));
  renderChats();
}

function chatOrder() {
  return [...state.chats.values()].sort((a, b) => {
    const ta = a.preview ? a.preview.at : a.lastActivity, tb = b.preview ? b.preview.at : b.lastActivity;
    return new Date(tb) - new Date(ta);
  });
}

function renderChats() {
  const list = $("chat-list");
  list.replaceChildren();
  for (const c of chatOrder()) {
    const preview = c.preview ? (c.preview.deleted ? "This message was deleted." :
      (c.preview.from && c.preview.from.id === state.me.id ? "You: " : "") + c.preview.text) : "";
    const li = el("li", { class: "chat-item", "data-chat-id": c.id, "data-type": c.type },
      el("span", { class: "chat-title", text: c.title }, c.type === "meeting" ? el("span", { class: "chat-type", text: "meeting" }) : null),
      el("span", { class: "chat-time", text: c.preview ? time(c.preview.at) : "" }),
      el("span", { class: "chat-preview", text: preview }));
    if (c.id === state.openChat) li.classList.add("open");
    if (state.unread.has(c.id)) {
      li.classList.add("unread");
      const n = state.unread.get(c.id);
      li.querySelector(".chat-time").prepend(el("span", { class: "badge", text: n > 99 ? "99+" : String(n) }));
    }
    li.addEventListener("click", () => openChat(c.id));
    list.append(li);
  }
}

// markRead tells Graph the user has read the open chat (at most once a
// second, and only while the page is seen).
function markRead(id) {
  if (document.visibilityState === "hidden" || markRead.pending) return;
  markRead.pending = setTimeout(() => {
    markRead.pending = null;
    api("POST", "/api/chats/" + encodeURIComponent(id) + "/read").catch(() => {});
  }, 1000);
}

async function openChat(id) {
  state.openChat = id;
  state.unread.delete(id);
  markRead(id);
  state.shown = new Map();
  state.older = null;
  state.mentions = [];
  const c = state.chats.get(id);
  $("no-chat").hidden = true;
  $("chat-view").hidden = false;
  $("chat-title").textContent = c ? c.title : "Chat";
  $("chat-members").textContent = c ? c.members.map((m) => m.name).join(", ") : "";
  $("message-list").replaceChildren();
  $("load-older").hidden = true;
  $("chat-view").dataset.chatId = id;
  delete $("chat-view").dataset.loaded;
  renderChats();
  try {
    const data = await api("GET", "/api/chats/" + encodeURIComponent(id) + "/messages");
    if (state.openChat !== id) return;
    for (const m of data.messages) showMessage(m, false);
    state.older = data.older || null;
    $("load-older").hidden = !state.older;
    scrollToEnd();
    $("chat-view").dataset.loaded = "true";
  } catch (e) { fail("Opening the chat")(e); }
  $("compose-text").focus();
}

async function refreshOpenChat() {
  const id = state.openChat;
  try {
    const data = await api("GET", "/api/chats/" + encodeURIComponent(id) + "/messages");
    if (state.openChat !== id) return;
    for (const m of data.messages) showMessage(m, false);
    scrollToEnd();
  } catch (e) { fail("Reading the chat")(e); }
}

$("load-older").addEventListener("click", async () => {
  const id = state.openChat;
  if (!id || !state.older) return;
  const box = $("messages");
  const before = box.scrollHeight;
  try {
    const data = await api("GET", "/api/chats/" + encodeURIComponent(id) + "/messages?older=" + encodeURIComponent(state.older));
    if (state.openChat !== id) return;
    for (const m of data.messages.slice().reverse()) showMessage(m, true);
    state.older = data.older || null;
    $("load-older").hidden = !state.older;
    box.scrollTop = box.scrollHeight - before;
  } catch (e) { fail("Loading older messages")(e); }
});

function scrollToEnd() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

// messageNode renders a message: its parts as text, mentions marked.
function messageNode(m) {
  const text = el("div", { class: "text" });
  for (const p of m.parts) {
    if (p.mention) {
      text.append(el("span", { class: "mention" + (p.mention === state.me.id ? " me" : ""), "data-user-id": p.mention, text: p.text }));
    } else {
      text.append(document.createTextNode(p.text));
    }
  }
  const mine = m.from && m.from.id === state.me.id;
  const node = el("div", { class: "message" + (mine ? " mine" : "") + (m.deleted ? " deleted" : "") + (m.system ? " system" : ""), "data-message-id": m.id },
    el("div", { class: "meta" }, el("span", { class: "from", text: mine ? "You" : (m.from.name || "") }), " · ", el("time", { dateTime: m.at, text: time(m.at) }), m.edited ? " · edited" : ""),
    text);
  return node;
}

// showMessage puts m in the open chat: replaced if shown, at the top when
// paging back, in time order otherwise.
function showMessage(m, older) {
  const list = $("message-list");
  const node = messageNode(m);
  const old = state.shown.get(m.id);
  if (old) { old.replaceWith(node); state.shown.set(m.id, node); return; }
  state.shown.set(m.id, node);
  if (older) { list.prepend(node); return; }
  // Keep time order: a message goes after the last one not newer.
  let after = list.lastElementChild;
  while (after && new Date(after.querySelector("time").dateTime) > new Date(m.at)) after = after.previousElementSibling;
  if (after) after.after(node); else list.prepend(node);
}

function onMessage(m) {
  const c = state.chats.get(m.chatId);
  if (!c) { loadChats().catch(fail("Chats")); return; }
  if (!c.preview || new Date(m.at) >= new Date(c.preview.at) || c.preview.id === m.id) {
    c.preview = { from: m.from, text: m.parts.map((p) => p.text).join(""), at: m.at, deleted: m.deleted, id: m.id };
  }
  if (m.chatId === state.openChat) {
    const box = $("messages");
    const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    showMessage(m, false);
    if (atEnd || (m.from && m.from.id === state.me.id)) scrollToEnd();
    if (!(m.from && m.from.id === state.me.id)) markRead(m.chatId);
  } else if (!(m.from && m.from.id === state.me.id) && !state.shownIds.has(m.id)) {
    state.unread.set(m.chatId, (state.unread.get(m.chatId) || 0) + 1);
  }
  state.shownIds.add(m.id);
  renderChats();
}

// ---- sending, with mentions ----

const compose = $("compose-text");

$("compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = compose.value.trim();
  const id = state.openChat;
  if (!text || !id) return;
  // The mentions still in the text, in its order.
  const mentions = state.mentions
    .map((m) => ({ ...m, at: text.indexOf("@" + m.name) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map(({ userId, name }) => ({ userId, name }));
  $("send").disabled = true;
  try {
    const m = await api("POST", "/api/chats/" + encodeURIComponent(id) + "/messages", { text, mentions });
    compose.value = "";
    state.mentions = [];
    onMessage(m);
  } catch (err) { fail("Sending")(err); } finally { $("send").disabled = false; compose.focus(); }
});

compose.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("compose").requestSubmit(); }
  if (e.key === "Escape") $("mention-list").hidden = true;
});

// Typing "@" offers the chat's members.
compose.addEventListener("input", () => {
  const list = $("mention-list");
  const upto = compose.value.slice(0, compose.selectionStart);
  const at = upto.lastIndexOf("@");
  const c = state.chats.get(state.openChat);
  if (at < 0 || !c || /\s{2}|\n/.test(upto.slice(at))) { list.hidden = true; return; }
  const typed = upto.slice(at + 1).toLowerCase();
  const options = c.members.filter((m) => m.id !== state.me.id && m.name.toLowerCase().startsWith(typed));
  list.replaceChildren();
  for (const m of options) {
    const li = el("li", { "data-user-id": m.id, text: m.name });
    li.addEventListener("mousedown", (e) => {
      e.preventDefault();
      compose.value = compose.value.slice(0, at) + "@" + m.name + " " + compose.value.slice(compose.selectionStart);
      state.mentions.push({ userId: m.id, name: m.name });
      list.hidden = true;
      compose.focus();
    });
    list.append(li);
  }
  list.hidden = options.length === 0;
});

// ---- new chats: group chats, meetings ----

$("new-group").addEventListener("click", () => {
  const list = $("group-people");
  list.replaceChildren();
  for (const p of [...state.people.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    list.append(el("li", {}, el("label", {}, el("input", { type: "checkbox", value: p.id, "data-user-id": p.id }), " " + p.name)));
  }
  $("group-topic").value = "";
  $("group-dialog").showModal();
});

$("group-form").addEventListener("submit", async (e) => {
  if (e.submitter && e.submitter.value !== "create") return;
  const members = [...$("group-people").querySelectorAll("input:checked")].map((i) => i.value);
  try {
    const c = await api("POST", "/api/chats", { members, topic: $("group-topic").value });
    state.chats.set(c.id, c);
    openChat(c.id);
  } catch (err) { fail("Starting the chat")(err); }
});

async function chatWith(userId) {
  try {
    const c = await api("POST", "/api/chats", { members: [userId] });
    if (!state.chats.has(c.id)) state.chats.set(c.id, c);
    openChat(c.id);
  } catch (err) { fail("Starting the chat")(err); }
}

$("meeting-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const v = $("meeting-link").value.trim();
  if (!v) return;
  // A link, or "<meeting id> <passcode>" as an invitation shows them.
  const m = v.match(/^([\d ]{6,})\s+(\S+)$/);
  const body = /^https:\/\//.test(v) ? { joinUrl: v } : m ? { meetingId: m[1].trim(), passcode: m[2] } : null;
  if (!body) { toast("Paste a meeting's link, or its meeting id and passcode."); return; }
  try {
    const found = await api("POST", "/api/meetings/find", body);
    state.meetingLocator = found.locator;
    if (!found.chatId) { toast("You are not in this meeting's chat yet."); return; }
    if (!state.chats.has(found.chatId)) await loadChats();
    openChat(found.chatId);
    $("meeting-link").value = "";
  } catch (err) { fail("Finding the meeting")(err); }
});

// ---- people and presence ----

async function loadPeople() {
  const data = await api("GET", "/api/people");
  state.people = new Map(data.people.map((p) => [p.id, p]));
  renderPeople();
}

function personNode(p, inSearch) {
  const pr = p.presence || { availability: "PresenceUnknown", activity: "" };
  const actions = el("span", { class: "actions" });
  if (inSearch) {
    const add = el("button", { type: "button", class: "add", text: "Add" });
    add.addEventListener("click", () => addPerson(p.id));
    actions.append(add);
  } else {
    const chatB = el("button", { type: "button", class: "chat-with", text: "Chat" });
    chatB.addEventListener("click", () => chatWith(p.id));
    const callB = el("button", { type: "button", class: "call", text: "Call" });
    callB.addEventListener("click", () => placeCall(p));
    actions.append(chatB, callB);
  }
  return el("li", { class: "person", "data-user-id": p.id },
    el("span", { class: "presence", "data-availability": pr.availability, title: pr.availability }),
    el("span", { class: "name", text: p.name }),
    el("span", { class: "activity", text: inSearch ? (p.username || "") : activityText(pr) }),
    actions);
}

// activityText says "InAMeeting" as "In a meeting".
function activityText(pr) {
  const a = pr.activity || pr.availability || "";
  if (a === "PresenceUnknown") return "Unknown";
  const words = a.match(/[A-Z][a-z]*/g) || [a];
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(" ");
}

function renderPeople() {
  const list = $("people-list");
  list.replaceChildren();
  for (const p of [...state.people.values()].sort((a, b) => a.name.localeCompare(b.name))) list.append(personNode(p, false));
  renderTransferTargets();
}

function onPresence(p) {
  const known = state.people.get(p.id);
  state.people.set(p.id, known ? { ...known, presence: p.presence } : p);
  const node = $("people-list").querySelector('[data-user-id="' + CSS.escape(p.id) + '"]');
  if (node) node.replaceWith(personNode(state.people.get(p.id), false)); else renderPeople();
}

$("people-search-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = $("people-search").value.trim();
  const results = $("search-results");
  results.replaceChildren();
  if (!q) return;
  try {
    const data = await api("GET", "/api/people/search?q=" + encodeURIComponent(q));
    if (data.people.length === 0) results.append(el("li", { class: "person", text: "Nobody of your organization has this address." }));
    for (const p of data.people) results.append(personNode(p, true));
  } catch (err) { fail("Finding")(err); }
});

async function addPerson(id) {
  try {
    const p = await api("POST", "/api/people", { userId: id });
    $("search-results").replaceChildren();
    $("people-search").value = "";
    if (!state.people.has(p.id)) state.people.set(p.id, p);
    renderPeople();
  } catch (err) { fail("Adding")(err); }
}

// ---- calls ----

async function loadCalls() {
  const data = await api("GET", "/api/calls");
  for (const c of data.calls) state.calls.set(c.id, c);
  const live = data.calls.find((c) => !c.ended);
  if (live) showCall(live);
}

async function placeCall(p) {
  if (window.AzureCommunication && state.me.callingSdk) { sdkCall(p); return; }
  if (!state.me.serverCalls) { toast("Calls need the ACS web calling SDK on this deployment (see the README)."); return; }
  try {
    const c = await api("POST", "/api/calls", { userId: p.id });
    onCall(c);
  } catch (err) { fail("Calling " + p.name)(err); }
}

function onCall(c) {
  const known = state.calls.get(c.id);
  if (known && known.events.length > c.events.length) return; // an older view
  state.calls.set(c.id, c);
  if (!state.callShown || state.callShown === c.id || !state.calls.get(state.callShown) || state.calls.get(state.callShown).ended) showCall(c);
}

function callStateText(c) {
  if (c.transferredTo) return "transferred";
  if (c.ended) return "ended";
  return c.state;
}

function showCall(c) {
  state.callShown = c.id;
  const panel = $("call-panel");
  panel.hidden = false;
  panel.dataset.callId = c.id;
  panel.dataset.state = callStateText(c);
  $("call-state").textContent = callStateText(c);
  $("call-with").textContent = c.transferredTo ? c.target.name + " → " + c.transferredTo.name : c.target.name;
  const events = $("call-events");
  events.replaceChildren();
  for (const e of c.events) {
    events.append(el("li", { "data-type": e.type }, el("span", { class: "type", text: e.type }), " " + time(e.at) + (e.detail ? " — " + e.detail : "")));
  }
  $("transfer").disabled = c.ended || c.state !== "connected";
  $("transfer-target").disabled = $("transfer").disabled;
  $("hangup").disabled = c.ended;
  renderTransferTargets();
}

function renderTransferTargets() {
  const sel = $("transfer-target");
  const c = state.calls.get(state.callShown);
  const keep = sel.value;
  sel.replaceChildren();
  for (const p of [...state.people.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (c && p.id === c.target.id) continue;
    sel.append(el("option", { value: p.id, text: p.name }));
  }
  if (keep) sel.value = keep;
}

$("transfer").addEventListener("click", async () => {
  const id = state.callShown, to = $("transfer-target").value;
  if (!id || !to) return;
  $("transfer").disabled = true;
  try { await api("POST", "/api/calls/" + encodeURIComponent(id) + "/transfer", { userId: to }); } catch (err) { fail("Transferring")(err); }
});

$("hangup").addEventListener("click", async () => {
  const id = state.callShown;
  if (!id) return;
  try { onCall(await api("POST", "/api/calls/" + encodeURIComponent(id) + "/hangup")); } catch (err) { fail("Hanging up")(err); }
});

// ---- the ACS web calling SDK, when the deployment adds it ----
// (README: "Calls in the browser"). The bundle defines
// window.AzureCommunication = { CallClient, AzureCommunicationTokenCredential }.

function loadCallingSDK() {
  document.head.append(el("script", { src: "/static/vendor/acs-calling.js", async: true }));
}

async function acsToken() {
  const t = await api("POST", "/api/acs-token");
  return { token: t.token, expiresOnTimestamp: Date.parse(t.expiresOn) };
}

async function teamsCallAgent() {
  if (state.callAgent) return state.callAgent;
  const { CallClient, AzureCommunicationTokenCredential } = window.AzureCommunication;
  const first = await acsToken();
  const credential = new AzureCommunicationTokenCredential({ token: first.token, tokenRefresher: async () => (await acsToken()).token, refreshProactively: true });
  state.callAgent = await new CallClient().createTeamsCallAgent(credential);
  return state.callAgent;
}

async function sdkCall(p) {
  try {
    const agent = await teamsCallAgent();
    const call = agent.startCall({ microsoftTeamsUserId: p.id });
    const view = { id: call.id, target: p, state: call.state, events: [], started: new Date().toISOString() };
    const update = () => { view.state = call.state === "Connected" ? "connected" : call.state; view.ended = call.state === "Disconnected"; view.events = view.events.concat([{ type: call.state, at: new Date().toISOString() }]); onCall(view); };
    call.on("stateChanged", update);
    update();
  } catch (err) { toast("Calling " + p.name + ": " + err.message); }
}

document.addEventListener("DOMContentLoaded", start);
