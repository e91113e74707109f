package eventwire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Schema is the envelope schema of an event.
type Schema int

// The schemas an Envelope can be in.
const (
	// SchemaCloudEvents is CloudEvents 1.0 in JSON (Call Automation
	// callbacks, and Event Grid subscriptions with the CloudEvents schema).
	SchemaCloudEvents Schema = iota + 1
	// SchemaEventGrid is the Event Grid event schema.
	SchemaEventGrid
)

// String returns the schema's name.
func (s Schema) String() string {
	switch s {
	case SchemaCloudEvents:
		return "cloudevents"
	case SchemaEventGrid:
		return "eventgrid"
	}
	return "schema(" + strconv.Itoa(int(s)) + ")"
}

// Envelope is one event as it arrives, in either schema: the members of a
// CloudEvent and of an Event Grid event in one struct, so that a delivery
// is decoded in one pass whatever its schema. Data is left undecoded.
type Envelope struct {
	// ID is the event id (both schemas).
	ID string `json:"id"`
	// Subject is the event subject (both schemas).
	Subject string `json:"subject"`
	// Data is the event data, undecoded (both schemas).
	Data json.RawMessage `json:"data"`

	// Type is the CloudEvents type.
	Type string `json:"type"`
	// Source is the CloudEvents source.
	Source string `json:"source"`
	// SpecVersion is the CloudEvents specversion.
	SpecVersion string `json:"specversion"`
	// Time is the CloudEvents time.
	Time string `json:"time"`
	// DataContentType is the CloudEvents datacontenttype.
	DataContentType string `json:"datacontenttype"`
	// DataBase64 is the CloudEvents data_base64 (binary data), if any.
	DataBase64 string `json:"data_base64"`

	// EventType is the Event Grid eventType.
	EventType string `json:"eventType"`
	// Topic is the Event Grid topic.
	Topic string `json:"topic"`
	// EventTime is the Event Grid eventTime.
	EventTime string `json:"eventTime"`
	// DataVersion is the Event Grid dataVersion.
	DataVersion string `json:"dataVersion"`
	// MetadataVersion is the Event Grid metadataVersion.
	MetadataVersion string `json:"metadataVersion"`
}

// Schema tells which schema the envelope is in: Event Grid when it has an
// eventType, CloudEvents when it has a type, 0 when it has neither.
func (e *Envelope) Schema() Schema {
	switch {
	case e.EventType != "":
		return SchemaEventGrid
	case e.Type != "":
		return SchemaCloudEvents
	}
	return 0
}

// EventTypeName returns the event's type in whichever schema it is.
func (e *Envelope) EventTypeName() string {
	if e.EventType != "" {
		return e.EventType
	}
	return e.Type
}

// TimeString returns the event's time in whichever schema it is.
func (e *Envelope) TimeString() string {
	if e.EventTime != "" {
		return e.EventTime
	}
	return e.Time
}

// Payload returns the JSON of the event's data: data_base64 decoded, a data
// member that is a JSON string unquoted (some senders wrap the JSON object
// in a string), or data as it is. It returns nil for an event without data
// or with null data.
func (e *Envelope) Payload() ([]byte, error) {
	if e.DataBase64 != "" {
		if len(e.Data) > 0 && !isNull(e.Data) {
			return nil, errors.New("has both data and data_base64")
		}
		b, err := base64.StdEncoding.DecodeString(e.DataBase64)
		if err != nil {
			return nil, errors.New("data_base64 is not base64")
		}
		return b, nil
	}
	d := bytes.TrimSpace(e.Data)
	if len(d) == 0 || isNull(d) {
		return nil, nil
	}
	if d[0] == '"' {
		var s string
		if err := json.Unmarshal(d, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	}
	return d, nil
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// DecodeError reports a delivery that cannot be decoded: Index is the
// event at fault, or -1 when the delivery as a whole is. Its text never
// holds a value from the input, only member names and JSON types.
type DecodeError struct {
	// Index is the position of the event at fault, -1 for the delivery.
	Index int
	// Problem says what is wrong, in a lowercase phrase.
	Problem string
	// Err is the cause, if any, for example a *json.UnmarshalTypeError.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	var b []byte
	if e.Index >= 0 {
		b = append(b, "event "...)
		b = strconv.AppendInt(b, int64(e.Index), 10)
		b = append(b, ": "...)
	}
	b = append(b, e.Problem...)
	if e.Err != nil {
		b = append(b, ": "...)
		b = append(b, ErrorText(e.Err)...)
	}
	return string(b)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// ErrorText describes err for an error message without quoting input: an
// encoding/json syntax error becomes its offset (its text may hold a
// character of the input), a type error names only the member and the JSON
// types; other errors are their own text. The member named is the whole
// path: the members named by the errors that wrap the JSON error (those
// with a MemberPath method, such as callwire.PropertyError for an
// identifier read on its own), then the JSON error's own field.
func ErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return memberPrefix(memberPath(err, "")) + "invalid json at offset " + strconv.FormatInt(se.Offset, 10)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return memberPrefix(memberPath(err, te.Field)) + fmt.Sprintf("json %s where %s was expected", te.Value, kindName(te.Type.Kind().String()))
	}
	if errors.Is(err, errUnexpectedEnd) {
		return "unexpected end of json"
	}
	return err.Error()
}

// memberPather is an error that names the JSON member its cause is about.
type memberPather interface{ MemberPath() string }

// memberPath joins the member paths of the errors in err's chain, outermost
// first, and field, the JSON error's own.
func memberPath(err error, field string) string {
	var path string
	for e := err; e != nil; e = errors.Unwrap(e) {
		if m, ok := e.(memberPather); ok {
			path = joinPath(path, m.MemberPath())
		}
	}
	return joinPath(path, field)
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case b[0] == '[':
		return a + b
	}
	return a + "." + b
}

func memberPrefix(path string) string {
	if path == "" {
		return ""
	}
	return "member " + path + ": "
}

func kindName(k string) string {
	switch k {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "ptr":
		return "a value"
	}
	return "a number"
}

var errUnexpectedEnd = errors.New("unexpected end of json")

// DecodeJSON is Decode through encoding/json: the envelopes decoded, the
// data left to DecodeData (no event has DataRead), Envelope.Data copied.
// Decode uses it for what its own pass does not read.
func DecodeJSON(body []byte) ([]Received, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, &DecodeError{Index: -1, Problem: "empty body"}
	}
	switch body[0] {
	case '{':
		var e Envelope
		if err := unmarshal(body, &e); err != nil {
			return nil, &DecodeError{Index: -1, Problem: "not an event", Err: err}
		}
		if e.Schema() == 0 {
			return nil, &DecodeError{Index: 0, Problem: "event has no type"}
		}
		return []Received{{Envelope: e}}, nil
	case '[':
	default:
		return nil, &DecodeError{Index: -1, Problem: "not a json array or object of events"}
	}
	if n, ok := countElements(body); ok && n > MaxEvents {
		return nil, &DecodeError{Index: -1, Problem: "more than " + strconv.Itoa(MaxEvents) + " events"}
	}
	var envs []Envelope
	if err := unmarshal(body, &envs); err != nil {
		return nil, arrayError(body, err)
	}
	out := make([]Received, len(envs))
	for i := range envs {
		if envs[i].Schema() == 0 {
			return nil, &DecodeError{Index: i, Problem: "event has no type"}
		}
		out[i].Envelope = envs[i]
	}
	return out, nil
}

// countElements counts the elements of the JSON array body without
// decoding them, so that a body of many tiny events is refused before
// they are allocated. ok is false when body is not an array; a body that
// is not valid JSON gives some count, and the decoder finds the fault.
func countElements(body []byte) (n int, ok bool) {
	if len(body) == 0 || body[0] != '[' {
		return 0, false
	}
	depth, inString, escaped, empty := 0, false, false, true
	for _, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\r', '\n':
			continue
		}
		if depth >= 1 && c != '[' || depth > 1 {
			empty = false
		}
	}
	if empty {
		return 0, true
	}
	return n + 1, true
}

// arrayError finds which element of an array body made err, for the
// error's index, by decoding the elements one by one (the slow path, for
// bodies that are wrong anyway).
func arrayError(body []byte, err error) *DecodeError {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // '['
		return &DecodeError{Index: -1, Problem: "not an array of events", Err: fixEOF(err)}
	}
	for i := 0; dec.More(); i++ {
		var e Envelope
		if err := dec.Decode(&e); err != nil {
			return &DecodeError{Index: i, Problem: "not an event", Err: fixEOF(err)}
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return &DecodeError{Index: -1, Problem: "not an array of events", Err: fixEOF(err)}
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) != 0 {
		return &DecodeError{Index: -1, Problem: "data after the array of events"}
	}
	return &DecodeError{Index: -1, Problem: "not an array of events", Err: err}
}

func fixEOF(err error) error {
	if err != nil && (err.Error() == "EOF" || err.Error() == "unexpected EOF") {
		return errUnexpectedEnd
	}
	return err
}

// unmarshal is json.Unmarshal that also refuses trailing data (it does
// already) and normalises the end-of-input error.
func unmarshal(b []byte, v any) error {
	return fixEOF(json.Unmarshal(b, v))
}

// DecodeData decodes an event's data (see Envelope.Payload) into d. Data
// that is absent or null leaves d zero. The error is a *DecodeError with
// the given index.
func DecodeData(index int, e *Envelope, d *EventData) error {
	p, err := e.Payload()
	if err != nil {
		return &DecodeError{Index: index, Problem: "data", Err: err}
	}
	if p == nil {
		return nil
	}
	if err := unmarshal(p, d); err != nil {
		return &DecodeError{Index: index, Problem: "data", Err: err}
	}
	return nil
}
