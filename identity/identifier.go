package identity

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

// Identifier is a communication identifier: an ACS user, a phone number, a
// Microsoft Teams user or app, a Teams extension user, or an unknown kind.
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
