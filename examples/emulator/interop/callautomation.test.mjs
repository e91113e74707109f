// @azure/communication-call-automation against the emulator's ACS
// resource, with its default options over TLS: outgoing calls to a Teams
// user and to a phone number, incoming calls through Event Grid (answer,
// redirect, reject), add, remove and transfer, hang up and terminate, callees
// scripted through the control API, and presence deciding whether a Teams
// user's client rings. Every callback's JWT is verified against the
// emulator's OpenID keys and every event parsed with parseCallAutomationEvent.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CallAutomationClient } from "@azure/communication-call-automation";
import { adele, alex, control, credential, listen, megan, ready } from "./emulator.mjs";

const client = new CallAutomationClient(ready.acsConnectionString);
const ownNumber = { phoneNumber: ready.phoneNumbers[0] };
let server;

before(async () => {
  server = await listen();
});
after(async () => {
  await server.close();
  assert.deepEqual(server.failures, [], "callbacks that failed verification or parsing");
});

test("a call to a Teams user connects; participants, add, remove, hang up", async () => {
  const { callConnectionProperties: props, callConnection } = await client.createCall(
    { targetParticipant: { microsoftTeamsUserId: alex.objectId } },
    server.callbackUrl,
    { operationContext: "to-alex" },
  );
  const id = props.callConnectionId;
  assert.equal(props.callConnectionState, "connecting");
  const connected = await server.event("CallConnected", id);
  assert.equal(connected.operationContext, "to-alex");
  assert.equal((await callConnection.getCallConnectionProperties()).callConnectionState, "connected");

  const { values } = await callConnection.listParticipants();
  assert.ok(values.some((p) => p.identifier.microsoftTeamsUserId === alex.objectId), JSON.stringify(values));

  const phone = { phoneNumber: "+14255550123" };
  const added = await callConnection.addParticipant({ targetParticipant: phone, sourceCallIdNumber: ownNumber }, { operationContext: "add-phone" });
  assert.ok(added.invitationId);
  const ok = await server.event("AddParticipantSucceeded", id);
  assert.equal(ok.participant.phoneNumber, phone.phoneNumber);
  const roster = await server.event("ParticipantsUpdated", id);
  assert.ok(Array.isArray(roster.participants));

  await callConnection.removeParticipant(phone, { operationContext: "remove-phone" });
  const removed = await server.event("RemoveParticipantSucceeded", id);
  assert.equal(removed.participant.phoneNumber, phone.phoneNumber);

  await callConnection.hangUp(false);
  await server.event("CallDisconnected", id);
  await assert.rejects(callConnection.getCallConnectionProperties(), (e) => e.statusCode === 404);
});

test("a call to a phone number with the resource's number as caller id; terminate", async () => {
  const { callConnectionProperties: props, callConnection } = await client.createCall(
    { targetParticipant: { phoneNumber: "+14255550124" }, sourceCallIdNumber: ownNumber, sourceDisplayName: "Contoso" },
    server.callbackUrl,
  );
  await server.event("CallConnected", props.callConnectionId);
  await callConnection.hangUp(true);
  await server.event("CallDisconnected", props.callConnectionId);
  // A caller id the resource does not own is refused.
  await assert.rejects(
    client.createCall({ targetParticipant: { phoneNumber: "+14255550124" }, sourceCallIdNumber: { phoneNumber: "+18005550199" } }, server.callbackUrl),
    (e) => e.statusCode === 403,
  );
});

test("transfer a 1:1 call to another Teams user", async () => {
  const { callConnectionProperties: props, callConnection } = await client.createCall(
    { targetParticipant: { microsoftTeamsUserId: megan.objectId } },
    server.callbackUrl,
  );
  const id = props.callConnectionId;
  await server.event("CallConnected", id);
  const res = await callConnection.transferCallToParticipant({ microsoftTeamsUserId: adele.objectId }, { operationContext: "to-adele" });
  assert.equal(res.operationContext, "to-adele");
  const accepted = await server.event("CallTransferAccepted", id);
  // The parser leaves the event's identifiers as the wire's model.
  assert.equal(accepted.transferTarget.rawId, `8:orgid:${adele.objectId}`);
  assert.equal(accepted.transferee.rawId, `8:orgid:${megan.objectId}`);
  await server.event("CallDisconnected", id);
});

test("Entra ID auth to Call Automation: a TokenCredential instead of the key", async () => {
  const cred = credential(adele);
  const entraClient = new CallAutomationClient(ready.acs, cred);
  const { callConnectionProperties: props, callConnection } = await entraClient.createCall(
    { targetParticipant: { microsoftTeamsUserId: alex.objectId } },
    server.callbackUrl,
  );
  await server.event("CallConnected", props.callConnectionId);
  await callConnection.hangUp(true);
  assert.deepEqual(cred.calls[0], ["https://communication.azure.com//.default"]);
});

test("scripted callees: decline, busy, no answer on the emulator's clock", async () => {
  const call = async (target) => {
    const { callConnectionProperties: props } = await client.createCall({ targetParticipant: target, sourceCallIdNumber: ownNumber }, server.callbackUrl);
    return props.callConnectionId;
  };
  await control("PUT", `/api/parties/${encodeURIComponent("+14255550131")}/script`, { action: "decline" });
  const declined = await server.event("CreateCallFailed", await call({ phoneNumber: "+14255550131" }));
  assert.equal(declined.resultInformation.code, 603);

  await control("PUT", `/api/parties/${encodeURIComponent("+14255550132")}/script`, { action: "busy" });
  const busy = await server.event("CreateCallFailed", await call({ phoneNumber: "+14255550132" }));
  assert.equal(busy.resultInformation.code, 486);

  // Rings until the ring timeout: the test moves the clock, not the wall.
  await control("PUT", `/api/parties/${encodeURIComponent("+14255550133")}/script`, { action: "noAnswer" });
  const silent = await call({ phoneNumber: "+14255550133" });
  const clock = await control("POST", "/api/clock", { advanceSeconds: 121 });
  assert.ok(clock.fired >= 1);
  const timeout = await server.event("CreateCallFailed", silent);
  assert.deepEqual([timeout.resultInformation.code, timeout.resultInformation.subCode], [487, 10004]);

  // Answers after ten seconds of ringing.
  await control("PUT", `/api/parties/${encodeURIComponent("+14255550134")}/script`, { action: "answer", ringSeconds: 10 });
  const slow = await call({ phoneNumber: "+14255550134" });
  await control("POST", "/api/clock", { advanceSeconds: 10 });
  await server.event("CallConnected", slow);
  const view = await control("GET", `/api/calls/${slow}`);
  assert.deepEqual(view.events.map((e) => e.type).slice(0, 1), ["CallConnected"]);
});

test("presence decides whether a Teams user's client rings", async () => {
  const call = async () => {
    const { callConnectionProperties: props } = await client.createCall({ targetParticipant: { microsoftTeamsUserId: megan.objectId } }, server.callbackUrl);
    return props.callConnectionId;
  };
  try {
    // Do not disturb: the client does not ring (voicemail is not modelled).
    await control("PUT", `/api/users/${megan.upn}/presence`, { availability: "DoNotDisturb" });
    assert.equal((await server.event("CreateCallFailed", await call())).resultInformation.code, 480);
    // In a call: it rings, unless the calling policy is busy-on-busy.
    await control("PUT", `/api/users/${megan.upn}/presence`, { availability: "Busy", activity: "InACall" });
    await server.event("CallConnected", await call());
    await control("PUT", `/api/users/${megan.upn}/calling-policy`, { busyOnBusyEnabledType: "Enabled" });
    assert.equal((await server.event("CreateCallFailed", await call())).resultInformation.code, 486);
  } finally {
    await control("PUT", `/api/users/${megan.upn}/calling-policy`, { busyOnBusyEnabledType: "Disabled" });
    await control("PUT", `/api/users/${megan.upn}/presence`, { availability: "Available" });
  }
});

test("incoming calls through Event Grid: answer, redirect, reject", async () => {
  const ring = async (from) => {
    const incoming = await control("POST", "/api/incoming-calls", { from, to: ownNumber.phoneNumber, eventGridUrl: server.eventGridUrl });
    const delivery = await server.gridEvent(
      (g) => g.kind === "Microsoft.Communication.IncomingCall" && g.ev.data.incomingCallContext === incoming.incomingCallContext,
      `IncomingCall from ${from}`,
    );
    assert.equal(delivery.ev.data.from.phoneNumber.value, from);
    return delivery.ev.data.incomingCallContext;
  };
  const answered = await ring("+14255550141");
  // Event Grid validated the subscription before its first delivery.
  assert.equal(server.grid[0].kind, "validation");
  const { callConnectionProperties: props, callConnection } = await client.answerCall(answered, server.callbackUrl);
  await server.event("CallConnected", props.callConnectionId);
  await callConnection.hangUp(true);

  const redirected = await ring("+14255550142");
  await client.redirectCall(redirected, { targetParticipant: { microsoftTeamsUserId: alex.objectId } });
  const rejected = await ring("+14255550143");
  await client.rejectCall(rejected, { callRejectReason: "busy" });
  await control("POST", "/api/settle");
  const { incomingCalls } = await control("GET", "/api/incoming-calls");
  const state = (ctx) => incomingCalls.find((c) => c.incomingCallContext === ctx);
  assert.equal(state(answered).state, "answered");
  assert.equal(state(redirected).state, "redirected");
  assert.equal(state(redirected).redirectedTo.id, `8:orgid:${alex.objectId}`);
  assert.equal(state(rejected).state, "rejected");
  assert.equal(state(rejected).rejectReason, "busy");
  assert.equal(server.grid.filter((g) => g.kind === "validation").length, 1, "one handshake for one subscription URL");
});
