// @microsoft/microsoft-graph-client against the emulator's Graph, over TLS:
// the client is pointed at the emulator as at a national cloud (baseUrl and
// customHosts, its options for another Graph host) and is otherwise as it
// comes — its default middleware, its PageIterator following
// @odata.nextLink. Chats, messages with paging, meetings and presence.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Client, PageIterator } from "@microsoft/microsoft-graph-client";
import { adele, alex, control, megan, mint, ready } from "./emulator.mjs";

const graphRoot = new URL(ready.graph); // https://127.0.0.1:port/v1.0

function graphAs(user) {
  return Client.initWithMiddleware({
    baseUrl: graphRoot.origin,
    customHosts: new Set([graphRoot.hostname]),
    authProvider: {
      async getAccessToken() {
        const t = await mint({ user: user.upn, scopes: ["https://graph.microsoft.com/.default"] });
        return t.access_token;
      },
    },
  });
}

const bind = (u) => ({
  "@odata.type": "#microsoft.graph.aadUserConversationMember",
  roles: ["owner"],
  "user@odata.bind": `https://graph.microsoft.com/v1.0/users('${u.objectId}')`,
});

test("chats and messages, paged through @odata.nextLink", async () => {
  const graph = graphAs(adele);
  const me = await graph.api("/me/chats").get();
  assert.ok(Array.isArray(me.value));

  const oneOnOne = await graph.api("/chats").post({ chatType: "oneOnOne", members: [bind(adele), bind(alex)] });
  assert.match(oneOnOne.id, /^19:.*@unq\.gbl\.spaces$/);
  const again = await graph.api("/chats").post({ chatType: "oneOnOne", members: [bind(adele), bind(alex)] });
  assert.equal(again.id, oneOnOne.id, "an existing 1:1 chat is returned, not duplicated");

  for (let i = 0; i < 25; i++) {
    await graph.api(`/chats/${oneOnOne.id}/messages`).post({ body: { content: `message ${i}` } });
  }
  // Alex answers from his Teams client (the control API).
  await control("POST", `/api/chats/${encodeURIComponent(oneOnOne.id)}/messages`, { from: alex.upn, content: "got them all" });

  const first = await graph.api(`/chats/${oneOnOne.id}/messages`).top(10).get();
  assert.equal(first.value.length, 10);
  assert.ok(first["@odata.nextLink"].startsWith(`${graphRoot.origin}/v1.0/`), first["@odata.nextLink"]);
  const lists = async () => (await control("GET", "/api/requests?service=graph&op=listMessages")).requests.length;
  const listed0 = await lists();
  const seen = [];
  const it = new PageIterator(graph, first, (m) => {
    seen.push(m.body.content);
    return true;
  });
  await it.iterate();
  assert.equal(seen.length, 26);
  assert.equal((await lists()) - listed0, 2, "pages 2 and 3 were fetched by @odata.nextLink");
  assert.equal(seen[0], "got them all", "newest first");
  assert.ok(seen.includes("message 0") && seen.includes("message 24"));

  // The other member reads the same chat.
  const theirs = await graphAs(alex).api(`/chats/${oneOnOne.id}/messages`).top(1).get();
  assert.equal(theirs.value[0].from.user.id, alex.objectId);

  const group = await graph.api("/chats").post({ chatType: "group", topic: "Launch", members: [bind(adele), bind(alex), bind(megan)] });
  assert.match(group.id, /@thread\.v2$/);
  const listed = await graph.api("/me/chats").expand("members").get();
  assert.ok(listed.value.some((c) => c.id === group.id && c.members.length === 3));
});

test("meetings: create one, find it by its join URL, reach its chat", async () => {
  const graph = graphAs(adele);
  const start = new Date(Date.now() + 3600_000);
  const meeting = await graph.api("/me/onlineMeetings").post({
    subject: "Fabrikam review",
    startDateTime: start.toISOString(),
    endDateTime: new Date(start.getTime() + 1800_000).toISOString(),
  });
  assert.ok(meeting.joinWebUrl.startsWith("https://teams.microsoft.com/l/meetup-join/"));
  // The join URL is a value in the query: encoded, as Graph's documented
  // request has it (the URL's own %xx become %25xx).
  const found = await graph.api("/me/onlineMeetings").filter(`JoinWebUrl eq '${encodeURIComponent(meeting.joinWebUrl)}'`).get();
  assert.equal(found.value.length, 1);
  const threadId = found.value[0].chatInfo.threadId;
  assert.match(threadId, /^19:meeting_/);
  const chat = await graph.api(`/chats/${threadId}`).get();
  assert.equal(chat.chatType, "meeting");
});

test("presence: set through the control API, read through Graph", async () => {
  const graph = graphAs(adele);
  assert.equal((await graph.api("/me/presence").get()).availability, "Available");
  await control("PUT", `/api/users/${alex.upn}/presence`, { availability: "Away", activity: "Away" });
  try {
    const p = await graph.api(`/users/${alex.objectId}/presence`).get();
    assert.equal(p.availability, "Away");
    const many = await graph.api("/communications/getPresencesByUserId").post({ ids: [alex.objectId, megan.objectId] });
    // Graph promises no order.
    assert.deepEqual(Object.fromEntries(many.value.map((v) => [v.id, v.availability])), {
      [alex.objectId]: "Away",
      [megan.objectId]: "Available",
    });
    const me = await graph.api("/me").select("id,displayName").get();
    assert.deepEqual([me.id, me.displayName], [adele.objectId, adele.displayName]);
  } finally {
    await control("PUT", `/api/users/${alex.upn}/presence`, { availability: "Available" });
  }
});

test("a throttled Graph answers 429 with Retry-After, and the log shows it", async () => {
  const graph = graphAs(megan);
  await control("POST", "/api/faults", { service: "graph", op: "getPresence", status: 429, retryAfterSeconds: 1, times: 1 });
  // The client's RetryHandler honours Retry-After and succeeds on its
  // second attempt.
  const p = await graph.api("/me/presence").get();
  assert.equal(p.availability, "Available");
  const { requests } = await control("GET", "/api/requests?service=graph&op=getPresence&failed=true");
  assert.ok(requests.some((r) => r.status === 429 && r.injected));
});
