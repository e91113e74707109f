package identity_test

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// FuzzParseRawID checks that ParseRawID never panics and that, as the SDKs'
// round-trip tests require, the raw id survives: ParseRawID(r).RawID() == r.
// Under the current rules (phone numbers kept verbatim, exactly three
// colon-separated parts, exactly three underscore parts for an extension
// user) this holds for every string, not only for well-formed raw ids, so the
// fuzzer checks it for all inputs. It also checks that parsing is stable and
// that the identifier survives its JSON model whenever its required fields
// are not empty.
func FuzzParseRawID(f *testing.F) {
	for _, s := range []string{
		"", "4:", "4:+14255550123", "4:anonymous", "4:+14255550123_77", "4:_",
		"8:acs:r_t_u", "8:acs:r_u", "8:acs:x", "8:dod-acs:r_t_u", "8:gcch-acs:r_t_u", "8:spool:r_t_u",
		"8:orgid:u", "8:dod:u", "8:gcch:u", "8:teamsvisitor:u", "8:orgid:", "8:acs:__",
		"28:orgid:a", "28:dod:a", "28:gcch:a", "28:a", "28:gcch-global:a", "48:x", "a:b:c:d", "::", ":",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id := identity.ParseRawID(raw)
		if id == nil {
			t.Fatalf("ParseRawID(%q) = nil", raw)
		}
		if got := id.RawID(); got != raw {
			t.Fatalf("ParseRawID(%q).RawID() = %q", raw, got)
		}
		if again := identity.ParseRawID(id.RawID()); !reflect.DeepEqual(again, id) {
			t.Fatalf("ParseRawID not stable for %q: %#v then %#v", raw, id, again)
		}
		if !identity.Equal(id, identity.UnknownIdentifier{ID: raw}) {
			t.Fatalf("%#v not Equal to the unknown identifier of its raw id", id)
		}
		checkKind(t, raw, id)

		data, err := identity.MarshalIdentifier(id)
		if err != nil {
			t.Fatalf("MarshalIdentifier(%#v): %v", id, err)
		}
		back, err := identity.UnmarshalIdentifier(data)
		if hasEmptyRequiredField(id) {
			var me *identity.IdentifierModelError
			if !errors.As(err, &me) {
				t.Fatalf("%s: want an *IdentifierModelError for an empty required field, got %v, %#v", data, err, back)
			}
			return
		}
		if err != nil {
			t.Fatalf("UnmarshalIdentifier(%s): %v", data, err)
		}
		if !utf8.ValidString(raw) {
			return // JSON replaces invalid UTF-8, so only the kind can be compared.
		}
		if !reflect.DeepEqual(back, id) {
			t.Fatalf("JSON round trip of %q: %#v became %#v (%s)", raw, id, back, data)
		}
	})
}

// checkKind asserts the kind ParseRawID chose is consistent with the prefix.
func checkKind(t *testing.T, raw string, id identity.Identifier) {
	t.Helper()
	switch v := id.(type) {
	case identity.PhoneNumberIdentifier:
		if len(raw) < 2 || raw[:2] != "4:" {
			t.Fatalf("%q parsed as a phone number", raw)
		}
	case identity.MicrosoftTeamsUserIdentifier, identity.MicrosoftTeamsAppIdentifier, identity.TeamsExtensionUserIdentifier:
		if v.Kind() == "" {
			t.Fatalf("%q: no kind", raw)
		}
	case identity.CommunicationUserIdentifier, identity.UnknownIdentifier:
	default:
		t.Fatalf("%q parsed as %T", raw, id)
	}
}

// hasEmptyRequiredField reports whether the wire model of id would miss a
// property the decoder requires, so that decoding it must fail.
func hasEmptyRequiredField(id identity.Identifier) bool {
	switch v := id.(type) {
	case identity.CommunicationUserIdentifier:
		return v.ID == ""
	case identity.PhoneNumberIdentifier:
		return v.PhoneNumber == ""
	case identity.MicrosoftTeamsUserIdentifier:
		return v.UserID == ""
	case identity.MicrosoftTeamsAppIdentifier:
		return v.AppID == ""
	case identity.TeamsExtensionUserIdentifier:
		return v.UserID == "" || v.TenantID == "" || v.ResourceID == ""
	case identity.UnknownIdentifier:
		return v.ID == ""
	}
	return false
}

// FuzzUnmarshalIdentifier checks that decoding arbitrary bytes never panics,
// that failures on well-formed JSON objects are *IdentifierModelError, and
// that a successful decode re-encodes to JSON that decodes to the same
// identifier.
func FuzzUnmarshalIdentifier(f *testing.F) {
	for _, s := range []string{
		`{"communicationUser":{"id":"8:acs:x"}}`,
		`{"kind":"communicationUser","rawId":"8:acs:x","communicationUser":{"id":"8:acs:x"}}`,
		`{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`,
		`{"rawId":"4:anonymous","phoneNumber":{"value":"anonymous","isAnonymous":true}}`,
		`{"rawId":"4:+1","phoneNumber":{"value":"+1_2","assertedId":"2"}}`,
		`{"rawId":"8:teamsvisitor:u","microsoftTeamsUser":{"userId":"u","isAnonymous":true,"cloud":"public"}}`,
		`{"kind":"microsoftTeamsUser","rawId":"8:orgid:legacy","microsoftTeamsUser":{"userId":"u","isAnonymous":false,"cloud":"gcch"}}`,
		`{"kind":"microsoftTeamsApp","rawId":"28:dod:a","microsoftTeamsApp":{"appId":"a","cloud":"dod"}}`,
		`{"kind":"teamsExtensionUser","rawId":"8:acs:r_t_u","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"}}`,
		`{"kind":"unknown","rawId":"48:x"}`,
		`{"kind":"microsoftBot","rawId":"28:x"}`,
		`{"rawId":"r","communicationUser":{"id":"8:acs:x"},"phoneNumber":{"value":"+1"}}`,
		`{"communicationUser":{}}`,
		`{}`, `null`, `[]`, ``, `{"rawId":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := identity.UnmarshalIdentifier(data)
		if err != nil {
			if id != nil {
				t.Fatalf("error %v with identifier %#v", err, id)
			}
			return
		}
		if id == nil {
			t.Fatalf("nil identifier without error for %q", data)
		}
		again, err := identity.MarshalIdentifier(id)
		if err != nil {
			t.Fatalf("MarshalIdentifier(%#v): %v", id, err)
		}
		back, err := identity.UnmarshalIdentifier(again)
		if err != nil {
			t.Fatalf("re-decoding %s (from %q): %v", again, data, err)
		}
		if !identity.Equal(id, back) || id.Kind() != back.Kind() || !reflect.DeepEqual(id, back) {
			t.Fatalf("%q decoded to %#v, re-encoded as %s, decoded to %#v", data, id, again, back)
		}
	})
}
