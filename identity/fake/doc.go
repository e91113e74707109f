// Package fake is an in-memory Azure Communication Services identity service
// and a fake Microsoft Entra ID issuer, for tests that must run offline.
//
// The service has two faces over one state: its Go face implements
// identity.Service directly, and its HTTP face (Service.Handler) speaks the
// ACS identity REST API, so the real identity.Client can run against it on
// loopback. It also keeps Teams Phone extensibility assignments and
// exchanges Teams Phone users' tokens. The Entra issuer mints Teams-user
// access tokens with realistic claims for test users of test tenants, and its
// keys verify the bearer tokens that authenticate requests to the HTTP face.
package fake
