// Package tokenservice is the backend of the web and mobile clients of
// Microsoft Teams users: an http.Handler (Service) that authenticates the
// caller's Microsoft Entra ID token, checks the caller's tenant and rate
// limit, and answers with the caller's Azure Communication Services token,
// exchanged from the Teams user's Entra token (forwarded by the client, or
// obtained on behalf of the caller), for the ACS client calling and chat
// SDKs.
//
// It needs only the identity package: a program that serves tokens builds
// neither chat nor calling. Package teamsuser, which acts as Teams users
// from a backend, takes the Caller that Service.Authenticate reads from a
// request.
//
// Everything here runs offline against identity/fake's Entra ID and ACS
// identity service; see the package's examples and tests.
package tokenservice
