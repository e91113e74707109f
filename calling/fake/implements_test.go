package fake_test

import (
	"reflect"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/implcheck"
)

// TestGoFaceImplementsEveryMethod: the fake embeds a nil calling.Service only
// to implement the interface (DESIGN.md, "Extending the interfaces"); every
// method is its own, so none reaches the nil value and panics, and none panics
// on zero arguments.
func TestGoFaceImplementsEveryMethod(t *testing.T) {
	sb := fake.New(nil)
	t.Cleanup(func() { _ = sb.Close() })
	implcheck.EveryMethod(t, sb, reflect.TypeFor[calling.Service]())
}
