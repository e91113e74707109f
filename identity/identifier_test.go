package identity_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Ids used throughout; the shapes are those of real ids, the values made up.
const (
	resID    = "c0ffee00-1111-4a2b-8c3d-0123456789ab"
	tenantID = "d00dfeed-2222-4b3c-9d4e-123456789abc"
	userOID  = "f00dcafe-3333-4c4d-ae5f-23456789abcd"
	appID    = "baadf00d-4444-4d5e-8f60-3456789abcde"
	acsID    = "8:acs:" + resID + "_" + userOID
	extSfx   = resID + "_" + tenantID + "_" + userOID
)

func TestIdentifierKinds(t *testing.T) {
	cases := []struct {
		id   identity.Identifier
		kind identity.IdentifierKind
	}{
		{identity.CommunicationUserIdentifier{ID: acsID}, identity.KindCommunicationUser},
		{identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, identity.KindPhoneNumber},
		{identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, identity.KindMicrosoftTeamsUser},
		{identity.MicrosoftTeamsAppIdentifier{AppID: appID}, identity.KindMicrosoftTeamsApp},
		{identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID}, identity.KindTeamsExtensionUser},
		{identity.UnknownIdentifier{ID: "48:" + userOID}, identity.KindUnknown},
	}
	for _, c := range cases {
		assert.Equal(t, c.kind, c.id.Kind(), "%#v", c.id)
	}
}

func TestIdentifierRawID(t *testing.T) {
	cases := []struct {
		name string
		id   identity.Identifier
		want string
	}{
		{"acs user", identity.CommunicationUserIdentifier{ID: acsID}, acsID},
		{"acs user gcch", identity.CommunicationUserIdentifier{ID: "8:gcch-acs:" + resID + "_" + userOID}, "8:gcch-acs:" + resID + "_" + userOID},
		{"acs user any format", identity.CommunicationUserIdentifier{ID: "aFutureFormat"}, "aFutureFormat"},

		{"teams user default cloud", identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, "8:orgid:" + userOID},
		{"teams user public", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic}, "8:orgid:" + userOID},
		{"teams user dod", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD}, "8:dod:" + userOID},
		{"teams user gcch", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudGCCH}, "8:gcch:" + userOID},
		{"teams user unknown cloud is public", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: "mooncake"}, "8:orgid:" + userOID},
		{"teams user anonymous", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true}, "8:teamsvisitor:" + userOID},
		{"teams user anonymous ignores cloud", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Cloud: identity.CloudGCCH}, "8:teamsvisitor:" + userOID},
		{"teams user explicit raw", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Raw: "8:orgid:oldStyle"}, "8:orgid:oldStyle"},

		{"phone keeps plus", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, "4:+14255550123"},
		{"phone without plus", identity.PhoneNumberIdentifier{PhoneNumber: "14255550123"}, "4:14255550123"},
		{"phone explicit raw", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "4:14255550123"}, "4:14255550123"},
		{"phone explicit raw guid", identity.PhoneNumberIdentifier{PhoneNumber: "other", Raw: "4:" + userOID}, "4:" + userOID},
		{"phone explicit raw asserted", identity.PhoneNumberIdentifier{PhoneNumber: "other", Raw: "4:+14255550123_" + userOID}, "4:+14255550123_" + userOID},
		{"phone anonymous", identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"}, "4:anonymous"},

		{"teams app default cloud", identity.MicrosoftTeamsAppIdentifier{AppID: appID}, "28:orgid:" + appID},
		{"teams app public", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic}, "28:orgid:" + appID},
		{"teams app dod", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudDoD}, "28:dod:" + appID},
		{"teams app gcch", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudGCCH}, "28:gcch:" + appID},
		{"teams app explicit raw", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Raw: "28:" + appID}, "28:" + appID},

		{"extension user default cloud", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID}, "8:acs:" + extSfx},
		{"extension user public", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic}, "8:acs:" + extSfx},
		{"extension user dod", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD}, "8:dod-acs:" + extSfx},
		{"extension user gcch", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudGCCH}, "8:gcch-acs:" + extSfx},
		{"extension user explicit raw", identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Raw: "8:acs:r_t_u"}, "8:acs:r_t_u"},

		{"unknown", identity.UnknownIdentifier{ID: "28:" + appID}, "28:" + appID},
		{"unknown global app", identity.UnknownIdentifier{ID: "28:gal-global:" + appID}, "28:gal-global:" + appID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.id.RawID())
		})
	}
}

func TestParseRawID(t *testing.T) {
	teams := func(cloud identity.CloudEnvironment) identity.MicrosoftTeamsUserIdentifier {
		return identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: cloud}
	}
	ext := func(cloud identity.CloudEnvironment) identity.TeamsExtensionUserIdentifier {
		return identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: cloud}
	}
	app := func(cloud identity.CloudEnvironment) identity.MicrosoftTeamsAppIdentifier {
		return identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: cloud}
	}
	acs := func(raw string) identity.CommunicationUserIdentifier {
		return identity.CommunicationUserIdentifier{ID: raw}
	}
	unknown := func(raw string) identity.UnknownIdentifier { return identity.UnknownIdentifier{ID: raw} }
	phone := func(n string) identity.PhoneNumberIdentifier { return identity.PhoneNumberIdentifier{PhoneNumber: n} }

	cases := []struct {
		raw  string
		want identity.Identifier
	}{
		// ACS users in each cloud, and the spool form.
		{acsID, acs(acsID)},
		{"8:spool:" + resID + "_" + userOID, acs("8:spool:" + resID + "_" + userOID)},
		{"8:dod-acs:" + resID + "_" + userOID, acs("8:dod-acs:" + resID + "_" + userOID)},
		{"8:gcch-acs:" + resID + "_" + userOID, acs("8:gcch-acs:" + resID + "_" + userOID)},
		{"8:acs:something", acs("8:acs:something")},
		{"8:acs:", acs("8:acs:")},
		// Only exactly three underscore parts make an extension user.
		{"8:acs:a_b_c_d", acs("8:acs:a_b_c_d")},
		{"8:acs:" + resID + "_ext_" + tenantID + "_" + userOID, acs("8:acs:" + resID + "_ext_" + tenantID + "_" + userOID)},
		// Spool ids are never extension users.
		{"8:spool:" + extSfx, acs("8:spool:" + extSfx)},

		// Teams extension users.
		{"8:acs:" + extSfx, ext(identity.CloudPublic)},
		{"8:dod-acs:" + extSfx, ext(identity.CloudDoD)},
		{"8:gcch-acs:" + extSfx, ext(identity.CloudGCCH)},
		{"8:acs:__", identity.TeamsExtensionUserIdentifier{Cloud: identity.CloudPublic}},

		// Teams users.
		{"8:orgid:" + userOID, teams(identity.CloudPublic)},
		{"8:dod:" + userOID, teams(identity.CloudDoD)},
		{"8:gcch:" + userOID, teams(identity.CloudGCCH)},
		{"8:teamsvisitor:" + userOID, identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Cloud: identity.CloudPublic}},
		{"8:orgid:oldStyle", identity.MicrosoftTeamsUserIdentifier{UserID: "oldStyle", Cloud: identity.CloudPublic}},

		// Phone numbers: the rest of the raw id, as is.
		{"4:14255550123", phone("14255550123")},
		{"4:+14255550123", phone("+14255550123")},
		{"4:" + userOID, phone(userOID)},
		{"4:" + userOID + "_" + userOID, phone(userOID + "_" + userOID)},
		{"4:+14255550123_" + userOID, phone("+14255550123_" + userOID)},
		{"4:anonymous", phone("anonymous")},
		{"4:", phone("")},
		{"4:a:b:c", phone("a:b:c")},

		// Teams apps.
		{"28:orgid:" + appID, app(identity.CloudPublic)},
		{"28:dod:" + appID, app(identity.CloudDoD)},
		{"28:gcch:" + appID, app(identity.CloudGCCH)},

		// Unknown: the bot forms of SDK previews, other prefixes, other shapes.
		{"28:" + appID, unknown("28:" + appID)},
		{"28:gcch-global:" + appID, unknown("28:gcch-global:" + appID)},
		{"28:dod-global:" + appID, unknown("28:dod-global:" + appID)},
		{"28:ag08-global:" + appID, unknown("28:ag08-global:" + appID)},
		{"28:ag09-global:" + appID, unknown("28:ag09-global:" + appID)},
		{"28:gal-global:" + appID, unknown("28:gal-global:" + appID)},
		{"48:" + userOID, unknown("48:" + userOID)},
		{"8:teamsvisitor", unknown("8:teamsvisitor")},
		{"", unknown("")},
		{"4", unknown("4")},
		{"ACS", unknown("ACS")},
		{"8:ACS:x", unknown("8:ACS:x")},
		{"8:orgid:" + userOID + ":more", unknown("8:orgid:" + userOID + ":more")},
		{"8:gcch-acs:extra:" + resID + "_" + userOID, unknown("8:gcch-acs:extra:" + resID + "_" + userOID)},
		{"8:acs::1:2:3", unknown("8:acs::1:2:3")},
		{"28:gcch:abc-global:" + appID, unknown("28:gcch:abc-global:" + appID)},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got := identity.ParseRawID(c.raw)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.raw, got.RawID(), "raw id must survive the trip")
		})
	}
}

// TestRawIDRoundTrip: canonical values (Raw empty, Cloud explicit) come back
// from their raw id unchanged.
func TestRawIDRoundTrip(t *testing.T) {
	ids := []identity.Identifier{
		identity.CommunicationUserIdentifier{ID: acsID},
		identity.CommunicationUserIdentifier{ID: "8:spool:" + userOID},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
		identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123_77"},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudGCCH},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudDoD},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudGCCH},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudGCCH},
		identity.UnknownIdentifier{ID: "48:" + userOID},
	}
	for _, id := range ids {
		assert.Equal(t, id, identity.ParseRawID(id.RawID()), "raw id %q", id.RawID())
	}
}

func TestPhoneNumberIdentifierAnonymousAndAssertedID(t *testing.T) {
	cases := []struct {
		id        identity.PhoneNumberIdentifier
		anonymous bool
		asserted  string
	}{
		{identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, false, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"}, true, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "x", Raw: "4:anonymous"}, true, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "anonymous", Raw: "4:14255550123"}, false, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "x", Raw: "4:anonymous123"}, false, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "x", Raw: "4:_anonymous"}, false, "anonymous"},
		{identity.PhoneNumberIdentifier{PhoneNumber: "anonymous_5"}, false, "5"},
		{identity.PhoneNumberIdentifier{PhoneNumber: "14255550121.123"}, false, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "14255550121-123"}, false, ""},
		{identity.PhoneNumberIdentifier{PhoneNumber: "14255550121_123"}, false, "123"},
		{identity.PhoneNumberIdentifier{PhoneNumber: "14255550121_123_456"}, false, "456"},
		{identity.PhoneNumberIdentifier{PhoneNumber: "14255550121", Raw: "4:14255550121_123"}, false, "123"},
		{identity.PhoneNumberIdentifier{PhoneNumber: "_123"}, false, "123"},
		{identity.PhoneNumberIdentifier{PhoneNumber: userOID + "_"}, false, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.anonymous, c.id.IsAnonymous(), "IsAnonymous of %#v", c.id)
		assert.Equal(t, c.asserted, c.id.AssertedID(), "AssertedID of %#v", c.id)
	}
	// What ParseRawID gives agrees.
	p := identity.ParseRawID("4:+14255550123_" + userOID).(identity.PhoneNumberIdentifier)
	assert.Equal(t, userOID, p.AssertedID())
	assert.True(t, identity.ParseRawID("4:anonymous").(identity.PhoneNumberIdentifier).IsAnonymous())
}

func TestEqualIdentifier(t *testing.T) {
	ext := identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID}
	cases := []struct {
		name string
		a, b identity.Identifier
		want bool
	}{
		{"anonymous teams users", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true}, identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true}, true},
		{"raw ids decide", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Raw: "one"}, identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Raw: "two"}, false},
		{"explicit raw equals computed", identity.MicrosoftTeamsUserIdentifier{UserID: userOID, IsAnonymous: true}, identity.MicrosoftTeamsUserIdentifier{UserID: "other", IsAnonymous: true, Raw: "8:teamsvisitor:" + userOID}, true},
		{"empty cloud is public", identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudPublic}, true},
		{"clouds differ", identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, identity.MicrosoftTeamsUserIdentifier{UserID: userOID, Cloud: identity.CloudDoD}, false},
		{"phones", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, true},
		{"phone raws differ", identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "a"}, identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123", Raw: "b"}, false},
		{"phone explicit raw", identity.PhoneNumberIdentifier{PhoneNumber: "14255550123"}, identity.PhoneNumberIdentifier{PhoneNumber: "+other", Raw: "4:14255550123"}, true},
		{"plus matters", identity.PhoneNumberIdentifier{PhoneNumber: "14255550123"}, identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, false},
		{"apps", identity.MicrosoftTeamsAppIdentifier{AppID: appID}, identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudPublic}, true},
		{"apps dod", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudDoD}, identity.MicrosoftTeamsAppIdentifier{AppID: appID}, false},
		{"apps gcch", identity.MicrosoftTeamsAppIdentifier{AppID: appID, Cloud: identity.CloudGCCH}, identity.MicrosoftTeamsAppIdentifier{AppID: appID}, false},
		{"apps ids differ", identity.MicrosoftTeamsAppIdentifier{AppID: "other"}, identity.MicrosoftTeamsAppIdentifier{AppID: appID}, false},
		{"extension users", ext, identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudPublic}, true},
		{"extension users gcch", ext, identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudGCCH}, false},
		{"extension users dod", ext, identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID, Cloud: identity.CloudDoD}, false},
		{"parsed equals constructed", identity.ParseRawID("8:orgid:" + userOID), identity.MicrosoftTeamsUserIdentifier{UserID: userOID}, true},
		{"same id other kinds", identity.CommunicationUserIdentifier{ID: "123"}, identity.MicrosoftTeamsUserIdentifier{UserID: "123"}, false},
		{"acs users", identity.CommunicationUserIdentifier{ID: "123"}, identity.CommunicationUserIdentifier{ID: "123"}, true},
		{"acs users differ", identity.CommunicationUserIdentifier{ID: "123"}, identity.CommunicationUserIdentifier{ID: "124"}, false},
		{"unknown kept from an old payload", identity.UnknownIdentifier{ID: acsID}, identity.CommunicationUserIdentifier{ID: acsID}, true},
		{"nil and nil", nil, nil, true},
		{"nil and one", nil, identity.CommunicationUserIdentifier{ID: "123"}, false},
		{"one and nil", identity.CommunicationUserIdentifier{ID: "123"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, identity.Equal(c.a, c.b))
			assert.Equal(t, c.want, identity.Equal(c.b, c.a), "symmetric")
		})
	}
}

// TestIdentifierRawIDAsMapKey: the raw id is the key to use in maps, as the
// SDKs use identifiers in dictionaries and sets.
func TestIdentifierRawIDAsMapKey(t *testing.T) {
	ids := []identity.Identifier{
		identity.CommunicationUserIdentifier{ID: acsID},
		identity.MicrosoftTeamsUserIdentifier{UserID: userOID},
		identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
		identity.MicrosoftTeamsAppIdentifier{AppID: appID},
		identity.TeamsExtensionUserIdentifier{UserID: userOID, TenantID: tenantID, ResourceID: resID},
		identity.UnknownIdentifier{ID: "48:" + userOID},
	}
	byRaw := map[string]identity.IdentifierKind{}
	for _, id := range ids {
		byRaw[id.RawID()] = id.Kind()
	}
	assert.Len(t, byRaw, len(ids))
	for _, raw := range []string{acsID, "8:orgid:" + userOID, "4:+14255550123", "28:orgid:" + appID, "8:acs:" + extSfx, "48:" + userOID} {
		parsed := identity.ParseRawID(raw)
		kind, ok := byRaw[parsed.RawID()]
		if assert.True(t, ok, raw) {
			assert.Equal(t, parsed.Kind(), kind, raw)
		}
	}
}
