package fake

import (
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// acsAudiences are the "aud" values accepted in Entra ID tokens presented to
// an ACS data plane (the identity API, Call Automation). Every official SDK
// asks Entra for the scope "https://communication.azure.com//.default"
// (azure-sdk-for-net Azure.Communication.Identity CommunicationIdentityClient,
// BearerTokenAuthenticationPolicy(tokenCredential,
// "https://communication.azure.com//.default"); the same in Java and Python),
// which by Entra's rule for resource URIs that end in a slash
// (https://learn.microsoft.com/entra/identity-platform/scopes-oidc#trailing-slash-and-default)
// names the resource "https://communication.azure.com/". What "aud" the
// issued tokens carry is not documented: choice, both spellings.
var acsAudiences = map[string]bool{
	"https://communication.azure.com":  true,
	"https://communication.azure.com/": true,
}

// VerifyACSBearer is the check an ACS data plane makes of the Entra ID access
// token in a request's "Authorization: Bearer" header: v verifies its
// signature, issuer and expiry (an *Entra does so with its keys, for its
// tenants, by its clock), and its audience must be the ACS data plane,
// "https://communication.azure.com" with or without the trailing slash. It
// returns the token's claims, or an *identity.InvalidTokenError (from v, or
// TokenWrongAudience).
//
// Both fakes' HTTP faces use it (this package's Service and calling/fake's
// Switchboard) when given a verifier, and answer a token that fails it with
// 401 {"error":{"code":"Denied","message":"Denied by the resource
// provider."}}. Role assignments on the resource, which the service also
// checks, are not modelled: any principal of a trusted tenant is allowed.
func VerifyACSBearer(v TokenVerifier, token string) (identity.EntraTokenClaims, error) {
	c, err := v.Verify(token)
	if err != nil {
		return c, err
	}
	if !acsAudiences[c.Audience] {
		return c, &identity.InvalidTokenError{Problem: identity.TokenWrongAudience, TokenKind: "entra", Claim: "aud",
			Got: c.Audience, Want: "https://communication.azure.com"}
	}
	return c, nil
}
