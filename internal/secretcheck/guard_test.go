package secretcheck_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/internal/secretcheck"
)

const module = "github.com/teamsuser-sdk/teamsuser-go"

// guarded are the packages whose exported types must all print redacted:
// the SDK's public packages. The fakes and conformance kits (*/fake,
// */*test, calling/callbacktest) are not: the secrets they hold are ones
// they mint for tests, and their inspection types exist to show them (a
// test reads a fake subscription's ClientState). Examples are programs.
var guarded = []string{"identity", "chat", "calling", "teamsuser", "teamsuser/tokenservice"}

// notSecret are fields whose name ends like a secret's but that hold none,
// with the reason.
var notSecret = map[string]string{
	module + "/internal/oidc.Provider.keys":         "the issuer's RSA public keys",
	module + "/teamsuser/tokenservice.Options.Keys": "the public keys that verify callers' tokens",
	module + "/chat.Lease.Token":                    "a lease's fencing token: a counter, not a credential",
}

// TestEveryTypeThatHoldsASecretIsInTheTable reads the guarded packages'
// source and fails when an exported type holds a secret (by a field's name
// or type, see package secretcheck) and TestSecretsNeverPrint has no value
// of it: a new type, or a new secret field in an old type, must be added to
// the table, which fails until it prints redacted. It also fails on a table
// entry that holds no secret, so the table stays what it says.
func TestEveryTypeThatHoldsASecretIsInTheTable(t *testing.T) {
	pkgs := make([]string, len(guarded))
	for i, p := range guarded {
		pkgs[i] = module + "/" + p
	}
	findings, err := secretcheck.Scan("../..", module, pkgs, notSecret)
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) < 20 {
		t.Fatalf("only %d types found: is the scan reading the source?", len(findings))
	}
	table := map[string]bool{}
	for k := range cases(t) {
		k, _, _ = strings.Cut(k, "#")
		table[k] = true
	}
	found := map[string]bool{}
	for _, f := range findings {
		found[f.Type] = true
		if !table[f.Type] {
			t.Errorf("%s holds a secret (%s) but TestSecretsNeverPrint has no value of it: add one to cases, and make the type print redacted (see internal/redact)", f.Type, f.Via)
		}
	}
	var extra []string
	for k := range table {
		if !found[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		t.Errorf("the table lists %s, which holds no secret the scan can see (or is in a package not guarded)", k)
	}
}
