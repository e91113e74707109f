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
// The backend for web and mobile clients, which answers a caller's Entra ID
// token with the caller's Azure Communication Services token, is package
// teamsuser/tokenservice: it needs only identity, so a program that serves
// tokens builds neither chat nor calling. Users takes the tokenservice.Caller
// that tokenservice.Service.Authenticate reads from a request.
//
// Everything here runs offline against the fakes of identity/fake,
// chat/fake and calling/fake; see the package's tests and examples.
package teamsuser
