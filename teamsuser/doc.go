// Package teamsuser acts as a Teams user from one place: it wires the
// identity, chat and calling packages of teamsuser-go to one Microsoft Teams
// user, or to the many users of a backend.
//
// TokenService is that backend for web and mobile clients: an http.Handler
// that authenticates the caller's Microsoft Entra ID token and answers with
// the caller's Azure Communication Services token, exchanged from the Teams
// user's Entra token, for the ACS client calling and chat SDKs.
package teamsuser
