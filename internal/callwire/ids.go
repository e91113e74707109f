package callwire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// PropertyError reports a property of a body that cannot be read: which one
// (a JSON path such as "targets[1]" or "participant.identifier") and why.
type PropertyError struct {
	// Property is the JSON path of the property.
	Property string
	// Err is the fault, often an *identity.IdentifierModelError.
	Err error
}

// Error implements error.
func (e *PropertyError) Error() string { return e.Property + ": " + e.Err.Error() }

// Unwrap returns the fault.
func (e *PropertyError) Unwrap() error { return e.Err }

// Identifier reads an identifier model; property names it in errors.
func Identifier(property string, m identity.IdentifierModel) (identity.Identifier, error) {
	id, err := m.Identifier()
	if err != nil {
		return nil, &PropertyError{Property: property, Err: err}
	}
	return id, nil
}

// OptionalIdentifier reads an identifier model that may be absent (nil
// gives a nil identifier).
func OptionalIdentifier(property string, m *identity.IdentifierModel) (identity.Identifier, error) {
	if m == nil {
		return nil, nil
	}
	return Identifier(property, *m)
}

// Identifiers reads a list of identifier models; an empty list gives nil.
func Identifiers(property string, ms []identity.IdentifierModel) ([]identity.Identifier, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	out := make([]identity.Identifier, len(ms))
	for i, m := range ms {
		id, err := Identifier(fmt.Sprintf("%s[%d]", property, i), m)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// Models writes a list of identifiers as models.
func Models(ids []identity.Identifier) []identity.IdentifierModel {
	out := make([]identity.IdentifierModel, len(ids))
	for i, id := range ids {
		out[i] = identity.ModelFromIdentifier(id)
	}
	return out
}

// OptionalModel writes an identifier as a model; nil gives nil.
func OptionalModel(id identity.Identifier) *identity.IdentifierModel {
	if id == nil {
		return nil
	}
	m := identity.ModelFromIdentifier(id)
	return &m
}

// PhoneModel writes a phone number as the PhoneNumberIdentifierModel that
// caller ids travel as; nil gives nil.
func PhoneModel(p *identity.PhoneNumberIdentifier) *identity.PhoneNumberModel {
	if p == nil {
		return nil
	}
	return identity.ModelFromIdentifier(*p).PhoneNumber
}

// Phone reads a PhoneNumberIdentifierModel; nil gives nil. A model without
// a value is an error.
func Phone(property string, m *identity.PhoneNumberModel) (*identity.PhoneNumberIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	if m.Value == "" {
		return nil, &PropertyError{Property: property + ".value", Err: &identity.IdentifierModelError{Problem: "required property is missing or empty"}}
	}
	return &identity.PhoneNumberIdentifier{PhoneNumber: m.Value}, nil
}

// UserModel writes an ACS user as a CommunicationUserIdentifierModel; nil
// gives nil.
func UserModel(u *identity.CommunicationUserIdentifier) *identity.CommunicationUserModel {
	if u == nil {
		return nil
	}
	return &identity.CommunicationUserModel{ID: u.ID}
}

// User reads a CommunicationUserIdentifierModel; nil gives nil.
func User(property string, m *identity.CommunicationUserModel) (*identity.CommunicationUserIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	if m.ID == "" {
		return nil, &PropertyError{Property: property + ".id", Err: &identity.IdentifierModelError{Problem: "required property is missing or empty"}}
	}
	return &identity.CommunicationUserIdentifier{ID: m.ID}, nil
}

// TeamsAppModel writes a Teams app as a MicrosoftTeamsAppIdentifierModel;
// nil gives nil.
func TeamsAppModel(a *identity.MicrosoftTeamsAppIdentifier) *identity.MicrosoftTeamsAppModel {
	if a == nil {
		return nil
	}
	return identity.ModelFromIdentifier(*a).MicrosoftTeamsApp
}

// TeamsApp reads a MicrosoftTeamsAppIdentifierModel; nil gives nil.
func TeamsApp(property string, m *identity.MicrosoftTeamsAppModel) (*identity.MicrosoftTeamsAppIdentifier, error) {
	if m == nil {
		return nil, nil
	}
	id, err := Identifier(property, identity.IdentifierModel{MicrosoftTeamsApp: m})
	if err != nil {
		return nil, err
	}
	a := id.(identity.MicrosoftTeamsAppIdentifier)
	return &a, nil
}

// ResponseError returns the *azcore.ResponseError that the client returns
// for a service error response with this status, code and message, for the
// Go face of a fake to return what the real client would.
func ResponseError(ctx context.Context, method, url string, status int, code, message string) error {
	body, _ := json.Marshal(ErrorResponse{Error: ErrorDetail{Code: code, Message: message}})
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		req, _ = http.NewRequestWithContext(context.Background(), method, "https://fake.communication.azure.com/", nil)
	}
	resp := &http.Response{
		StatusCode: status,
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
	return runtime.NewResponseError(resp)
}
