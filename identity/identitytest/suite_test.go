package identitytest_test

import (
	"os"
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/suitecheck"
)

const appID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

// lacking is the fake's Go face in an environment that cannot mint Entra
// tokens; with noTenant it has no Teams Phone tenant either, else it has
// one but no Teams Phone tokens. It declares what it lacks as told.
func lacking(noTenant bool, declared identitytest.Unsupported) func(t *testing.T) identitytest.Env {
	return func(t *testing.T) identitytest.Env {
		entra := fake.NewEntra(nil)
		user := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
		env := identitytest.Env{Service: fake.New(&fake.Options{Entra: entra}), AppID: appID, UserID: user.ObjectID,
			TenantID: user.TenantID, Unsupported: declared}
		if noTenant {
			env.TenantID = ""
		}
		return env
	}
}

// TestSuiteSkipsOnlyWhatIsDeclared: an environment without Entra tokens and
// without Teams Phone (or without Teams Phone tokens) passes when it
// declares so, and fails each case that needs what it left out when it
// does not, saying what (the suite used to skip on a nil hook, so an
// implementation passed by leaving things out). The failing runs are child
// processes, since a failing subtest fails its parent.
func TestSuiteSkipsOnlyWhatIsDeclared(t *testing.T) {
	switch os.Getenv("IDENTITYTEST_UNDECLARED") {
	case "no-tenant":
		identitytest.Run(t, lacking(true, identitytest.Unsupported{}))
		return
	case "no-phone-tokens":
		identitytest.Run(t, lacking(false, identitytest.Unsupported{EntraTokens: true}))
		return
	}
	identitytest.Run(t, lacking(true, identitytest.Unsupported{EntraTokens: true, TeamsPhone: true}))
	identitytest.Run(t, lacking(false, identitytest.Unsupported{EntraTokens: true, TeamsPhoneTokens: true}))

	const (
		noEntra  = "Env.EntraToken is nil: set it, or declare Env.Unsupported.EntraTokens"
		noTenant = "Env.TenantID is empty: set it, or declare Env.Unsupported.TeamsPhone"
		noPhone  = "Env.TeamsPhoneToken is nil: set it, or declare Env.Unsupported.TeamsPhoneTokens"
	)
	suitecheck.FailsEach(t, "IDENTITYTEST_UNDECLARED", "no-tenant", map[string]string{
		"ExchangeTeamsUserToken":                  noEntra,
		"ExchangeChecksArgumentsBeforeSending":    noEntra,
		"ExchangeRefusesTokensThatCannotWork":     noEntra,
		"ExchangeServiceErrors":                   noEntra,
		"TeamsExtensionAssignments":               noTenant,
		"TeamsExtensionAssignmentChecksArguments": noTenant,
		"ExchangeTeamsPhoneToken":                 noTenant,
	})
	suitecheck.FailsEach(t, "IDENTITYTEST_UNDECLARED", "no-phone-tokens", map[string]string{"ExchangeTeamsPhoneToken": noPhone})
}
