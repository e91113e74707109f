// @azure/communication-identity against the emulator's ACS resource, with
// its default options over TLS: users and tokens with the connection
// string's access key and with an Entra ID credential, the Teams-user
// exchange, and a refreshing AzureCommunicationTokenCredential.

import assert from "node:assert/strict";
import { test } from "node:test";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import {
  AzureCommunicationTokenCredential,
  createCommunicationAuthPolicy,
  parseConnectionString,
} from "@azure/communication-common";
import { createDefaultHttpClient, createEmptyPipeline, createPipelineRequest } from "@azure/core-rest-pipeline";
import { adele, alex, appId, claims, control, credential, mint, ready } from "./emulator.mjs";

const client = new CommunicationIdentityClient(ready.acsConnectionString);

test("users and tokens: create, issue, get, revoke, delete", async () => {
  const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"]);
  assert.match(user.communicationUserId, /^8:acs:/);
  assert.ok(expiresOn > new Date(), "a token that already expired");
  assert.deepEqual(claims(token).scp, 1792, "the chat and voip scopes");

  const hour = await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
  // Counted on the emulator's clock, which other tests may have moved.
  const { now } = await control("GET", "/api/clock");
  const lifetime = (hour.expiresOn - new Date(now)) / 60000;
  assert.ok(lifetime > 55 && lifetime <= 61, `a 60-minute token lives ${lifetime} minutes`);
  await assert.rejects(client.getToken(user, ["chat"], { tokenExpiresInMinutes: 30 }), (e) => e.statusCode === 400);

  // The SDK has no getUser; GET /identities/{id} (api-version 2025-06-30)
  // goes through communication-common's own HMAC policy.
  const { endpoint, credential: key } = parseConnectionString(ready.acsConnectionString);
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(createCommunicationAuthPolicy(key));
  const get = (id) =>
    pipeline.sendRequest(
      createDefaultHttpClient(),
      createPipelineRequest({ url: `${endpoint}identities/${encodeURIComponent(id)}?api-version=2025-06-30`, method: "GET" }),
    );
  const got = await get(user.communicationUserId);
  assert.equal(got.status, 200, got.bodyAsText);
  assert.equal(JSON.parse(got.bodyAsText).id, user.communicationUserId);

  await client.revokeTokens(user);
  await client.deleteUser(user);
  assert.equal((await get(user.communicationUserId)).status, 404);
  await assert.rejects(client.getToken(user, ["chat"]), (e) => e.statusCode === 404);
});

test("Entra ID auth to ACS: a TokenCredential for https://communication.azure.com", async () => {
  const cred = credential(adele);
  const entraClient = new CommunicationIdentityClient(ready.acs, cred);
  const user = await entraClient.createUser();
  assert.match(user.communicationUserId, /^8:acs:/);
  assert.deepEqual(cred.calls[0], ["https://communication.azure.com//.default"]);
  // A token for another audience is refused as the service refuses it.
  const graphClient = new CommunicationIdentityClient(ready.acs, {
    async getToken() {
      const t = await mint({ user: adele.upn, scopes: ["https://graph.microsoft.com/.default"] });
      return { token: t.access_token, expiresOnTimestamp: t.expires_on * 1000 };
    },
  });
  await assert.rejects(graphClient.createUser(), (e) => e.statusCode === 401);
});

test("Teams-user exchange: v1 and v2 Entra tokens of the emulator's issuer", async () => {
  for (const version of [1, 2]) {
    const entra = await mint({ user: adele.upn, version });
    assert.equal(claims(entra.access_token).ver, version === 1 ? "1.0" : "2.0");
    const acs = await client.getTokenForTeamsUser({ teamsUserAadToken: entra.access_token, clientId: appId, userObjectId: adele.objectId });
    assert.match(claims(acs.token).skypeid, new RegExp(`orgid:${adele.objectId}$`));
  }
  // The service's checks: the app and the user must be the token's.
  const entra = await mint({ user: adele.upn });
  await assert.rejects(
    client.getTokenForTeamsUser({ teamsUserAadToken: entra.access_token, clientId: appId, userObjectId: alex.objectId }),
    (e) => e.statusCode === 400,
  );
  for (const bad of [{ expired: true }, { notYetValid: true }, { scopes: ["https://graph.microsoft.com/.default"] }]) {
    const t = await mint({ user: adele.upn, ...bad });
    await assert.rejects(
      client.getTokenForTeamsUser({ teamsUserAadToken: t.access_token, clientId: appId, userObjectId: adele.objectId }),
      (e) => e.statusCode === 401,
      JSON.stringify(bad),
    );
  }
});

test("AzureCommunicationTokenCredential refreshes through its tokenRefresher", async () => {
  let refreshes = 0;
  let refreshed;
  const next = new Promise((resolve) => (refreshed = resolve));
  // The refresher exchanges a fresh Entra token for the user's ACS token,
  // as a Teams-user app does.
  const tokenRefresher = async () => {
    refreshes++;
    const entra = await mint({ user: alex.upn });
    const acs = await client.getTokenForTeamsUser({ teamsUserAadToken: entra.access_token, clientId: appId, userObjectId: alex.objectId });
    // Resolved once the credential has taken the token (after the
    // microtasks that follow this return).
    setImmediate(() => refreshed(acs.token));
    return acs.token;
  };
  // A cached token that expires in two seconds: the credential refreshes it
  // proactively (at half its remaining life, once it is within ten minutes
  // of expiry).
  const soon = `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 2 })).toString("base64url")}.c2ln`;
  const cred = new AzureCommunicationTokenCredential({ token: soon, tokenRefresher, refreshProactively: true });
  try {
    const fresh = await next;
    assert.match(claims(fresh).skypeid, new RegExp(`orgid:${alex.objectId}$`));
    const got = await cred.getToken();
    assert.equal(got.token, fresh);
    assert.ok(got.expiresOnTimestamp > Date.now() + 50 * 60_000, "the refreshed token lives about an hour");
    assert.equal(refreshes, 1);
  } finally {
    cred.dispose();
  }
  // A credential without a token asks the refresher on first use.
  const lazy = new AzureCommunicationTokenCredential({ tokenRefresher });
  try {
    assert.match(claims((await lazy.getToken()).token).skypeid, /orgid:/);
    assert.equal(refreshes, 2);
  } finally {
    lazy.dispose();
  }
  // The emulator saw the exchanges.
  const { requests } = await control("GET", "/api/requests?service=identity&op=exchange");
  assert.ok(requests.filter((r) => r.status === 200).length >= 2);
});
