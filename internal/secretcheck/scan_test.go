package secretcheck_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/secretcheck"
)

// TestScan runs the scan over a small module written for it.
func TestScan(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	write("go.mod", "module example.com/m\n")
	write("inner/inner.go", `package inner
type state struct{ refresh string; key []byte }
type Exported struct{ s *state }
`)
	write("p/p.go", `package p

import (
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	in "example.com/m/inner"
)

type Plain struct{ Name string; Tokens int64 `+"`json:\"-\"`"+`; Next *Plain }
type Keyed struct{ APIKey []byte }
type Nested struct{ m []map[string]*Keyed }
type Passcode string
type HasPasscode struct{ P Passcode }
type tokenState struct{ token string }
type Generic struct{ cur atomic.Pointer[tokenState] }
type tokenish struct{ AccessToken string }
type External struct{ tok azcore.AccessToken }
type Imported struct{ x in.Exported }
type Opaque struct{ f func() string; i interface{ Token() string }; c chan int }
type Ignored struct{ Keys []string }
type Cycle struct{ a *Cycle2 }
type Cycle2 struct{ b *Cycle; ClientState string }
type unexported struct{ Secret string }
type Alias = Keyed
type Array [2]Keyed
`)
	write("p/p_test.go", `package p
type TestOnly struct{ Password string }
`)
	got, err := secretcheck.Scan(root, "example.com/m", []string{"example.com/m/p"}, map[string]string{"example.com/m/p.Ignored.Keys": "names"})
	require.NoError(t, err)
	via := map[string]string{}
	for _, f := range got {
		via[f.Type[len("example.com/m/p."):]] = f.Via
	}
	assert.Equal(t, map[string]string{
		"Keyed":       "field APIKey (secret name)",
		"Nested":      "field m → field APIKey (secret name)",
		"Passcode":    "secret-named string type Passcode",
		"HasPasscode": "field P → secret-named string type Passcode",
		"Generic":     "field cur → field token (secret name)",
		"External":    "field tok → type github.com/Azure/azure-sdk-for-go/sdk/azcore.AccessToken",
		"Imported":    "field x → field s → field key (secret name)",
		"Cycle":       "field a → field ClientState (secret name)",
		"Cycle2":      "field ClientState (secret name)",
		"Alias":       "field APIKey (secret name)",
		"Array":       "field APIKey (secret name)",
		"Plain":       "field Tokens (secret name)",
	}, via)
}
