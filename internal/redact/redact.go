// Package redact is the one way the SDK's values that hold a secret print
// without it, with every fmt verb, through log/slog and through
// encoding/json.
//
// A type that holds a secret builds a copy of itself whose secrets are
// replaced by Marker (or by identity.Redact's form of a token) and whose
// type has no methods, and formats, logs and encodes that copy:
//
//	type plainThing Thing // no methods: no recursion
//
//	func (t Thing) redacted() plainThing { p := plainThing(t); p.Secret = redact.Marker; return p }
//	func (t Thing) Format(f fmt.State, verb rune) { redact.Format(f, verb, "pkg.Thing", t.redacted()) }
//	func (t Thing) LogValue() slog.Value           { return slog.AnyValue(t.redacted()) }
//	func (t Thing) MarshalJSON() ([]byte, error)   { return json.Marshal(t.redacted()) }
//
// A type with a hand-written LogValue encodes that instead, so that its
// JSON inside a slice reads as at the top of an attribute:
//
//	func (t Thing) MarshalJSON() ([]byte, error) { return redact.JSON(t.LogValue()) }
//
// All three are needed: log/slog resolves a LogValuer only at the top of
// an attribute; inside a slice, a map or a struct field its JSON handler
// calls encoding/json and its text handler fmt's %+v. A type whose JSON is
// a wire format that must carry the secret (calling.ClientJoinLocator)
// cannot be redacted inside slices in slog's JSON output; it says so.
//
// One hole no type can close: %p of a value that is not a pointer, slice
// or map (a mistake go vet reports) makes fmt print the value's fields raw,
// calling no method, not even a field's Format.
package redact

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Marker replaces a secret.
const Marker = "[REDACTED]"

// Format prints v, the redacted copy of the value being formatted, for
// verb: %v, %+v and %#v as such (the latter with name, "pkg.Type", in place
// of v's type), and every other verb (%s %q %x %X %d ...) as %+v, so that
// no verb is applied to the fields one by one and the marker shows. Width
// and precision are ignored: a precision would cut the marker short.
func Format(f fmt.State, verb rune, name string, v any) {
	switch {
	case verb == 'v' && f.Flag('#'):
		s := fmt.Sprintf("%#v", v)
		_, _ = io.WriteString(f, name+strings.TrimPrefix(s, reflect.TypeOf(v).String()))
	case verb == 'v' && !f.Flag('+'):
		fmt.Fprintf(f, "%v", v)
	default:
		fmt.Fprintf(f, "%+v", v)
	}
}

// JSON is the JSON log/slog's JSON handler writes for v (a type's
// LogValue), for a MarshalJSON that encodes a value inside a slice, a map or
// a struct field as the handler does at the top of an attribute.
func JSON(v slog.Value) ([]byte, error) {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && (a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
			return slog.Attr{}
		}
		return a
	}})
	r := slog.NewRecord(time.Time{}, 0, "", 0) // a zero time is left out
	r.AddAttrs(slog.Any("v", v))
	if err := h.Handle(context.Background(), r); err != nil {
		return nil, err
	}
	b, ok := bytes.CutPrefix(buf.Bytes(), []byte(`{"v":`))
	if !ok {
		return []byte("{}"), nil // an empty group, which the handler leaves out
	}
	return bytes.TrimSuffix(b, []byte("}\n")), nil
}

// FormatString prints s, the redacted form of the value being formatted, for
// every verb: quoted for %q, as is otherwise.
func FormatString(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// Link returns link with the value of every p query parameter (a Teams
// meeting link's passcode, however its name is escaped or cased) and any
// fragment replaced by Marker; the rest of the link is kept.
func Link(link string) string {
	link, frag, _ := strings.Cut(link, "#")
	out, query, ok := strings.Cut(link, "?")
	if ok {
		parts := strings.Split(query, "&")
		for i, part := range parts {
			key, _, _ := strings.Cut(part, "=")
			if k, err := url.QueryUnescape(key); err != nil || strings.EqualFold(k, "p") {
				parts[i] = key + "=" + Marker
			}
		}
		out += "?" + strings.Join(parts, "&")
	}
	if frag != "" {
		out += "#" + Marker
	}
	return out
}
