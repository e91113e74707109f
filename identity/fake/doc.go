// Package fake is an in-memory Azure Communication Services identity service
// and a fake Microsoft Entra ID issuer, for tests that must run offline.
//
// The service has two faces over one state: its Go face implements
// identity.Service directly, and its HTTP face (Service.Handler, NewServer)
// speaks the ACS identity REST API, so the real identity.Client can run
// against it on loopback. It also keeps Teams Phone extensibility
// assignments and exchanges Teams Phone users' tokens. The Entra issuer mints
// Teams-user access tokens with realistic claims for test users of test
// tenants, and its keys verify the bearer tokens that authenticate requests
// to the HTTP face. Apps registered with it (Entra.AddApp) sign its users in
// through its HTTP face as with Entra ID: a sign-in page for the
// authorization code flow with PKCE, refresh tokens, and the on-behalf-of
// flow, which azidentity's OnBehalfOfCredential runs against it over TLS.
//
// # What all three fakes share
//
// This package, chat/fake and calling/fake are used the same way, and the
// types they share are declared here, the lowest of them:
//
//   - New(opts) makes one (opts may be nil), NewServer serves its HTTP face
//     on a loopback port, Close stops it;
//   - Options.Clock is its time, and Clock returns it: pass a manual Clock
//     (NewClock) to move time by hand;
//   - InjectFault adds a Fault (429 with Retry-After, 5xx before or after the
//     request takes effect, delays, hangs, dropped connections, by count,
//     after a number of requests, or by exact ratio) to both faces;
//     ClearFaults and FaultsApplied go with it;
//   - Requests returns the request log (a Request per request of either
//     face), ResetRequests empties it and CountRequests counts it by
//     operation (the Op constants of each fake).
package fake
