package fake_test

import (
	"reflect"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/implcheck"
)

// TestGoFaceImplementsEveryMethod: the fake embeds a nil identity.Service only
// to implement the interface (DESIGN.md, "Extending the interfaces"); every
// method is its own, so none reaches the nil value and panics, and none panics
// on zero arguments.
func TestGoFaceImplementsEveryMethod(t *testing.T) {
	svc := fake.New(nil)
	t.Cleanup(func() { _ = svc.Close() })
	implcheck.EveryMethod(t, svc, reflect.TypeFor[identity.Service]())
}
