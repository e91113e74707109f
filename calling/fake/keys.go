package fake

import (
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
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

// tokenRenew is how long before its expiry a cached token is replaced.
const tokenRenew = 2 * time.Minute

// signer caches the current callback token: minting one is an RSA
// signature, too slow to make for every event of a busy test.
type signer struct {
	iss *callbacktest.Issuer

	mu  sync.Mutex
	tok string
	iat time.Time
	exp time.Time
}

func newSigner(iss *callbacktest.Issuer) *signer { return &signer{iss: iss} }

// token returns a token valid at now, minting one when the cached token is
// not (or will not be for long). It returns "" if minting fails, which
// makes the receiver refuse the callback.
func (s *signer) token(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && !now.Before(s.iat) && now.Before(s.exp.Add(-tokenRenew)) {
		return s.tok
	}
	iat := now.Truncate(time.Second)
	tok, err := s.iss.Token(callbacktest.IssuedAt(iat))
	if err != nil {
		return ""
	}
	s.tok, s.iat, s.exp = tok, iat, iat.Add(callbacktest.TokenLifetime)
	return tok
}

// CallbackIssuer returns the issuer that signs the switchboard's callbacks:
// calling.NewCallbackHandler(sb.ResourceID(), sb.CallbackIssuer().HandlerOptions())
// accepts them without fetching anything. Its tokens are dated by the
// switchboard's clock (give the handler the same clock,
// CallbackAuthOptions.Clock, when it is a manual one far from the machine's
// time).
func (sb *Switchboard) CallbackIssuer() *callbacktest.Issuer { return sb.signer.iss }

// CallbackToken returns a callback token as the switchboard signs its
// callbacks at the switchboard's current time.
func (sb *Switchboard) CallbackToken() string { return sb.signer.token(sb.clock.Now()) }
