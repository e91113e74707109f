package identity

import (
	"bytes"
	"testing"
	"time"
)

// FuzzOpenSealed: whatever bytes a shared store hands back (another
// version, a tampered value, garbage) open refuses or reads without
// panicking, and what seal made opens to what was sealed, for its id only.
func FuzzOpenSealed(f *testing.F) {
	c, err := NewSharedTokenCache(NewMemoryTokenCacheStore(nil), []TokenKey{{ID: "k1", Key: bytes.Repeat([]byte{1}, 32)}})
	if err != nil {
		f.Fatal(err)
	}
	e := sharedEntry{tok: AccessToken{Token: "acs-token", ExpiresOn: time.Unix(1_900_000_000, 0).UTC()}, refreshAt: time.Unix(1_899_999_000, 0).UTC()}
	f.Add("user", c.seal("user", e))
	f.Add("user", []byte{1, 2, 'k', '1'})
	f.Add("", []byte{})
	f.Fuzz(func(t *testing.T, id string, b []byte) {
		_, _ = c.open(id, b)
		if len(b) == 0 {
			return
		}
		e := sharedEntry{tok: AccessToken{Token: string(b), ExpiresOn: time.Unix(0, int64(len(b))*1e9).UTC()}, refreshAt: time.Unix(1, 0).UTC()}
		e.entra = entraDigest(id)
		sealed := c.seal(id, e)
		got, ok := c.open(id, sealed)
		if !ok || got != e {
			t.Fatalf("open(seal(%v)) = %v, %v", e, got, ok)
		}
		if _, ok := c.open(id+"x", sealed); ok {
			t.Fatal("a sealed entry opened under another id")
		}
	})
}
