package graphwire

import (
	"encoding/json"
	"errors"
	"strings"
)

// ValidationTokenParam is the query parameter with which Graph validates a
// notification or lifecycle URL: it POSTs to url?validationToken=<token>
// and expects the decoded token back as text/plain with 200 within 10 s.
const ValidationTokenParam = "validationToken"

// Change types of change notifications.
const (
	ChangeCreated = "created"
	ChangeUpdated = "updated"
	ChangeDeleted = "deleted"
)

// Lifecycle events of lifecycle notifications.
const (
	LifecycleReauthorizationRequired = "reauthorizationRequired"
	LifecycleSubscriptionRemoved     = "subscriptionRemoved"
	LifecycleMissed                  = "missed"
)

// MaxClientStateLen is the longest clientState Graph accepts.
const MaxClientStateLen = 128

// NotificationCollection is the body Graph POSTs to a notification or
// lifecycle URL.
type NotificationCollection struct {
	Value            []ChangeNotification `json:"value"`
	ValidationTokens []string             `json:"validationTokens,omitempty"`
}

// ChangeNotification is one change or lifecycle notification: exactly one
// of ChangeType and LifecycleEvent is set.
type ChangeNotification struct {
	ODataType                      string        `json:"@odata.type,omitempty"`
	ID                             string        `json:"id,omitempty"`
	SubscriptionID                 string        `json:"subscriptionId"`
	SubscriptionExpirationDateTime Time          `json:"subscriptionExpirationDateTime"`
	ClientState                    string        `json:"clientState,omitempty"`
	ChangeType                     string        `json:"changeType,omitempty"`
	LifecycleEvent                 string        `json:"lifecycleEvent,omitempty"`
	Resource                       string        `json:"resource,omitempty"`
	ResourceData                   *ResourceData `json:"resourceData,omitempty"`
	TenantID                       string        `json:"tenantId,omitempty"`
	EncryptedContent               any           `json:"encryptedContent,omitempty"`
}

// ResourceData identifies the changed resource of a notification without
// resource data.
type ResourceData struct {
	ODataType string `json:"@odata.type,omitempty"`
	ODataID   string `json:"@odata.id,omitempty"`
	ID        string `json:"id"`
}

// ErrNotificationBody reports a body that is not a notification collection.
var ErrNotificationBody = errors.New("graphwire: body is not a change-notification collection")

// DecodeNotifications decodes a notification POST body. It never panics;
// a body without a "value" array is ErrNotificationBody.
func DecodeNotifications(body []byte) (NotificationCollection, error) {
	var raw struct {
		Value            *[]ChangeNotification `json:"value"`
		ValidationTokens []string              `json:"validationTokens"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return NotificationCollection{}, ErrNotificationBody
	}
	if raw.Value == nil {
		return NotificationCollection{}, ErrNotificationBody
	}
	return NotificationCollection{Value: *raw.Value, ValidationTokens: raw.ValidationTokens}, nil
}

// Subscription is Graph's subscription resource.
type Subscription struct {
	ID                        string `json:"id,omitempty"`
	Resource                  string `json:"resource"`
	ChangeType                string `json:"changeType"`
	NotificationURL           string `json:"notificationUrl"`
	LifecycleNotificationURL  string `json:"lifecycleNotificationUrl,omitempty"`
	ExpirationDateTime        Time   `json:"expirationDateTime"`
	ClientState               string `json:"clientState,omitempty"`
	ApplicationID             string `json:"applicationId,omitempty"`
	CreatorID                 string `json:"creatorId,omitempty"`
	IncludeResourceData       bool   `json:"includeResourceData,omitempty"`
	LatestSupportedTLSVersion string `json:"latestSupportedTlsVersion,omitempty"`
	EncryptionCertificate     string `json:"encryptionCertificate,omitempty"`
	EncryptionCertificateID   string `json:"encryptionCertificateId,omitempty"`
}

// SubscriptionRenewal is the body of PATCH /subscriptions/{id} that
// renews a subscription.
type SubscriptionRenewal struct {
	ExpirationDateTime Time `json:"expirationDateTime"`
}

// MessageResource is the resource string of a chat message in a
// notification: chats('<chat id>')/messages('<message id>').
func MessageResource(chatID, messageID string) string {
	return "chats('" + quoteKey(chatID) + "')/messages('" + quoteKey(messageID) + "')"
}

// ChannelMessageResource is the resource string of a channel message or
// reply in a notification.
func ChannelMessageResource(teamID, channelID, messageID, replyID string) string {
	s := "teams('" + quoteKey(teamID) + "')/channels('" + quoteKey(channelID) + "')/messages('" + quoteKey(messageID) + "')"
	if replyID != "" {
		s += "/replies('" + quoteKey(replyID) + "')"
	}
	return s
}

// ChatResource is the resource string of a chat in a notification:
// chats('<chat id>') (teams-changenotifications-chat, "Notifications
// without resource data").
func ChatResource(chatID string) string { return "chats('" + quoteKey(chatID) + "')" }

// ChatMemberResource is the resource string of a chat's membership in a
// notification: chats('<chat id>')/members('<membership id>')
// (teams-changenotifications-chatmembership, "Notifications without
// resource data").
func ChatMemberResource(chatID, membershipID string) string {
	return ChatResource(chatID) + "/members('" + quoteKey(membershipID) + "')"
}

// TypeChat is the OData type of a chat in a notification's resourceData.
const TypeChat = "#microsoft.graph.chat"

func quoteKey(s string) string { return strings.ReplaceAll(s, "'", "''") }

// ResourcePath is a notification resource taken apart: its segments and
// their keys, for example chats('19:…')/messages('123') gives
// [{chats 19:…} {messages 123}].
type ResourcePath []ResourceSegment

// ResourceSegment is one segment of a ResourcePath.
type ResourceSegment struct {
	Name string
	Key  string
}

// Key returns the key of the first segment named name.
func (p ResourcePath) Key(name string) (string, bool) {
	for _, s := range p {
		if strings.EqualFold(s.Name, name) {
			return s.Key, true
		}
	}
	return "", false
}

// MaxResourceLen is the longest notification resource ParseResource reads.
const MaxResourceLen = 4096

// ParseResource reads a notification resource in the key form
// (chats('x')/messages('y')) or the path form (/chats/x/messages/y; a key
// in this form cannot contain '/'). It never panics.
func ParseResource(resource string) (ResourcePath, bool) {
	if len(resource) > MaxResourceLen {
		return nil, false
	}
	s := strings.TrimPrefix(resource, "/")
	if s == "" {
		return nil, false
	}
	var out ResourcePath
	if strings.Contains(s, "('") {
		for s != "" {
			open := strings.Index(s, "('")
			if open < 0 { // trailing segments without keys: …/messages
				for _, name := range strings.Split(s, "/") {
					if name == "" || strings.ContainsAny(name, "'()") {
						return nil, false
					}
					out = append(out, ResourceSegment{Name: name})
				}
				return out, true
			}
			if open == 0 {
				return nil, false
			}
			name := s[:open]
			if strings.ContainsAny(name, "/'()") {
				return nil, false
			}
			rest := s[open+2:]
			var key strings.Builder
			i := 0
			for {
				j := strings.IndexByte(rest[i:], '\'')
				if j < 0 {
					return nil, false
				}
				key.WriteString(rest[i : i+j])
				i += j + 1
				if i < len(rest) && rest[i] == '\'' {
					key.WriteByte('\'')
					i++
					continue
				}
				break
			}
			if i >= len(rest) || rest[i] != ')' {
				return nil, false
			}
			out = append(out, ResourceSegment{Name: name, Key: key.String()})
			s = rest[i+1:]
			if s != "" {
				if s[0] != '/' {
					return nil, false
				}
				s = s[1:]
				if s == "" {
					return nil, false
				}
			}
		}
		return out, true
	}
	parts := strings.Split(s, "/")
	for i := 0; i < len(parts); i += 2 {
		if parts[i] == "" {
			return nil, false
		}
		seg := ResourceSegment{Name: parts[i]}
		if i+1 < len(parts) {
			if parts[i+1] == "" {
				return nil, false
			}
			seg.Key = parts[i+1]
		}
		out = append(out, seg)
	}
	return out, true
}
