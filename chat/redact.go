package chat

// How the types of this package that hold a secret print: with every fmt
// verb, through log/slog (its text and JSON handlers, at the top of an
// attribute or inside a slice, a map or a struct field) and through
// encoding/json, they show no meeting passcode, no p parameter of a join
// link and no client state. None of them is a wire format: the Graph wire
// form is internal/graphwire's. See internal/redact.

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

// ifSet is redact.Marker for a secret that is set, "" otherwise.
func ifSet(secret string) string {
	if secret == "" {
		return ""
	}
	return redact.Marker
}

// MarshalJSON encodes String: "[REDACTED]", or "" for no passcode.
func (p Passcode) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

type plainMeetingInfo MeetingInfo // no methods

func (m MeetingInfo) redacted() plainMeetingInfo {
	p := plainMeetingInfo(m)
	p.JoinURL = redact.Link(m.JoinURL)
	return p
}

// Format prints the meeting info as fmt would, with the join link's p
// parameter redacted, for every verb.
func (m MeetingInfo) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "chat.MeetingInfo", m.redacted())
}

// LogValue implements slog.LogValuer without the join link's p parameter.
func (m MeetingInfo) LogValue() slog.Value { return slog.AnyValue(m.redacted()) }

// MarshalJSON encodes the fields without the join link's p parameter.
func (m MeetingInfo) MarshalJSON() ([]byte, error) { return json.Marshal(m.redacted()) }

type plainOnlineMeeting OnlineMeeting // no methods

func (m OnlineMeeting) redacted() plainOnlineMeeting {
	p := plainOnlineMeeting(m)
	p.JoinURL = redact.Link(m.JoinURL) // Passcode redacts itself
	return p
}

// Format prints the meeting as fmt would, without the passcode or the join
// link's p parameter, for every verb.
func (m OnlineMeeting) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "chat.OnlineMeeting", m.redacted())
}

// MarshalJSON encodes the fields without the passcode or the join link's p
// parameter. To hand a client what it needs to join, read JoinURL, or
// JoinMeetingID and Passcode, or build calling's ClientJoinLocator.
func (m OnlineMeeting) MarshalJSON() ([]byte, error) { return json.Marshal(m.redacted()) }

// Format prints the client state redacted, for every verb.
func (s OneClientState) Format(f fmt.State, verb rune) {
	redact.FormatString(f, verb, ifSet(string(s)))
}

// LogValue implements slog.LogValuer with the client state redacted.
func (s OneClientState) LogValue() slog.Value { return slog.StringValue(ifSet(string(s))) }

// MarshalJSON encodes the client state redacted.
func (s OneClientState) MarshalJSON() ([]byte, error) { return json.Marshal(ifSet(string(s))) }

// managerView is what a SubscriptionManager shows of itself.
type managerView struct {
	NotificationURL          string
	LifecycleNotificationURL string `json:",omitempty"`
	ClientStates             string
}

func (m *SubscriptionManager) view() managerView {
	if m == nil {
		return managerView{}
	}
	return managerView{
		NotificationURL: m.url, LifecycleNotificationURL: m.o.LifecycleNotificationURL,
		ClientStates: redact.Marker,
	}
}

// Format implements fmt.Formatter: every verb prints the manager's URLs,
// never a client state (its subscriptions are in its store: see
// Subscriptions).
func (m *SubscriptionManager) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "chat.SubscriptionManager", m.view())
}

// LogValue implements slog.LogValuer without the client states.
func (m *SubscriptionManager) LogValue() slog.Value { return slog.AnyValue(m.view()) }

// MarshalJSON encodes the manager's URLs.
func (m *SubscriptionManager) MarshalJSON() ([]byte, error) { return json.Marshal(m.view()) }
