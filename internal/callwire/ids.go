package callwire

// Identifiers on the wire. A CommunicationIdentifierModel (a participant, a
// target, a call's source) travels here as its JSON, a json.RawMessage,
// read and written by package identity (identity.UnmarshalIdentifier and
// identity.MarshalIdentifier), the module's one identifier codec, which this
// package, below identity, does not import; the decoders here name the
// property at fault. The typed models that stand
// alone in Call Automation bodies (a caller id's PhoneNumberIdentifierModel,
// a CommunicationUserIdentifierModel, a MicrosoftTeamsAppIdentifierModel)
// are plain structs here, with the checks of their required properties.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
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

// MemberPath returns Property: eventwire.ErrorText names the member with
// it when the fault is a JSON type error (whose own Field is relative to
// the property).
func (e *PropertyError) MemberPath() string { return e.Property }

// errMissing is the fault of a required property that is absent or empty.
var errMissing = errors.New("required property is missing or empty")

// Absent reports an optional property that is not there: no JSON, or null.
func Absent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// Decode reads a required identifier property with decode
// (identity.UnmarshalIdentifier); an absent property reads as null, which
// decode refuses. Errors are a *PropertyError naming property.
func Decode[T any](property string, raw json.RawMessage, decode func([]byte) (T, error)) (T, error) {
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	v, err := decode(raw)
	if err != nil {
		var zero T
		return zero, &PropertyError{Property: property, Err: err}
	}
	return v, nil
}

// DecodeOptional reads an identifier property that may be absent: absent or
// null gives the zero T (a nil identity.Identifier).
func DecodeOptional[T any](property string, raw json.RawMessage, decode func([]byte) (T, error)) (T, error) {
	if Absent(raw) {
		var zero T
		return zero, nil
	}
	return Decode(property, raw, decode)
}

// DecodeList reads a list of identifiers, naming the element at fault
// ("targets[1]"); an empty list gives nil.
func DecodeList[T any](property string, raws []json.RawMessage, decode func([]byte) (T, error)) ([]T, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	out := make([]T, len(raws))
	for i, raw := range raws {
		v, err := Decode(fmt.Sprintf("%s[%d]", property, i), raw, decode)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// PhoneNumberModel is a PhoneNumberIdentifierModel, as caller ids travel.
type PhoneNumberModel struct {
	// Value is the phone number (required).
	Value string `json:"value"`
	// IsAnonymous is true for the anonymous number.
	IsAnonymous bool `json:"isAnonymous,omitempty"`
	// AssertedID is the asserted id, if any.
	AssertedID string `json:"assertedId,omitempty"`
}

// Check reports a model without its value; property names the model.
func (m *PhoneNumberModel) Check(property string) error {
	if m.Value == "" {
		return &PropertyError{Property: property + ".value", Err: errMissing}
	}
	return nil
}

// CommunicationUserModel is a CommunicationUserIdentifierModel.
type CommunicationUserModel struct {
	// ID is the ACS user's id (required).
	ID string `json:"id"`
}

// Check reports a model without its id; property names the model.
func (m *CommunicationUserModel) Check(property string) error {
	if m.ID == "" {
		return &PropertyError{Property: property + ".id", Err: errMissing}
	}
	return nil
}

// TeamsAppModel is a MicrosoftTeamsAppIdentifierModel.
type TeamsAppModel struct {
	// AppID is the Teams app's id (required).
	AppID string `json:"appId"`
	// Cloud is the app's cloud (required): "public", "dod" or "gcch".
	Cloud string `json:"cloud"`
}

// Check reports a model without its app id or cloud; property names the
// model.
func (m *TeamsAppModel) Check(property string) error {
	switch {
	case m.AppID == "":
		return &PropertyError{Property: property + ".appId", Err: errMissing}
	case m.Cloud == "":
		return &PropertyError{Property: property + ".cloud", Err: errMissing}
	}
	return nil
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
