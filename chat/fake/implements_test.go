package fake_test

import (
	"reflect"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/implcheck"
)

// TestGoFaceImplementsEveryMethod: the fake embeds a nil chat.Service only to
// implement the interface (DESIGN.md, "Extending the interfaces"); every
// method is its own, so none reaches the nil value and panics, and none
// panics on zero arguments.
func TestGoFaceImplementsEveryMethod(t *testing.T) {
	s, cast := fake.NewSeeded(nil)
	t.Cleanup(func() { _ = s.Close() })
	implcheck.EveryMethod(t, s.As(cast.Alice.ID), reflect.TypeFor[chat.Service]())
}
