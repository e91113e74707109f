// The emulator as the interop tests see it: its ready line (given by the Go
// test in TEAMSUSER_EMULATOR_READY), its control API, Entra tokens of its
// users, and a small HTTP server that receives Call Automation callbacks
// and Event Grid deliveries, verifying each callback's JWT against the
// emulator's OpenID keys with node's crypto alone. The CA is trusted the
// ordinary way (NODE_EXTRA_CA_CERTS); nothing here turns a check off.

import crypto from "node:crypto";
import http from "node:http";
import { parseCallAutomationEvent } from "@azure/communication-call-automation";

if (!process.env.TEAMSUSER_EMULATOR_READY) {
  throw new Error("TEAMSUSER_EMULATOR_READY is not set: run these tests with `go test ./examples/emulator -run TestInterop`");
}

/** The ready line's JSON. */
export const ready = JSON.parse(process.env.TEAMSUSER_EMULATOR_READY);

/** The users of the seeded tenant. */
export const [adele, alex, megan] = ready.tenants[0].users;

/** The client id of the app the tests' tokens are issued to. */
export const appId = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac";

/**
 * control calls the control API and returns the decoded answer; a status
 * other than want fails.
 */
export async function control(method, path, body, want) {
  const res = await fetch(ready.control + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const expected = want ?? (method === "POST" ? [200, 201, 204] : [200, 204]);
  if (![].concat(expected).includes(res.status)) {
    throw new Error(`${method} ${path}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** mint asks the token endpoint for an Entra token of a user. */
export async function mint(request) {
  return control("POST", "/api/token", { appId, ...request }, 200);
}

/**
 * credential is a TokenCredential (the @azure/core-auth shape) that signs
 * a user in at the emulator's Entra for whatever scopes the SDK asks.
 */
export function credential(user) {
  const calls = [];
  return {
    calls,
    async getToken(scopes) {
      const list = [].concat(scopes);
      calls.push(list);
      const t = await mint({ user: user.upn, scopes: list });
      return { token: t.access_token, expiresOnTimestamp: t.expires_on * 1000 };
    },
  };
}

function b64json(part) {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** claims decodes a JWT's payload (no verification). */
export function claims(jwt) {
  return b64json(jwt.split(".")[1]);
}

let keys;

/**
 * verifyCallbackToken checks a callback's bearer JWT as an application must:
 * RS256 by a key the OpenID configuration names, the emulator's issuer, the
 * resource as audience, and a lifetime around now.
 */
export async function verifyCallbackToken(jwt) {
  const [h, p, s] = jwt.split(".");
  const header = b64json(h);
  if (header.alg !== "RS256") throw new Error(`callback token alg ${header.alg}`);
  if (!keys) {
    const config = await (await fetch(ready.callbacks.openIdConfiguration)).json();
    if (config.issuer !== ready.callbacks.issuer) throw new Error(`OpenID issuer ${config.issuer}`);
    keys = (await (await fetch(config.jwks_uri)).json()).keys;
  }
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in the emulator's JWKS`);
  const ok = crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), crypto.createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"));
  if (!ok) throw new Error("callback token signature does not verify");
  const c = b64json(p);
  const now = Date.now() / 1000;
  const skew = 300; // five minutes, as the service's SDKs allow
  if (c.iss !== ready.callbacks.issuer) throw new Error(`callback token iss ${c.iss}`);
  if ([].concat(c.aud).indexOf(ready.callbacks.audience) < 0) throw new Error(`callback token aud ${c.aud}`);
  if (!(c.exp > now - skew) || (c.nbf !== undefined && c.nbf > now + skew)) throw new Error(`callback token not valid now: ${JSON.stringify(c)}`);
  return c;
}

/**
 * listen starts a server on loopback for callbacks (POST /callbacks) and
 * Event Grid (POST /eventgrid). Each callback's JWT is verified and its
 * event parsed with parseCallAutomationEvent; Event Grid's validation
 * handshake is answered. waitFor resolves with the first event (past or
 * future) that matches.
 */
export async function listen() {
  const events = [];
  const grid = [];
  const failures = [];
  let waiters = [];
  const notify = () => {
    waiters = waiters.filter((w) => !w.check());
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      if (req.url.startsWith("/callbacks")) {
        const auth = req.headers.authorization ?? "";
        if (!auth.startsWith("Bearer ")) throw new Error("callback without a bearer token");
        await verifyCallbackToken(auth.slice("Bearer ".length));
        events.push(parseCallAutomationEvent(body));
        res.writeHead(200).end();
      } else if (req.url.startsWith("/eventgrid")) {
        const [ev] = JSON.parse(body);
        if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
          grid.push({ kind: "validation", ev });
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ validationResponse: ev.data.validationCode }));
        } else {
          grid.push({ kind: ev.eventType, ev });
          res.writeHead(200).end();
        }
      } else {
        res.writeHead(404).end();
      }
    } catch (err) {
      failures.push(err);
      res.writeHead(401).end();
    }
    notify();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const waitFor = (list, match, what) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${what} in 20 s; have ${JSON.stringify(list.map((e) => e.kind))}, failures ${failures}`));
      }, 20_000);
      const w = {
        check() {
          const hit = list.find(match);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          }
          return Boolean(hit);
        },
      };
      if (!w.check()) waiters.push(w);
    });
  return {
    callbackUrl: `${base}/callbacks`,
    eventGridUrl: `${base}/eventgrid`,
    events,
    grid,
    failures,
    /** event waits for a callback event of kind for a call connection. */
    event: (kind, callConnectionId) =>
      waitFor(events, (e) => e.kind === kind && (!callConnectionId || e.callConnectionId === callConnectionId), `${kind} event`),
    /** gridEvent waits for an Event Grid delivery matching match. */
    gridEvent: (match, what) => waitFor(grid, match, what),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
