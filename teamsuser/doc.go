// Package teamsuser acts as a Teams user from one place: it wires the
// identity, chat and calling packages of teamsuser-go to one Microsoft Teams
// user, or to the many users of a backend.
//
// A User is one Teams user, built from that user's delegated Entra
// credential and the application's Config: the refreshing ACS token for the
// user's web or mobile calling client (ACSToken), the user's chat over
// Microsoft Graph (Chat), meetings (CreateMeeting, FindMeeting,
// FindMeetingByID: each with its chat and the locator the calling client
// joins with), presence (Presence, Presences, FirstFree for routing calls
// to whoever is free) and the calling helpers (Calling, Call).
//
// Users serves the Teams users of many customer tenants in one service:
// from the caller's Entra token on an incoming request it builds, on behalf
// of the caller, that user's User, cached per user with a bound on memory
// and evicted when the tokens expire.
//
// TokenService is the backend for web and mobile clients: an http.Handler
// that authenticates the caller's Microsoft Entra ID token and answers with
// the caller's Azure Communication Services token, exchanged from the Teams
// user's Entra token, for the ACS client calling and chat SDKs.
//
// Everything here runs offline against the fakes of identity/fake,
// chat/fake and calling/fake; see the package's tests and examples.
package teamsuser
