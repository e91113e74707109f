package identity_test

import (
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
)

// DefaultTryTimeout is a literal, so that go doc shows it; the ACS pipeline
// under internal/ applies its own, which cannot name it. This test holds the
// two to one value.
func TestDefaultTryTimeoutAgreesWithThePipeline(t *testing.T) {
	if identity.DefaultTryTimeout != acsclient.DefaultTryTimeout {
		t.Errorf("DefaultTryTimeout is %v, the pipeline's %v", identity.DefaultTryTimeout, acsclient.DefaultTryTimeout)
	}
}
