// Package identity is the Azure Communication Services (ACS) identity layer of
// teamsuser-go: communication identifiers and their raw ids, the ACS identity
// client (users, tokens and the exchange of a Microsoft Teams user's Entra ID
// token for an ACS token), reading of Entra and ACS token claims, and
// credentials that keep a Teams user's ACS token fresh.
//
// The package never imports Microsoft Graph; chat and calling build on it.
package identity
