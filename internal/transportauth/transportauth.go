// Package transportauth marks a client whose transport authenticates each
// request itself. chat/msgraphchat passes Credential to chat.NewClient
// with a transport that sends through a msgraph-sdk-go request adapter,
// whose own authentication provider signs the request: the chat pipeline
// then adds no bearer token policy of its own. It imports no package of
// this module.
package transportauth

import (
	"context"
	"errors"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Credential is the marker. It never gives a token.
type Credential struct{}

// errNoToken is what GetToken returns: the credential is a marker only.
var errNoToken = errors.New("transportauth: the transport authenticates requests; this credential has no token")

// GetToken implements azcore.TokenCredential; it always fails.
func (Credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errNoToken
}
