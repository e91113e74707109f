package identity_test

import (
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// ParseRawID turns a stored raw id back into a typed identifier.
func ExampleParseRawID() {
	for _, raw := range []string{
		"8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002",
		"8:orgid:11111111-1111-1111-1111-111111111111",
		"8:teamsvisitor:22222222-2222-2222-2222-222222222222",
		"8:gcch-acs:aaaa_tttt_uuuu",
		"28:dod:33333333-3333-3333-3333-333333333333",
		"4:+14255550123",
		"48:something-new",
	} {
		switch id := identity.ParseRawID(raw).(type) {
		case identity.CommunicationUserIdentifier:
			fmt.Println("ACS user", id.ID)
		case identity.MicrosoftTeamsUserIdentifier:
			fmt.Println("Teams user", id.UserID, "cloud", id.Cloud, "anonymous", id.IsAnonymous)
		case identity.TeamsExtensionUserIdentifier:
			fmt.Println("Teams extension user", id.UserID, "of tenant", id.TenantID, "on resource", id.ResourceID, "cloud", id.Cloud)
		case identity.MicrosoftTeamsAppIdentifier:
			fmt.Println("Teams app", id.AppID, "cloud", id.Cloud)
		case identity.PhoneNumberIdentifier:
			fmt.Println("phone", id.PhoneNumber)
		case identity.UnknownIdentifier:
			fmt.Println("unknown", id.ID)
		}
	}
	// Output:
	// ACS user 8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002
	// Teams user 11111111-1111-1111-1111-111111111111 cloud public anonymous false
	// Teams user 22222222-2222-2222-2222-222222222222 cloud public anonymous true
	// Teams extension user uuuu of tenant tttt on resource aaaa cloud gcch
	// Teams app 33333333-3333-3333-3333-333333333333 cloud dod
	// phone +14255550123
	// unknown 48:something-new
}

// Equal compares identifiers by raw id, so a value built by hand matches the
// one parsed from storage or read from the service.
func ExampleEqual() {
	mine := identity.MicrosoftTeamsUserIdentifier{UserID: "11111111-1111-1111-1111-111111111111"}
	stored := identity.ParseRawID("8:orgid:11111111-1111-1111-1111-111111111111")
	fmt.Println(mine == stored, identity.Equal(mine, stored))
	// Output: false true
}

// MarshalIdentifier writes the CommunicationIdentifierModel that the ACS REST
// APIs expect.
func ExampleMarshalIdentifier() {
	data, err := identity.MarshalIdentifier(identity.MicrosoftTeamsUserIdentifier{
		UserID: "11111111-1111-1111-1111-111111111111",
		Cloud:  identity.CloudGCCH,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(data))
	// Output:
	// {"kind":"microsoftTeamsUser","rawId":"8:gcch:11111111-1111-1111-1111-111111111111","microsoftTeamsUser":{"userId":"11111111-1111-1111-1111-111111111111","isAnonymous":false,"cloud":"gcch"}}
}

// UnmarshalIdentifier reads payloads with or without the "kind" property and
// reports invalid ones with an *IdentifierModelError.
func ExampleUnmarshalIdentifier() {
	for _, payload := range []string{
		// Current payload.
		`{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`,
		// Older payload: no kind; the property that is set decides.
		`{"rawId":"8:acs:resource_user","communicationUser":{"id":"8:acs:resource_user"}}`,
		// A kind this version does not know: kept by its raw id.
		`{"kind":"somethingNew","rawId":"99:abc"}`,
		// Invalid: two kinds of identifier at once.
		`{"rawId":"x","communicationUser":{"id":"8:acs:x"},"phoneNumber":{"value":"+1"}}`,
	} {
		id, err := identity.UnmarshalIdentifier([]byte(payload))
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%s %s\n", id.Kind(), id.RawID())
	}
	// Output:
	// phoneNumber 4:+14255550123
	// communicationUser 8:acs:resource_user
	// unknown 99:abc
	// error: identity: invalid identifier model: only one of the properties communicationUser, phoneNumber may be present
}

// IdentifierModel is the field type to use for identifiers inside larger
// wire payloads.
func ExampleIdentifierModel() {
	m := identity.ModelFromIdentifier(identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"})
	fmt.Println(m.Kind, m.RawID, m.PhoneNumber.IsAnonymous)

	id, err := m.Identifier()
	fmt.Printf("%#v %v\n", id, err)
	// Output:
	// phoneNumber 4:anonymous true
	// identity.PhoneNumberIdentifier{PhoneNumber:"anonymous", Raw:""} <nil>
}
