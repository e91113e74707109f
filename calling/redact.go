package calling

// How the types of this package that hold a secret print: with every fmt
// verb, through log/slog (its text and JSON handlers, at the top of an
// attribute or inside a slice, a map or a struct field) and, but for
// ClientJoinLocator's, through encoding/json, they show no meeting passcode,
// no p parameter of a join link, no incoming call context and no Event Grid
// secret. See internal/redact.

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

// ifSet is redact.Marker for a secret that is set, "" otherwise.
func ifSet(secret string) string {
	if secret == "" {
		return ""
	}
	return redact.Marker
}

// String describes l without its passcode or a link's p parameter.
func (l MeetingLocator) String() string {
	var b strings.Builder
	b.WriteString("MeetingLocator{Kind:")
	b.WriteString(string(l.Kind))
	field := func(name, value string) {
		if value != "" {
			b.WriteString(" " + name + ":" + value)
		}
	}
	field("JoinURL", redact.Link(l.JoinURL))
	field("Host", l.Host)
	field("Cloud", l.Cloud)
	field("ThreadID", l.ThreadID)
	field("MessageID", l.MessageID)
	field("TenantID", l.TenantID)
	field("OrganizerID", l.OrganizerID)
	field("MeetingID", l.MeetingID)
	field("Passcode", ifSet(l.Passcode))
	if l.IsChannelMeeting {
		field("IsChannelMeeting", "true")
	}
	if l.IsBroadcast {
		field("IsBroadcast", "true")
	}
	b.WriteString("}")
	return b.String()
}

// Format implements fmt.Formatter so that every verb, %#v and %d included,
// prints [MeetingLocator.String] and never the passcode.
func (l MeetingLocator) Format(f fmt.State, verb rune) { redact.FormatString(f, verb, l.String()) }

// LogValue implements slog.LogValuer: the locator's fields without the
// passcode or a link's p parameter.
func (l MeetingLocator) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", string(l.Kind))}
	add := func(key, value string) {
		if value != "" {
			attrs = append(attrs, slog.String(key, value))
		}
	}
	add("joinURL", redact.Link(l.JoinURL))
	add("host", l.Host)
	add("cloud", l.Cloud)
	add("threadID", l.ThreadID)
	add("messageID", l.MessageID)
	add("tenantID", l.TenantID)
	add("organizerID", l.OrganizerID)
	add("meetingID", l.MeetingID)
	add("passcode", ifSet(l.Passcode))
	if l.IsChannelMeeting {
		attrs = append(attrs, slog.Bool("channelMeeting", true))
	}
	if l.IsBroadcast {
		attrs = append(attrs, slog.Bool("broadcast", true))
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON encodes LogValue, as log/slog's JSON handler does: a
// MeetingLocator is not a wire format (hand a client
// [MeetingLocator.ClientLocator]), and that handler encodes a value inside
// a slice, a map or a struct field with encoding/json.
func (l MeetingLocator) MarshalJSON() ([]byte, error) { return redact.JSON(l.LogValue()) }

// String describes c without its passcode or a link's p parameter.
func (c ClientJoinLocator) String() string {
	var b strings.Builder
	b.WriteString("ClientJoinLocator{")
	sep := ""
	field := func(name, value string) {
		if value != "" {
			b.WriteString(sep + name + ":" + value)
			sep = " "
		}
	}
	field("meetingLink", redact.Link(c.MeetingLink))
	field("meetingId", c.MeetingID)
	field("passcode", ifSet(c.Passcode))
	field("threadId", c.ThreadID)
	field("organizerId", c.OrganizerID)
	field("tenantId", c.TenantID)
	field("messageId", c.MessageID)
	b.WriteString("}")
	return b.String()
}

// Format implements fmt.Formatter so that every verb prints
// [ClientJoinLocator.String] and never the passcode.
func (c ClientJoinLocator) Format(f fmt.State, verb rune) { redact.FormatString(f, verb, c.String()) }

// LogValue implements slog.LogValuer without the passcode or a link's p
// parameter.
func (c ClientJoinLocator) LogValue() slog.Value { return slog.StringValue(c.String()) }

type plainIncomingCall IncomingCall // no methods

func (e IncomingCall) redacted() plainIncomingCall {
	p := plainIncomingCall(e)
	p.IncomingCallContext = ifSet(e.IncomingCallContext)
	return p
}

// Format prints the event as fmt would, with IncomingCallContext redacted,
// for every verb.
func (e IncomingCall) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "calling.IncomingCall", e.redacted())
}

// LogValue implements slog.LogValuer with IncomingCallContext redacted.
func (e IncomingCall) LogValue() slog.Value { return slog.AnyValue(e.redacted()) }

// MarshalJSON encodes the event's fields with IncomingCallContext
// redacted; the event's wire form is its CloudEvent (MarshalCloudEvents).
func (e IncomingCall) MarshalJSON() ([]byte, error) { return json.Marshal(e.redacted()) }

// handlerView is what a CallbackHandler and its options show of
// themselves: their settings, and whether an Event Grid secret is set.
// (The options' function fields would make encoding/json fail.)
type handlerView struct {
	Audience                 string   `json:",omitempty"`
	ExtraAudiences           []string `json:",omitempty"`
	OpenIDConfigurationURL   string   `json:",omitempty"`
	Issuer                   string   `json:",omitempty"`
	EventGridSecret          string   `json:",omitempty"`
	EventGridSecretParameter string   `json:",omitempty"`
	EventGridValidator       bool     `json:",omitempty"`
	WebhookAllowedOrigins    []string `json:",omitempty"`
	MaxBodySize              int64    `json:",omitempty"`
	Synchronous              bool     `json:",omitempty"`
	Workers                  int      `json:",omitempty"`
	QueueSize                int      `json:",omitempty"`
}

func (o CallbackHandlerOptions) view() handlerView {
	return handlerView{
		ExtraAudiences: o.ExtraAudiences, OpenIDConfigurationURL: o.OpenIDConfigurationURL,
		Issuer: o.Issuer, EventGridSecret: ifSet(o.EventGridSecret), EventGridSecretParameter: o.EventGridSecretParameter,
		EventGridValidator: o.EventGridValidator != nil, WebhookAllowedOrigins: o.WebhookAllowedOrigins,
		MaxBodySize: o.MaxBodySize, Synchronous: o.Synchronous, Workers: o.Workers, QueueSize: o.QueueSize,
	}
}

// Format implements fmt.Formatter: every verb prints the options' settings,
// with the Event Grid secret redacted.
func (o CallbackHandlerOptions) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "calling.CallbackHandlerOptions", o.view())
}

// LogValue implements slog.LogValuer with the Event Grid secret redacted.
func (o CallbackHandlerOptions) LogValue() slog.Value { return slog.AnyValue(o.view()) }

// MarshalJSON encodes the options' settings with the Event Grid secret
// redacted.
func (o CallbackHandlerOptions) MarshalJSON() ([]byte, error) { return json.Marshal(o.view()) }

func (h *CallbackHandler) view() handlerView {
	if h == nil {
		return handlerView{}
	}
	v := h.opts.view()
	v.Audience = h.audience
	if h.secret != [32]byte{} {
		v.EventGridSecret = redact.Marker
	}
	v.EventGridSecretParameter = h.param
	return v
}

// Format implements fmt.Formatter: every verb prints the handler's
// settings, never the Event Grid secret (of which it keeps only a hash).
func (h *CallbackHandler) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "calling.CallbackHandler", h.view())
}

// LogValue implements slog.LogValuer: the handler's settings.
func (h *CallbackHandler) LogValue() slog.Value { return slog.AnyValue(h.view()) }

// MarshalJSON encodes the handler's settings.
func (h *CallbackHandler) MarshalJSON() ([]byte, error) { return json.Marshal(h.view()) }
