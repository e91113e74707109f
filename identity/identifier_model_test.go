package identity_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func TestMarshalIdentifier(t *testing.T) {
	cases := []struct {
		name string
		id   identity.Identifier
		want string
	}{
		{"acs user", identity.CommunicationUserIdentifier{ID: acsID},
			`{"kind":"communicationUser","rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`},
		{"teams user default cloud", identity.MicrosoftTeamsUserIdentifier{UserID: userOID},
			`{"kind":"microsoftTeamsUser","rawId":"8:orgid:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}`},
		{"teams user anonymous", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true},
			`{"kind":"microsoftTeamsUser","rawId":"8:teamsvisitor:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":true,"cloud":"public"}}`},
		{"teams user explicit raw", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Raw: "override"},
			`{"kind":"microsoftTeamsUser","rawId":"override","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}`},
		{"teams user dod", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD},
			`{"kind":"microsoftTeamsUser","rawId":"8:dod:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"dod"}}`},
		{"phone", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
			`{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`},
		{"phone explicit raw", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "override"},
			`{"kind":"phoneNumber","rawId":"override","phoneNumber":{"value":"+14255550123"}}`},
		{"phone anonymous", identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"},
			`{"kind":"phoneNumber","rawId":"4:anonymous","phoneNumber":{"value":"anonymous","isAnonymous":true}}`},
		{"phone asserted id", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123_123"},
			`{"kind":"phoneNumber","rawId":"4:+14255550123_123","phoneNumber":{"value":"+14255550123_123","assertedId":"123"}}`},
		{"teams app", identity.MicrosoftTeamsAppIdentifier{AppID: appID},
			`{"kind":"microsoftTeamsApp","rawId":"28:orgid:` + appID + `","microsoftTeamsApp":{"appId":"` + appID + `","cloud":"public"}}`},
		{"teams app gcch", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudGCCH},
			`{"kind":"microsoftTeamsApp","rawId":"28:gcch:` + appID + `","microsoftTeamsApp":{"appId":"` + appID + `","cloud":"gcch"}}`},
		{"extension user", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID},
			`{"kind":"teamsExtensionUser","rawId":"8:acs:` + extSfx + `","teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `","cloud":"public"}}`},
		{"extension user dod", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD},
			`{"kind":"teamsExtensionUser","rawId":"8:dod-acs:` + extSfx + `","teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `","cloud":"dod"}}`},
		{"unknown", identity.UnknownIdentifier{ID: "48:" + userOID},
			`{"kind":"unknown","rawId":"48:` + userOID + `"}`},
		{"pointer", &identity.CommunicationUserIdentifier{ID: acsID},
			`{"kind":"communicationUser","rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`},
		{"foreign implementation", foreignIdentifier("42"),
			`{"kind":"unknown","rawId":"42"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := identity.MarshalIdentifier(c.id)
			require.NoError(t, err)
			assert.JSONEq(t, c.want, string(got))
		})
	}
}

// foreignIdentifier is an Identifier implemented outside the package.
type foreignIdentifier string

func (foreignIdentifier) Kind() identity.IdentifierKind { return "somethingNew" }
func (f foreignIdentifier) RawID() string               { return string(f) }

func TestMarshalIdentifierNil(t *testing.T) {
	_, err := identity.MarshalIdentifier(nil)
	var me *identity.IdentifierModelError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, identity.IdentifierModel{}, identity.ModelFromIdentifier(nil))
	assert.Equal(t, identity.IdentifierModel{}, identity.ModelFromIdentifier((*identity.PhoneNumberIdentifier)(nil)))
}

func TestUnmarshalIdentifier(t *testing.T) {
	cases := []struct {
		name string
		json string
		want identity.Identifier
	}{
		// Old payloads: no kind, the typed property decides.
		{"acs user without kind or raw id", `{"communicationUser":{"id":"` + acsID + `"}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"acs user without kind", `{"rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"acs user with kind", `{"kind":"communicationUser","rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"acs user: id wins over raw id", `{"rawId":"something else","communicationUser":{"id":"` + acsID + `"}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"future properties are ignored", `{"someFutureProperty":"x","communicationUser":{"id":"` + acsID + `","more":1}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"kind is not case sensitive", `{"kind":"CommunicationUser","communicationUser":{"id":"` + acsID + `"}}`,
			identity.CommunicationUserIdentifier{ID: acsID}},
		{"kind without its property is unknown", `{"kind":"communicationUser","rawId":"` + acsID + `"}`,
			identity.UnknownIdentifier{ID: acsID}},
		{"kind disagreeing with the property is unknown", `{"kind":"phoneNumber","rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`,
			identity.UnknownIdentifier{ID: acsID}},
		{"explicit unknown kind with a property", `{"kind":"unknown","rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}}`,
			identity.UnknownIdentifier{ID: acsID}},
		{"null property is absent", `{"rawId":"48:x","communicationUser":null,"phoneNumber":null}`,
			identity.UnknownIdentifier{ID: "48:x"}},

		{"phone without kind", `{"rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}},
		{"phone with kind", `{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}},
		{"phone without raw id", `{"phoneNumber":{"value":"+14255550123"}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}},
		{"phone with the old raw id (no plus)", `{"rawId":"4:14255550123","phoneNumber":{"value":"+14255550123"}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "4:14255550123"}},
		{"phone anonymous", `{"rawId":"4:anonymous","phoneNumber":{"value":"anonymous","isAnonymous":true}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"}},
		{"phone asserted id comes from the raw id", `{"rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123_123","isAnonymous":false,"assertedId":"123"}}`,
			identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123_123", Raw: "4:+14255550123"}},
		{"phone kind without property", `{"kind":"phoneNumber","rawId":"4:+14255550123"}`,
			identity.UnknownIdentifier{ID: "4:+14255550123"}},

		{"teams user without kind", `{"rawId":"8:orgid:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic}},
		{"teams user anonymous", `{"rawId":"8:teamsvisitor:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":true,"cloud":"public"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Cloud: identity.CloudPublic}},
		{"teams user gcch", `{"rawId":"8:gcch:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"gcch"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudGCCH}},
		{"teams user with kind", `{"kind":"microsoftTeamsUser","rawId":"8:orgid:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic}},
		{"teams user legacy raw id kept", `{"rawId":"8:orgid:oldStyle","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic, Raw: "8:orgid:oldStyle"}},
		{"teams user isAnonymous missing is false", `{"microsoftTeamsUser":{"userId":"` + userOID + `","cloud":"dod"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD}},
		{"teams user other cloud kept", `{"microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"mooncake"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: "mooncake"}},
		// cloud is optional, "By default 'public' if missing" (common.json);
		// a raw id of the same user names its cloud (issue 14 §20).
		{"teams user without cloud is public", `{"microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic}},
		{"teams user without cloud takes the raw id's", `{"kind":"microsoftTeamsUser","rawId":"8:gcch:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudGCCH}},
		{"teams user without cloud, raw id of another user", `{"rawId":"8:dod:someoneelse","microsoftTeamsUser":{"userId":"` + userOID + `"}}`,
			identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic, Raw: "8:dod:someoneelse"}},
		{"teams app without cloud is public", `{"microsoftTeamsApp":{"appId":"` + appID + `"}}`,
			identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic}},
		{"teams app without cloud takes the raw id's", `{"rawId":"28:dod:` + appID + `","microsoftTeamsApp":{"appId":"` + appID + `"}}`,
			identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudDoD}},
		{"extension user without cloud is public", `{"teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `"}}`,
			identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic}},
		{"extension user without cloud takes the raw id's", `{"rawId":"8:gcch-acs:` + extSfx + `","teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `"}}`,
			identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudGCCH}},
		{"teams user kind without property", `{"kind":"microsoftTeamsUser","rawId":"8:orgid:` + userOID + `"}`,
			identity.UnknownIdentifier{ID: "8:orgid:" + userOID}},

		{"teams app without kind", `{"rawId":"28:orgid:` + appID + `","microsoftTeamsApp":{"appId":"` + appID + `","cloud":"public"}}`,
			identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic}},
		{"teams app dod with kind", `{"kind":"microsoftTeamsApp","rawId":"28:dod:` + appID + `","microsoftTeamsApp":{"appId":"` + appID + `","cloud":"dod"}}`,
			identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudDoD}},

		{"extension user dod", `{"kind":"teamsExtensionUser","rawId":"8:dod-acs:` + extSfx + `","teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `","cloud":"dod"}}`,
			identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD}},
		{"extension user public", `{"kind":"teamsExtensionUser","rawId":"8:acs:` + extSfx + `","teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `","resourceId":"` + resID + `","cloud":"public"}}`,
			identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic}},
		{"extension user kind without property", `{"kind":"teamsExtensionUser","rawId":"8:acs:` + extSfx + `"}`,
			identity.UnknownIdentifier{ID: "8:acs:" + extSfx}},

		{"unknown without kind", `{"rawId":"48:` + userOID + `"}`, identity.UnknownIdentifier{ID: "48:" + userOID}},
		{"unknown with kind", `{"kind":"unknown","rawId":"48:` + userOID + `"}`, identity.UnknownIdentifier{ID: "48:" + userOID}},
		{"kind not understood", `{"kind":"microsoftBot","rawId":"28:` + appID + `","microsoftBot":{"botId":"` + appID + `"}}`,
			identity.UnknownIdentifier{ID: "28:" + appID}},
		{"other properties only", `{"rawId":"42","someOtherProp":true}`, identity.UnknownIdentifier{ID: "42"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := identity.UnmarshalIdentifier([]byte(c.json))
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestUnmarshalIdentifierErrors(t *testing.T) {
	cases := []struct {
		name     string
		json     string
		property string
	}{
		{"acs user without id", `{"communicationUser":{}}`, "communicationUser.id"},
		{"acs user with empty id", `{"kind":"communicationUser","communicationUser":{"id":""}}`, "communicationUser.id"},
		{"phone without value", `{"phoneNumber":{}}`, "phoneNumber.value"},
		{"teams user without user id", `{"microsoftTeamsUser":{"isAnonymous":false}}`, "microsoftTeamsUser.userId"},
		{"teams app without app id", `{"microsoftTeamsApp":{"cloud":"public"}}`, "microsoftTeamsApp.appId"},
		{"extension user without user id", `{"teamsExtensionUser":{"tenantId":"t","resourceId":"r","cloud":"public"}}`, "teamsExtensionUser.userId"},
		{"extension user without tenant", `{"teamsExtensionUser":{"userId":"` + userOID + `"}}`, "teamsExtensionUser.tenantId"},
		{"extension user without resource", `{"teamsExtensionUser":{"userId":"` + userOID + `","tenantId":"` + tenantID + `"}}`, "teamsExtensionUser.resourceId"},
		{"unknown without raw id", `{"someProp":true}`, "rawId"},
		{"empty object", `{}`, "rawId"},
		{"null", `null`, "rawId"},
		{"kind without property or raw id", `{"kind":"communicationUser"}`, "rawId"},

		{"teams user and acs user", `{"rawId":"r","microsoftTeamsUser":{"userId":"u","isAnonymous":false,"cloud":"public"},"communicationUser":{"id":"8:acs:x"}}`, ""},
		{"acs user and phone", `{"rawId":"r","communicationUser":{"id":"8:acs:x"},"phoneNumber":{"value":"+1"}}`, ""},
		{"teams user and phone", `{"rawId":"r","microsoftTeamsUser":{"userId":"u","isAnonymous":false,"cloud":"public"},"phoneNumber":{"value":"+1"}}`, ""},
		{"three properties", `{"rawId":"r","microsoftTeamsUser":{"userId":"u","isAnonymous":false,"cloud":"public"},"communicationUser":{"id":"8:acs:x"},"phoneNumber":{"value":"+1"}}`, ""},
		{"extension user and acs user", `{"rawId":"r","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"},"communicationUser":{"id":"8:acs:x"}}`, ""},
		{"app and extension user even with a kind", `{"kind":"microsoftTeamsApp","rawId":"r","microsoftTeamsApp":{"appId":"a","cloud":"public"},"teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := identity.UnmarshalIdentifier([]byte(c.json))
			assert.Nil(t, got)
			var me *identity.IdentifierModelError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, c.property, me.Property)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "identity: invalid identifier model: "), msg)
			assert.Equal(t, strings.ToLower(msg[:1]), msg[:1])
			if c.property == "" {
				assert.Contains(t, msg, "only one of the properties")
			} else {
				assert.Contains(t, msg, c.property)
			}
		})
	}
}

func TestUnmarshalIdentifierMalformedJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `"8:acs:x"`, `{"rawId":5}`, `{"communicationUser":"x"}`} {
		_, err := identity.UnmarshalIdentifier([]byte(in))
		require.Error(t, err, in)
		var me *identity.IdentifierModelError
		assert.False(t, errors.As(err, &me), "%q: a JSON error, not a model error", in)
		assert.True(t, strings.HasPrefix(err.Error(), "identity: "), err.Error())
	}
	var se *json.SyntaxError
	_, err := identity.UnmarshalIdentifier([]byte(`{`))
	assert.True(t, errors.As(err, &se), "wraps the *json.SyntaxError: %v", err)
}

// TestIdentifierModelRoundTrip: every kind, canonical or with an explicit raw
// id, comes back from its JSON as it went in.
func TestIdentifierModelRoundTrip(t *testing.T) {
	ids := []identity.Identifier{
		identity.CommunicationUserIdentifier{ID: acsID},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "4:14255550123"},
		identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123_9"},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudGCCH, Raw: "8:gcch:legacy"},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudGCCH},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD},
		identity.UnknownIdentifier{ID: "48:" + userOID},
	}
	for _, id := range ids {
		data, err := identity.MarshalIdentifier(id)
		require.NoError(t, err)
		got, err := identity.UnmarshalIdentifier(data)
		require.NoError(t, err, string(data))
		assert.Equal(t, id, got, string(data))

		m := identity.ModelFromIdentifier(id)
		got, err = m.Identifier()
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}
}

// TestIdentifierModelEmbedded: the model works as a field of a larger
// payload, which is how the chat and calling packages use it.
func TestIdentifierModelEmbedded(t *testing.T) {
	var payload struct {
		Source  identity.IdentifierModel   `json:"source"`
		Targets []identity.IdentifierModel `json:"targets"`
	}
	in := `{"source":{"rawId":"` + acsID + `","communicationUser":{"id":"` + acsID + `"}},` +
		`"targets":[{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},` +
		`{"kind":"microsoftTeamsUser","rawId":"8:orgid:` + userOID + `","microsoftTeamsUser":{"userId":"` + userOID + `","isAnonymous":false,"cloud":"public"}}]}`
	require.NoError(t, json.Unmarshal([]byte(in), &payload))
	src, err := payload.Source.Identifier()
	require.NoError(t, err)
	assert.Equal(t, identity.CommunicationUserIdentifier{ID: acsID}, src)
	require.Len(t, payload.Targets, 2)
	t0, err := payload.Targets[0].Identifier()
	require.NoError(t, err)
	assert.True(t, identity.Equal(identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, t0))
	t1, err := payload.Targets[1].Identifier()
	require.NoError(t, err)
	assert.True(t, identity.Equal(identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, t1))
}
