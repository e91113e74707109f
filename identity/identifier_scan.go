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
	s.Members(modelMembers[:], func(name string) bool {
		switch name {
		case "kind":
			f.kind = kindOf(s.StringBytes())
		case "rawId":
			f.rawID = s.String()
		case "communicationUser":
			return readTyped(&s, &f.hasUser, []string{"id"}, func(string) bool {
				f.user.ID = s.String()
				return true
			})
		case "phoneNumber":
			return readTyped(&s, &f.hasPhone, []string{"value", "isAnonymous", "assertedId"}, func(name string) bool {
				switch name {
				case "value":
					f.phone.Value = s.String()
				case "isAnonymous":
					f.phone.IsAnonymous = s.Bool()
				case "assertedId":
					f.phone.AssertedID = s.String()
				}
				return true
			})
		case "microsoftTeamsUser":
			return readTyped(&s, &f.hasTeamsUser, []string{"userId", "isAnonymous", "cloud"}, func(name string) bool {
				switch name {
				case "userId":
					f.teamsUser.UserID = s.String()
				case "isAnonymous":
					f.teamsUser.IsAnonymous = s.Bool()
				case "cloud":
					f.teamsUser.Cloud = cloudOf(s.StringBytes())
				}
				return true
			})
		case "microsoftTeamsApp":
			return readTyped(&s, &f.hasTeamsApp, []string{"appId", "cloud"}, func(name string) bool {
				switch name {
				case "appId":
					f.teamsApp.AppID = s.String()
				case "cloud":
					f.teamsApp.Cloud = cloudOf(s.StringBytes())
				}
				return true
			})
		case "teamsExtensionUser":
			return readTyped(&s, &f.hasExtension, []string{"userId", "tenantId", "resourceId", "cloud"}, func(name string) bool {
				switch name {
				case "userId":
					f.extension.UserID = s.String()
				case "tenantId":
					f.extension.TenantID = s.String()
				case "resourceId":
					f.extension.ResourceID = s.String()
				case "cloud":
					f.extension.Cloud = cloudOf(s.StringBytes())
				}
				return true
			})
		}
		return true
	})
	return s.End()
}

// readTyped reads a typed property of a model, which may be null (absent).
func readTyped(s *jsonscan.Scanner, present *bool, names []string, read func(string) bool) bool {
	if s.Null() {
		return true
	}
	*present = true
	return s.Members(names, read)
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
