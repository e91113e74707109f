package fake

import (
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Callbacks are signed the way ACS signs them: an Authorization: Bearer
// JWT, RS256, issuer Issuer, audience the resource's immutable id, minted
// by a calling/callbacktest Issuer. Its public key is published by the HTTP
// face (OpenID configuration at PathOpenIDConfiguration, keys at
// PathCallbackKeys) and by CallbackIssuer, so that calling's callback
// handler can be pointed at the switchboard.

// Paths of the callback keys the HTTP face serves (no authentication, no
// api-version), for a callback handler's OpenID configuration.
const (
	PathOpenIDConfiguration = callbacktest.OpenIDConfigurationPath
	PathCallbackKeys        = callbacktest.KeysPath
)

// signer mints the callback tokens: a new one for every event, as ACS
// does ("The lifetime of the JWT is five (5) minutes and a new token is
// created for every event sent to the callback URI", Learn: Call Automation
// "Secure webhook endpoint", MicrosoftDocs/azure-docs articles/
// communication-services/how-tos/call-automation/includes/
// secure-webhook-endpoint-csharp.md and its JavaScript, Java and Python
// siblings). Each carries a "jti" of its own, so that two events of one
// second get two tokens (RS256 signatures are deterministic); ACS's claims
// beyond iss, aud and the times are not documented, the jti is a choice.
type signer struct {
	iss *callbacktest.Issuer
}

func newSigner(iss *callbacktest.Issuer) *signer { return &signer{iss: iss} }

// token mints a token issued at now, valid callbacktest.TokenLifetime
// (five minutes). It returns "" if minting fails, which makes the receiver
// refuse the callback.
func (s *signer) token(now time.Time) string {
	tok, err := s.iss.Token(callbacktest.IssuedAt(now.Truncate(time.Second)), callbacktest.WithClaim("jti", uuid.New()))
	if err != nil {
		return ""
	}
	return tok
}

// CallbackIssuer returns the issuer that signs the switchboard's callbacks:
// calling.NewCallbackHandler(sb.ResourceID(), sb.CallbackIssuer().HandlerOptions())
// accepts them without fetching anything. Its tokens are dated by the
// switchboard's clock (give the handler the same clock,
// CallbackAuthOptions.Clock, when it is a manual one far from the machine's
// time).
func (sb *Switchboard) CallbackIssuer() *callbacktest.Issuer { return sb.signer.iss }

// CallbackToken returns a new callback token, as the switchboard signs a
// callback at the switchboard's current time.
func (sb *Switchboard) CallbackToken() string { return sb.signer.token(sb.clock.Now()) }
