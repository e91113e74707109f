package identity

import "strings"

// IdentifierKind names the kind of a communication identifier, as the
// "kind" property of the wire model CommunicationIdentifierModel does.
type IdentifierKind string

// The identifier kinds.
const (
	KindCommunicationUser  IdentifierKind = "communicationUser"
	KindPhoneNumber        IdentifierKind = "phoneNumber"
	KindMicrosoftTeamsUser IdentifierKind = "microsoftTeamsUser"
	KindMicrosoftTeamsApp  IdentifierKind = "microsoftTeamsApp"
	KindTeamsExtensionUser IdentifierKind = "teamsExtensionUser"
	KindUnknown            IdentifierKind = "unknown"
)

// CloudEnvironment is the Microsoft cloud a Teams identity belongs to.
type CloudEnvironment string

// The clouds.
const (
	CloudPublic CloudEnvironment = "public"
	CloudDoD    CloudEnvironment = "dod"
	CloudGCCH   CloudEnvironment = "gcch"
)

// Raw id prefixes. A raw id is "<prefix><suffix>"; ParseRawID recognises
// exactly these prefixes and nothing else.
const (
	prefixPhoneNumber = "4:"

	prefixACSUser     = "8:acs:"
	prefixACSUserDoD  = "8:dod-acs:"
	prefixACSUserGCCH = "8:gcch-acs:"
	prefixSpoolUser   = "8:spool:"

	prefixTeamsUserAnonymous = "8:teamsvisitor:"
	prefixTeamsUserPublic    = "8:orgid:"
	prefixTeamsUserDoD       = "8:dod:"
	prefixTeamsUserGCCH      = "8:gcch:"

	prefixTeamsAppPublic = "28:orgid:"
	prefixTeamsAppDoD    = "28:dod:"
	prefixTeamsAppGCCH   = "28:gcch:"

	// anonymousPhoneNumber is the phone number of a caller who hides its
	// number; its raw id is "4:anonymous".
	anonymousPhoneNumber = "anonymous"
)

// Identifier is a communication identifier: an ACS user, a phone number, a
// Microsoft Teams user or app, a Teams extension user, or an unknown kind.
//
// The concrete types are plain structs with value receivers. Two identifiers
// denote the same participant when their raw ids are equal; use [Equal]
// rather than == to compare them, because a value may carry an explicit raw
// id or leave it to be computed.
type Identifier interface {
	// Kind is the identifier's kind.
	Kind() IdentifierKind
	// RawID is the identifier's raw id, the one string that identifies it
	// across ACS (for example "8:acs:..." or "4:+14255550123").
	RawID() string
}

// CommunicationUserIdentifier is an ACS user.
type CommunicationUserIdentifier struct {
	// ID is the user's id, which is also its raw id ("8:acs:...").
	ID string
}

// Kind returns KindCommunicationUser.
func (CommunicationUserIdentifier) Kind() IdentifierKind { return KindCommunicationUser }

// RawID returns the user's id.
func (u CommunicationUserIdentifier) RawID() string { return u.ID }

// PhoneNumberIdentifier is a phone number (a PSTN participant).
type PhoneNumberIdentifier struct {
	// PhoneNumber is the number, in E.164 format ("+14255550123") for a
	// real number. A caller that hides its number is "anonymous"; a second
	// connection through a number already in the call carries an asserted id
	// after the last underscore ("+14255550123_<assertedId>").
	PhoneNumber string
	// Raw, when not empty, is the raw id, used as is. When empty the raw id
	// is "4:" followed by PhoneNumber, the plus sign kept.
	Raw string
}

// Kind returns KindPhoneNumber.
func (PhoneNumberIdentifier) Kind() IdentifierKind { return KindPhoneNumber }

// RawID returns Raw, or "4:" followed by the phone number.
func (p PhoneNumberIdentifier) RawID() string {
	if p.Raw != "" {
		return p.Raw
	}
	return prefixPhoneNumber + p.PhoneNumber
}

// IsAnonymous reports whether the number is the anonymous one (raw id
// "4:anonymous"), used for a caller who hides its number.
func (p PhoneNumberIdentifier) IsAnonymous() bool {
	return p.RawID() == prefixPhoneNumber+anonymousPhoneNumber
}

// AssertedID returns the asserted id: the part of the raw id after its last
// underscore, which tells apart several connections made through the same
// number in one call. It is "" when there is none (no underscore, or nothing
// after the last one).
func (p PhoneNumberIdentifier) AssertedID() string {
	s := strings.TrimPrefix(p.RawID(), prefixPhoneNumber)
	if s == anonymousPhoneNumber {
		return ""
	}
	i := strings.LastIndexByte(s, '_')
	if i < 0 {
		return ""
	}
	return s[i+1:]
}

// MicrosoftTeamsUserIdentifier is a Microsoft Teams user, or an anonymous
// Teams meeting participant (a visitor who joined with a link).
type MicrosoftTeamsUserIdentifier struct {
	// UserID is the user's Entra ID object id; for an anonymous user, the
	// visitor id.
	UserID string
	// IsAnonymous is true for an anonymous Teams meeting participant.
	IsAnonymous bool
	// Cloud is the user's cloud; empty means CloudPublic.
	Cloud CloudEnvironment
	// Raw, when not empty, is the raw id, used as is; when empty it is
	// computed from the other fields.
	Raw string
}

// Kind returns KindMicrosoftTeamsUser.
func (MicrosoftTeamsUserIdentifier) Kind() IdentifierKind { return KindMicrosoftTeamsUser }

// RawID returns Raw, or "8:teamsvisitor:<id>" for an anonymous user, or
// "8:orgid:<id>", "8:dod:<id>" or "8:gcch:<id>" by cloud.
func (u MicrosoftTeamsUserIdentifier) RawID() string {
	if u.Raw != "" {
		return u.Raw
	}
	return u.rawPrefix() + u.UserID
}

// rawPrefix is what precedes the user id in the computed raw id.
func (u MicrosoftTeamsUserIdentifier) rawPrefix() string {
	switch {
	case u.IsAnonymous:
		return prefixTeamsUserAnonymous
	case u.Cloud == CloudDoD:
		return prefixTeamsUserDoD
	case u.Cloud == CloudGCCH:
		return prefixTeamsUserGCCH
	}
	return prefixTeamsUserPublic
}

// MicrosoftTeamsAppIdentifier is a Microsoft Teams app, such as a Teams
// resource account bot or a Teams voice application.
type MicrosoftTeamsAppIdentifier struct {
	// AppID is the app's id.
	AppID string
	// Cloud is the app's cloud; empty means CloudPublic.
	Cloud CloudEnvironment
	// Raw, when not empty, is the raw id, used as is; when empty it is
	// computed from the other fields.
	Raw string
}

// Kind returns KindMicrosoftTeamsApp.
func (MicrosoftTeamsAppIdentifier) Kind() IdentifierKind { return KindMicrosoftTeamsApp }

// RawID returns Raw, or "28:orgid:<id>", "28:dod:<id>" or "28:gcch:<id>"
// by cloud.
func (a MicrosoftTeamsAppIdentifier) RawID() string {
	if a.Raw != "" {
		return a.Raw
	}
	return a.rawPrefix() + a.AppID
}

// rawPrefix is what precedes the app id in the computed raw id.
func (a MicrosoftTeamsAppIdentifier) rawPrefix() string {
	switch a.Cloud {
	case CloudDoD:
		return prefixTeamsAppDoD
	case CloudGCCH:
		return prefixTeamsAppGCCH
	}
	return prefixTeamsAppPublic
}

// TeamsExtensionUserIdentifier is a Microsoft Teams Phone user who uses an
// ACS resource to extend their Teams Phone setup.
type TeamsExtensionUserIdentifier struct {
	// UserID is the user's Entra ID object id.
	UserID string
	// TenantID is the user's Entra ID tenant id.
	TenantID string
	// ResourceID is the immutable id of the ACS resource.
	ResourceID string
	// Cloud is the user's cloud; empty means CloudPublic.
	Cloud CloudEnvironment
	// Raw, when not empty, is the raw id, used as is; when empty it is
	// computed from the other fields.
	Raw string
}

// Kind returns KindTeamsExtensionUser.
func (TeamsExtensionUserIdentifier) Kind() IdentifierKind { return KindTeamsExtensionUser }

// RawID returns Raw, or "8:acs:", "8:dod-acs:" or "8:gcch-acs:" (by cloud)
// followed by "<resourceId>_<tenantId>_<userId>".
func (u TeamsExtensionUserIdentifier) RawID() string {
	if u.Raw != "" {
		return u.Raw
	}
	return u.rawPrefix() + u.ResourceID + "_" + u.TenantID + "_" + u.UserID
}

// rawPrefix is what precedes the resource id in the computed raw id.
func (u TeamsExtensionUserIdentifier) rawPrefix() string {
	switch u.Cloud {
	case CloudDoD:
		return prefixACSUserDoD
	case CloudGCCH:
		return prefixACSUserGCCH
	}
	return prefixACSUser
}

// UnknownIdentifier is an identifier of a kind this package does not know,
// kept by its raw id so that it can be passed back to the service unchanged.
type UnknownIdentifier struct {
	// ID is the raw id.
	ID string
}

// Kind returns KindUnknown.
func (UnknownIdentifier) Kind() IdentifierKind { return KindUnknown }

// RawID returns the id.
func (u UnknownIdentifier) RawID() string { return u.ID }

// ParseRawID returns the identifier a raw id encodes. It never fails: a raw
// id it does not recognise becomes an [UnknownIdentifier] holding it.
//
// The rules are those of the official ACS SDKs (createIdentifierFromRawId in
// JavaScript, CommunicationIdentifier.FromRawId in .NET and Java):
//
//   - "4:<number>" is a [PhoneNumberIdentifier] with the rest as its number,
//     unchanged (so "4:+14255550123" is "+14255550123").
//   - Otherwise the raw id must have exactly three colon-separated parts
//     "<a>:<b>:<suffix>"; anything else is unknown.
//   - "8:acs:", "8:dod-acs:" and "8:gcch-acs:" followed by exactly three
//     underscore-separated parts "<resourceId>_<tenantId>_<userId>" are a
//     [TeamsExtensionUserIdentifier] of the public, DoD or GCCH cloud; with
//     any other suffix, and "8:spool:" always, a [CommunicationUserIdentifier]
//     whose id is the whole raw id.
//   - "8:orgid:", "8:dod:" and "8:gcch:" are a [MicrosoftTeamsUserIdentifier]
//     of that cloud; "8:teamsvisitor:" an anonymous one.
//   - "28:orgid:", "28:dod:" and "28:gcch:" are a [MicrosoftTeamsAppIdentifier]
//     of that cloud. The bot forms of earlier SDK previews ("28:<id>",
//     "28:dod-global:", "28:gcch-global:") are unknown, as in the current SDKs.
//
// Identifiers from ParseRawID have Raw empty and, for the Teams kinds, Cloud
// set explicitly (CloudPublic rather than ""), and ParseRawID(raw).RawID()
// equals raw for every string.
func ParseRawID(raw string) Identifier {
	if strings.HasPrefix(raw, prefixPhoneNumber) {
		return PhoneNumberIdentifier{PhoneNumber: raw[len(prefixPhoneNumber):]}
	}
	// Exactly three parts: two colons.
	first := strings.IndexByte(raw, ':')
	if first < 0 {
		return UnknownIdentifier{ID: raw}
	}
	second := strings.IndexByte(raw[first+1:], ':')
	if second < 0 {
		return UnknownIdentifier{ID: raw}
	}
	second += first + 1
	suffix := raw[second+1:]
	if strings.IndexByte(suffix, ':') >= 0 {
		return UnknownIdentifier{ID: raw}
	}
	switch raw[:second+1] {
	case prefixTeamsUserAnonymous:
		return MicrosoftTeamsUserIdentifier{UserID: suffix, IsAnonymous: true, Cloud: CloudPublic}
	case prefixTeamsUserPublic:
		return MicrosoftTeamsUserIdentifier{UserID: suffix, Cloud: CloudPublic}
	case prefixTeamsUserDoD:
		return MicrosoftTeamsUserIdentifier{UserID: suffix, Cloud: CloudDoD}
	case prefixTeamsUserGCCH:
		return MicrosoftTeamsUserIdentifier{UserID: suffix, Cloud: CloudGCCH}
	case prefixACSUser:
		return extensionUserOrACSUser(raw, suffix, CloudPublic)
	case prefixACSUserDoD:
		return extensionUserOrACSUser(raw, suffix, CloudDoD)
	case prefixACSUserGCCH:
		return extensionUserOrACSUser(raw, suffix, CloudGCCH)
	case prefixSpoolUser:
		return CommunicationUserIdentifier{ID: raw}
	case prefixTeamsAppPublic:
		return MicrosoftTeamsAppIdentifier{AppID: suffix, Cloud: CloudPublic}
	case prefixTeamsAppDoD:
		return MicrosoftTeamsAppIdentifier{AppID: suffix, Cloud: CloudDoD}
	case prefixTeamsAppGCCH:
		return MicrosoftTeamsAppIdentifier{AppID: suffix, Cloud: CloudGCCH}
	}
	return UnknownIdentifier{ID: raw}
}

// extensionUserOrACSUser reads the suffix of an ACS user raw id: three
// underscore-separated parts are a Teams extension user, anything else an
// ordinary ACS user.
func extensionUserOrACSUser(raw, suffix string, cloud CloudEnvironment) Identifier {
	parts := strings.Split(suffix, "_")
	if len(parts) != 3 {
		return CommunicationUserIdentifier{ID: raw}
	}
	return TeamsExtensionUserIdentifier{
		ResourceID: parts[0],
		TenantID:   parts[1],
		UserID:     parts[2],
		Cloud:      cloud,
	}
}

// Equal reports whether a and b denote the same participant: whether their
// raw ids are equal, which is how the official SDKs compare identifiers. So
// MicrosoftTeamsUserIdentifier{UserID: id} equals the same user with Cloud
// CloudPublic, and an identifier equals what ParseRawID makes of its raw id.
// Two nil identifiers are equal; nil is not equal to any identifier.
func Equal(a, b Identifier) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.RawID() == b.RawID()
}
