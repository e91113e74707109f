// record.js drives the official @azure/communication-identity client against
// a loopback server and writes every request it receives (with the HMAC
// headers the SDK computed) to js_vectors.json. It binds 127.0.0.1 only.
//
//   npm install @azure/communication-identity   (brings communication-common, core-auth, core-rest-pipeline)
//   node record.js > ../js_vectors.json
"use strict";
const http = require("node:http");
const { CommunicationIdentityClient } = require("@azure/communication-identity");
const common = require("@azure/communication-common");
const { AzureKeyCredential } = require("@azure/core-auth");
const { createPipelineRequest, createDefaultHttpClient } = require("@azure/core-rest-pipeline");

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64");
const userId = "8:acs:11111111-2222-3333-4444-555555555555_00000000-aaaa-bbbb-cccc-000000000001";
const records = [];
let label = "";

function serve(port) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      records.push({
        label,
        method: req.method,
        pathAndQuery: req.url,
        host: req.headers["host"],
        date: req.headers["x-ms-date"],
        contentSha256: req.headers["x-ms-content-sha256"],
        authorization: req.headers["authorization"],
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const u = req.url;
      res.setHeader("content-type", "application/json");
      if (req.method === "POST" && u.startsWith("/identities?")) {
        res.statusCode = 201;
        res.end(JSON.stringify({ identity: { id: userId },
          accessToken: { token: "t", expiresOn: "2030-01-01T00:00:00Z" } }));
      } else if (u.includes(":issueAccessToken") || u.includes(":exchangeAccessToken")) {
        res.end(JSON.stringify({ token: "t", expiresOn: "2030-01-01T00:00:00Z" }));
      } else if (req.method === "GET") {
        res.end("{}");
      } else {
        res.statusCode = 204;
        res.end();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function drive(endpoint, apiVersion) {
  const opts = { allowInsecureConnection: true, ...(apiVersion ? { apiVersion } : {}) };
  const client = new CommunicationIdentityClient(`endpoint=${endpoint};accesskey=${key}`, opts);
  const at = `${endpoint} api-version ${apiVersion || "default"}`;
  label = `createUser ${at}`;
  const user = await client.createUser();
  label = `createUserAndToken ${at}`;
  await client.createUserAndToken(["chat", "voip"], { tokenExpiresInMinutes: 60 });
  label = `getToken ${at}`;
  await client.getToken(user, ["chat.join", "voip.join"]);
  label = `revokeTokens ${at}`;
  await client.revokeTokens(user);
  label = `getTokenForTeamsUser ${at}`;
  await client.getTokenForTeamsUser({
    teamsUserAadToken: "eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.",
    clientId: "00000000-0000-0000-0000-0000000000a1",
    userObjectId: "00000000-0000-0000-0000-0000000000b2",
  });
  label = `deleteUser ${at}`;
  await client.deleteUser(user);
}

// direct drives the access-key policy alone, to show how it treats a query
// that needs escaping (it re-serialises the query with URLSearchParams).
async function direct(base) {
  const policy = common.createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(key));
  const httpClient = createDefaultHttpClient();
  const req = createPipelineRequest({
    url: `${base}/chat/threads/19%3Aabc%40thread.v2/messages?api-version=2025-06-30&filter=a%20b&x=%7E`,
    method: "GET",
    allowInsecureConnection: true,
  });
  label = "policy alone, query needing escapes (signed as URLSearchParams re-serialises it)";
  await policy.sendRequest(req, (r) => httpClient.sendRequest(r));
}

async function main() {
  const s1 = await serve(0);
  const port = s1.address().port;
  await drive(`http://127.0.0.1:${port}/`);
  await drive(`http://127.0.0.1:${port}`, "2025-06-30");
  await direct(`http://127.0.0.1:${port}`);
  s1.close();
  let s80;
  try {
    s80 = await serve(80);
  } catch (e) {
    process.stderr.write(`port 80 not available: ${e.message}\n`);
  }
  if (s80) {
    await drive("http://127.0.0.1:80/", "2025-06-30");
    s80.close();
  }
  process.stdout.write(JSON.stringify({
    generator: "internal/hmacauth/testdata/gen/record.js",
    sdk: {
      "@azure/communication-identity": require("@azure/communication-identity/package.json").version,
      "@azure/communication-common": require("@azure/communication-common/package.json").version,
    },
    accessKey: key,
    requests: records,
  }, null, 2) + "\n");
}

main().catch((e) => { console.error(e); process.exit(1); });
