package uuid_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// The three GUID checks IsGUID replaced, as they were: identity's (and
// identity/fake's and the examples') regexp, and the byte loop that
// internal/graphwire.IsGUID and teamsuser/tokenservice's isGUID both were.
// IsGUID must answer as they did for every string.
var oldGUIDRegexp = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func oldGUIDLoop(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func TestIsGUID(t *testing.T) {
	const g = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{g, true},
		{strings.ToUpper(g), true},
		{"72F988bf-86f1-41AF-91ab-2d7cd011DB47", true}, // mixed case
		{"00000000-0000-0000-0000-000000000000", true}, // the nil UUID
		{"72f988bf-86f1-11af-c1ab-2d7cd011db47", true}, // any version and variant
		{"", false},
		{g[:35], false},
		{g + "0", false},
		{"72f988bf86f141af91ab2d7cd011db47", false},          // no hyphens
		{"{" + g + "}", false},                               // braces
		{"urn:uuid:" + g, false},                             // prefix
		{g + "\n", false},                                    // trailing newline ($ is end of text)
		{"\n" + g, false},                                    // leading newline
		{" " + g[1:], false},                                 // space
		{"72f988bf-86f1-41af-91ab-2d7cd011db4g", false},      // not hex
		{"72f988bf_86f1-41af-91ab-2d7cd011db47", false},      // separator
		{"72f988bf-86f1-41af-91ab2-d7cd011db47", false},      // hyphen misplaced
		{"72f988bf-86f1-41af-91ab-2d7cd011db4\u0660", false}, // a digit, not ASCII (37 bytes)
		{"72f988bf-86f1-41af-91ab-2d7cd011d\xff\xfe7", false},
		{"７2f988bf-86f1-41af-91ab-2d7cd011db4", false}, // fullwidth digit
	} {
		require.Equal(t, tc.want, uuid.IsGUID(tc.s), "%q", tc.s)
		require.Equal(t, oldGUIDRegexp.MatchString(tc.s), uuid.IsGUID(tc.s), "regexp: %q", tc.s)
		require.Equal(t, oldGUIDLoop(tc.s), uuid.IsGUID(tc.s), "loop: %q", tc.s)
	}
	for range 100 {
		require.True(t, uuid.IsGUID(uuid.New()))
	}
}

// FuzzIsGUID: IsGUID answers as the regexp and the loop it replaced did,
// for any string.
func FuzzIsGUID(f *testing.F) {
	f.Add("72f988bf-86f1-41af-91ab-2d7cd011db47")
	f.Add("72F988BF-86F1-41AF-91AB-2D7CD011DB47\n")
	f.Add("72f988bf-86f1-41af-91ab-2d7cd011db4g")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got := uuid.IsGUID(s)
		if re := oldGUIDRegexp.MatchString(s); got != re {
			t.Fatalf("IsGUID(%q) = %v, the regexp said %v", s, got, re)
		}
		if loop := oldGUIDLoop(s); got != loop {
			t.Fatalf("IsGUID(%q) = %v, the loop said %v", s, got, loop)
		}
	})
}
