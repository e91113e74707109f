package identity

import "github.com/teamsuser-sdk/teamsuser-go/internal/jsonscan"

// modelMembers are the member names of an IdentifierModel.
var modelMembers = [...]string{"kind", "rawId", "communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"}

// readModel is UnmarshalIdentifier's fast path: it reads a model as
// encoding/json reads it into an IdentifierModel, and reports false for
// anything it does not read exactly so (see package jsonscan: malformed
// JSON, a value of another JSON type, a member name in another case or with
// escapes, a repeated member), which UnmarshalIdentifier then hands to
// encoding/json. FuzzUnmarshalIdentifierPaths compares the two.
func readModel(data []byte, f *flatModel) bool {
	s := jsonscan.New(data)
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		i := 0
		for i < len(modelMembers) && modelMembers[i] != string(k) {
			i++
		}
		if i == len(modelMembers) {
			if jsonscan.FoldsTo(k, modelMembers[:]...) {
				return false
			}
			s.Skip()
			continue
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		var present *bool
		var fields []member
		switch i {
		case 0:
			f.kind = kindOf(s.StringBytes())
		case 1:
			f.rawID = s.String()
		case 2:
			present, fields = &f.hasUser, []member{{name: "id", str: &f.user.ID}}
		case 3:
			present, fields = &f.hasPhone, []member{{name: "value", str: &f.phone.Value}, {name: "isAnonymous", b: &f.phone.IsAnonymous}, {name: "assertedId", str: &f.phone.AssertedID}}
		case 4:
			present, fields = &f.hasTeamsUser, []member{{name: "userId", str: &f.teamsUser.UserID}, {name: "isAnonymous", b: &f.teamsUser.IsAnonymous}, {name: "cloud", str: (*string)(&f.teamsUser.Cloud)}}
		case 5:
			present, fields = &f.hasTeamsApp, []member{{name: "appId", str: &f.teamsApp.AppID}, {name: "cloud", str: (*string)(&f.teamsApp.Cloud)}}
		case 6:
			present, fields = &f.hasExtension, []member{{name: "userId", str: &f.extension.UserID}, {name: "tenantId", str: &f.extension.TenantID}, {name: "resourceId", str: &f.extension.ResourceID}, {name: "cloud", str: (*string)(&f.extension.Cloud)}}
		}
		if present != nil && !s.Null() {
			*present = true
			if !readMembers(&s, fields) {
				return false
			}
		}
	}
	return s.End()
}

// member is a string or boolean member of an object readMembers reads.
type member struct {
	name string
	str  *string
	b    *bool
}

// readMembers reads an object of string and boolean members as
// encoding/json reads it into a struct, and reports false where readModel
// does.
func readMembers(s *jsonscan.Scanner, fields []member) bool {
	var seen uint8
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		i := 0
		for i < len(fields) && fields[i].name != string(k) {
			i++
		}
		if i == len(fields) {
			for _, f := range fields {
				if jsonscan.FoldsTo(k, f.name) {
					return false
				}
			}
			s.Skip()
			continue
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		if fields[i].str != nil {
			if b := s.StringBytes(); fields[i].name == "cloud" {
				*fields[i].str = string(cloudOf(b))
			} else {
				*fields[i].str = string(b)
			}
		} else {
			*fields[i].b = s.Bool()
		}
	}
	return !s.Failed()
}

// kindOf returns the kind named b, one of the constants when it is one
// (which saves a string per identifier read).
func kindOf(b []byte) IdentifierKind {
	for _, k := range [...]IdentifierKind{KindCommunicationUser, KindPhoneNumber, KindMicrosoftTeamsUser, KindMicrosoftTeamsApp, KindTeamsExtensionUser, KindUnknown} {
		if string(b) == string(k) {
			return k
		}
	}
	return IdentifierKind(b)
}

// cloudOf returns the cloud named b, one of the constants when it is one.
func cloudOf(b []byte) CloudEnvironment {
	for _, c := range [...]CloudEnvironment{CloudPublic, CloudDoD, CloudGCCH} {
		if string(b) == string(c) {
			return c
		}
	}
	return CloudEnvironment(b)
}
