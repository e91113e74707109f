package identity

import (
	"encoding/json"
	"fmt"
	"strings"
)

// IdentifierModel is the wire form of an identifier, the
// CommunicationIdentifierModel of the ACS REST APIs (identity, chat, Call
// Automation and their events). It is the one codec the packages of this
// module and their fakes use: build it with [ModelFromIdentifier] and read
// it with [IdentifierModel.Identifier], or go straight between identifiers
// and JSON with [MarshalIdentifier] and [UnmarshalIdentifier].
//
// At most one of the typed properties is set. Kind, added to the service in
// api-version 2023-10-15, may be missing from older payloads; the kind is
// then inferred from the typed property that is set.
type IdentifierModel struct {
	// Kind is the identifier's kind; empty in payloads older than kind.
	Kind IdentifierKind `json:"kind,omitempty"`
	// RawID is the identifier's raw id.
	RawID string `json:"rawId,omitempty"`
	// CommunicationUser is set for an ACS user.
	CommunicationUser *CommunicationUserModel `json:"communicationUser,omitempty"`
	// PhoneNumber is set for a phone number.
	PhoneNumber *PhoneNumberModel `json:"phoneNumber,omitempty"`
	// MicrosoftTeamsUser is set for a Microsoft Teams user.
	MicrosoftTeamsUser *MicrosoftTeamsUserModel `json:"microsoftTeamsUser,omitempty"`
	// MicrosoftTeamsApp is set for a Microsoft Teams app.
	MicrosoftTeamsApp *MicrosoftTeamsAppModel `json:"microsoftTeamsApp,omitempty"`
	// TeamsExtensionUser is set for a Teams extension user.
	TeamsExtensionUser *TeamsExtensionUserModel `json:"teamsExtensionUser,omitempty"`
}

// CommunicationUserModel is the "communicationUser" property of an
// IdentifierModel.
type CommunicationUserModel struct {
	// ID is the ACS user's id (required).
	ID string `json:"id"`
}

// PhoneNumberModel is the "phoneNumber" property of an IdentifierModel.
type PhoneNumberModel struct {
	// Value is the phone number (required).
	Value string `json:"value"`
	// IsAnonymous is true for the anonymous number. On reading it is
	// ignored: the identifier computes it from the raw id.
	IsAnonymous bool `json:"isAnonymous,omitempty"`
	// AssertedID is the asserted id, if any. On reading it is ignored: the
	// identifier computes it from the raw id.
	AssertedID string `json:"assertedId,omitempty"`
}

// MicrosoftTeamsUserModel is the "microsoftTeamsUser" property of an
// IdentifierModel.
type MicrosoftTeamsUserModel struct {
	// UserID is the Teams user's id (required).
	UserID string `json:"userId"`
	// IsAnonymous is true for an anonymous meeting participant.
	IsAnonymous bool `json:"isAnonymous"`
	// Cloud is the user's cloud (required).
	Cloud CloudEnvironment `json:"cloud"`
}

// MicrosoftTeamsAppModel is the "microsoftTeamsApp" property of an
// IdentifierModel.
type MicrosoftTeamsAppModel struct {
	// AppID is the Teams app's id (required).
	AppID string `json:"appId"`
	// Cloud is the app's cloud (required).
	Cloud CloudEnvironment `json:"cloud"`
}

// TeamsExtensionUserModel is the "teamsExtensionUser" property of an
// IdentifierModel.
type TeamsExtensionUserModel struct {
	// UserID is the user's Entra ID object id (required).
	UserID string `json:"userId"`
	// TenantID is the user's tenant id (required).
	TenantID string `json:"tenantId"`
	// ResourceID is the ACS resource id (required).
	ResourceID string `json:"resourceId"`
	// Cloud is the user's cloud (required).
	Cloud CloudEnvironment `json:"cloud"`
}

// IdentifierModelError reports an IdentifierModel that cannot be read as an
// identifier: a required property missing, or more than one typed property set.
type IdentifierModelError struct {
	// Property is the JSON path of the property at fault, for example
	// "rawId" or "microsoftTeamsUser.cloud"; empty when the fault is not
	// one property's.
	Property string
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
}

// Error implements error.
func (e *IdentifierModelError) Error() string {
	if e.Property == "" {
		return "identity: invalid identifier model: " + e.Problem
	}
	return "identity: invalid identifier model: " + e.Property + ": " + e.Problem
}

func missing(property string) error {
	return &IdentifierModelError{Property: property, Problem: "required property is missing or empty"}
}

// ModelFromIdentifier returns the wire model of id, with kind, rawId and the
// typed property filled in (cloud "public" when the identifier leaves it
// empty). An [UnknownIdentifier], or an Identifier implementation that is not
// one of this package's, becomes kind "unknown" with only its raw id. Pointers
// to this package's identifier types are read through. A nil id gives the
// zero model.
func ModelFromIdentifier(id Identifier) IdentifierModel {
	switch v := id.(type) {
	case nil:
		return IdentifierModel{}
	case CommunicationUserIdentifier:
		return IdentifierModel{
			Kind:              KindCommunicationUser,
			RawID:             v.ID,
			CommunicationUser: &CommunicationUserModel{ID: v.ID},
		}
	case PhoneNumberIdentifier:
		return IdentifierModel{
			Kind:  KindPhoneNumber,
			RawID: v.RawID(),
			PhoneNumber: &PhoneNumberModel{
				Value:       v.PhoneNumber,
				IsAnonymous: v.IsAnonymous(),
				AssertedID:  v.AssertedID(),
			},
		}
	case MicrosoftTeamsUserIdentifier:
		return IdentifierModel{
			Kind:  KindMicrosoftTeamsUser,
			RawID: v.RawID(),
			MicrosoftTeamsUser: &MicrosoftTeamsUserModel{
				UserID:      v.UserID,
				IsAnonymous: v.IsAnonymous,
				Cloud:       cloudOrPublic(v.Cloud),
			},
		}
	case MicrosoftTeamsAppIdentifier:
		return IdentifierModel{
			Kind:              KindMicrosoftTeamsApp,
			RawID:             v.RawID(),
			MicrosoftTeamsApp: &MicrosoftTeamsAppModel{AppID: v.AppID, Cloud: cloudOrPublic(v.Cloud)},
		}
	case TeamsExtensionUserIdentifier:
		return IdentifierModel{
			Kind:  KindTeamsExtensionUser,
			RawID: v.RawID(),
			TeamsExtensionUser: &TeamsExtensionUserModel{
				UserID:     v.UserID,
				TenantID:   v.TenantID,
				ResourceID: v.ResourceID,
				Cloud:      cloudOrPublic(v.Cloud),
			},
		}
	case *CommunicationUserIdentifier:
		return modelFromPointer(v)
	case *PhoneNumberIdentifier:
		return modelFromPointer(v)
	case *MicrosoftTeamsUserIdentifier:
		return modelFromPointer(v)
	case *MicrosoftTeamsAppIdentifier:
		return modelFromPointer(v)
	case *TeamsExtensionUserIdentifier:
		return modelFromPointer(v)
	case *UnknownIdentifier:
		return modelFromPointer(v)
	}
	return IdentifierModel{Kind: KindUnknown, RawID: id.RawID()}
}

func modelFromPointer[T Identifier](p *T) IdentifierModel {
	if p == nil {
		return IdentifierModel{}
	}
	return ModelFromIdentifier(*p)
}

func cloudOrPublic(c CloudEnvironment) CloudEnvironment {
	if c == "" {
		return CloudPublic
	}
	return c
}

// Identifier returns the identifier the model describes, following the
// deserialization rules of the official SDKs:
//
//   - More than one typed property is an error.
//   - The kind, when present (compared without regard to case), decides; a
//     model without one takes the kind of its typed property. A kind this
//     package does not know, or a kind whose typed property is absent, gives
//     an [UnknownIdentifier] with the raw id.
//   - The typed property's required fields must be present and not empty:
//     communicationUser.id, phoneNumber.value, microsoftTeamsUser.userId,
//     microsoftTeamsApp.appId, and teamsExtensionUser.userId, .tenantId and
//     .resourceId. Clouds other than the three known ones are kept as they
//     are.
//   - A missing cloud (microsoftTeamsUser, microsoftTeamsApp,
//     teamsExtensionUser) is the cloud of the raw id when that names the
//     same identity ("8:gcch:<userId>"), else CloudPublic. The spec makes
//     cloud optional, "By default 'public' if missing"
//     (specification/communication/data-plane/Common/stable/2025-06-30/common.json
//     in Azure/azure-rest-api-specs), and so does the Python SDK's reader;
//     the .NET and JavaScript SDKs refuse a model without it. This package
//     reads what the service may send as the spec allows, and always writes
//     the cloud ([ModelFromIdentifier]). Reading the raw id's cloud is a
//     choice.
//   - rawId is required for an unknown identifier. For the typed kinds it is
//     kept when it differs from the raw id the fields would give (in Raw), and
//     computed when missing; a communication user's raw id is its id.
//   - A phone number's isAnonymous and assertedId are not read: they follow
//     from its raw id.
//
// Errors are *[IdentifierModelError].
func (m IdentifierModel) Identifier() (Identifier, error) {
	f := flatModel{kind: m.Kind, rawID: m.RawID}
	if m.CommunicationUser != nil {
		f.hasUser, f.user = true, *m.CommunicationUser
	}
	if m.PhoneNumber != nil {
		f.hasPhone, f.phone = true, *m.PhoneNumber
	}
	if m.MicrosoftTeamsUser != nil {
		f.hasTeamsUser, f.teamsUser = true, *m.MicrosoftTeamsUser
	}
	if m.MicrosoftTeamsApp != nil {
		f.hasTeamsApp, f.teamsApp = true, *m.MicrosoftTeamsApp
	}
	if m.TeamsExtensionUser != nil {
		f.hasExtension, f.extension = true, *m.TeamsExtensionUser
	}
	return f.identifier()
}

// flatModel is an IdentifierModel with its typed properties held by value
// and a flag for each that is present, which reading it leaves on the
// stack (see identifier_scan.go).
type flatModel struct {
	kind  IdentifierKind
	rawID string

	hasUser, hasPhone, hasTeamsUser, hasTeamsApp, hasExtension bool

	user      CommunicationUserModel
	phone     PhoneNumberModel
	teamsUser MicrosoftTeamsUserModel
	teamsApp  MicrosoftTeamsAppModel
	extension TeamsExtensionUserModel
}

// identifier implements IdentifierModel.Identifier.
func (f *flatModel) identifier() (Identifier, error) {
	var present [5]string
	n := 0
	for _, p := range [...]struct {
		has  bool
		name string
	}{{f.hasUser, "communicationUser"}, {f.hasPhone, "phoneNumber"}, {f.hasTeamsUser, "microsoftTeamsUser"}, {f.hasTeamsApp, "microsoftTeamsApp"}, {f.hasExtension, "teamsExtensionUser"}} {
		if p.has {
			present[n] = p.name
			n++
		}
	}
	if n > 1 {
		return nil, &IdentifierModelError{
			Problem: "only one of the properties " + strings.Join(present[:n], ", ") + " may be present",
		}
	}

	kind := f.kind
	if kind == "" {
		kind = f.kindOf()
	}
	switch {
	case strings.EqualFold(string(kind), string(KindCommunicationUser)) && f.hasUser:
		if f.user.ID == "" {
			return nil, missing("communicationUser.id")
		}
		return CommunicationUserIdentifier{ID: f.user.ID}, nil

	case strings.EqualFold(string(kind), string(KindPhoneNumber)) && f.hasPhone:
		if f.phone.Value == "" {
			return nil, missing("phoneNumber.value")
		}
		p := PhoneNumberIdentifier{PhoneNumber: f.phone.Value}
		p.Raw = keepRaw(f.rawID, prefixPhoneNumber, p.PhoneNumber)
		return p, nil

	case strings.EqualFold(string(kind), string(KindMicrosoftTeamsUser)) && f.hasTeamsUser:
		t := &f.teamsUser
		if t.UserID == "" {
			return nil, missing("microsoftTeamsUser.userId")
		}
		u := MicrosoftTeamsUserIdentifier{UserID: t.UserID, IsAnonymous: t.IsAnonymous, Cloud: t.Cloud}
		if u.Cloud == "" {
			u.Cloud = CloudPublic
			if r, ok := ParseRawID(f.rawID).(MicrosoftTeamsUserIdentifier); ok && r.UserID == u.UserID {
				u.Cloud = r.Cloud
			}
		}
		u.Raw = keepRaw(f.rawID, u.rawPrefix(), u.UserID)
		return u, nil

	case strings.EqualFold(string(kind), string(KindMicrosoftTeamsApp)) && f.hasTeamsApp:
		t := &f.teamsApp
		if t.AppID == "" {
			return nil, missing("microsoftTeamsApp.appId")
		}
		a := MicrosoftTeamsAppIdentifier{AppID: t.AppID, Cloud: t.Cloud}
		if a.Cloud == "" {
			a.Cloud = CloudPublic
			if r, ok := ParseRawID(f.rawID).(MicrosoftTeamsAppIdentifier); ok && r.AppID == a.AppID {
				a.Cloud = r.Cloud
			}
		}
		a.Raw = keepRaw(f.rawID, a.rawPrefix(), a.AppID)
		return a, nil

	case strings.EqualFold(string(kind), string(KindTeamsExtensionUser)) && f.hasExtension:
		t := &f.extension
		switch {
		case t.UserID == "":
			return nil, missing("teamsExtensionUser.userId")
		case t.TenantID == "":
			return nil, missing("teamsExtensionUser.tenantId")
		case t.ResourceID == "":
			return nil, missing("teamsExtensionUser.resourceId")
		}
		u := TeamsExtensionUserIdentifier{UserID: t.UserID, TenantID: t.TenantID, ResourceID: t.ResourceID, Cloud: t.Cloud}
		if u.Cloud == "" {
			u.Cloud = CloudPublic
			if r, ok := ParseRawID(f.rawID).(TeamsExtensionUserIdentifier); ok && r.UserID == u.UserID && r.TenantID == u.TenantID && r.ResourceID == u.ResourceID {
				u.Cloud = r.Cloud
			}
		}
		u.Raw = keepRaw(f.rawID, u.rawPrefix(), u.ResourceID, "_", u.TenantID, "_", u.UserID)
		return u, nil
	}

	if f.rawID == "" {
		return nil, missing("rawId")
	}
	return UnknownIdentifier{ID: f.rawID}, nil
}

// kindOf is the kind a model without a kind has: that of its typed
// property, or unknown.
func (f *flatModel) kindOf() IdentifierKind {
	switch {
	case f.hasUser:
		return KindCommunicationUser
	case f.hasPhone:
		return KindPhoneNumber
	case f.hasTeamsUser:
		return KindMicrosoftTeamsUser
	case f.hasTeamsApp:
		return KindMicrosoftTeamsApp
	case f.hasExtension:
		return KindTeamsExtensionUser
	}
	return KindUnknown
}

// keepRaw returns the raw id to keep in an identifier's Raw field: the one
// received, unless it is missing or what the fields give anyway (the
// concatenation of parts, compared without building it).
func keepRaw(received string, parts ...string) string {
	rest := received
	for _, p := range parts {
		if !strings.HasPrefix(rest, p) {
			return received
		}
		rest = rest[len(p):]
	}
	if rest == "" {
		return ""
	}
	return received
}

// MarshalIdentifier returns the JSON of id's wire model (see
// [ModelFromIdentifier]). A nil id is an error.
func MarshalIdentifier(id Identifier) ([]byte, error) {
	if id == nil {
		return nil, &IdentifierModelError{Problem: "identifier is nil"}
	}
	return json.Marshal(ModelFromIdentifier(id))
}

// UnmarshalIdentifier reads an identifier from the JSON of its wire model
// (see [IdentifierModel.Identifier]). Malformed JSON gives an error that
// wraps encoding/json's; a well-formed model that is not a valid identifier
// gives an *[IdentifierModelError].
func UnmarshalIdentifier(data []byte) (Identifier, error) {
	var f flatModel
	if readModel(data, &f) {
		return f.identifier()
	}
	return unmarshalModelJSON(data)
}

// unmarshalModelJSON is UnmarshalIdentifier through encoding/json, for
// what readModel does not read.
func unmarshalModelJSON(data []byte) (Identifier, error) {
	var m IdentifierModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("identity: decoding identifier model: %w", err)
	}
	return m.Identifier()
}
