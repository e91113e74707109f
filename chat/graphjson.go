package chat

import (
	"encoding/json"
	"fmt"
	"reflect"

	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// MarshalGraphJSON returns the Microsoft Graph JSON of a value of this
// package: the form Graph sends and accepts. It is the codec the Client
// reads Graph's answers and writes its requests with, and the one the fake
// in chat/fake serves; applications can use it to store values, or to
// build and read resource data in tests.
//
// v is one of Chat, Member, Message, OnlineMeeting, Presence, User or
// AttendanceReport (each as Graph's chat, aadUserConversationMember,
// chatMessage, onlineMeeting, presence, user and meetingAttendanceReport
// resources), a slice of one of them (a JSON array), NewMessage (the body
// of a message POST), CreateOnlineMeetingOptions (the body of POST
// /me/onlineMeetings), CreateOrGetOnlineMeetingOptions (createOrGet's body
// without its externalId), MeetingUpdate (the body of an onlineMeeting
// PATCH), or a page — ListChatsPageResponse,
// ListMessagesPageResponse, ListChannelMessagesPageResponse,
// ListRepliesPageResponse — as an OData collection with "value" and
// "@odata.nextLink"; or a pointer to any of these. Any other type is an
// error.
//
// The output holds everything the value holds, secrets included (an
// OnlineMeeting's passcode): it is meant for Graph and for storage, never
// for logs. A Message's HostedContents are not written: Graph's message
// reads do not carry them either.
func MarshalGraphJSON(v any) ([]byte, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return []byte("null"), nil
	}
	var w any
	switch x := v.(type) {
	case Chat:
		w = chatToWire(x)
	case *Chat:
		w = chatToWire(*x)
	case []Chat:
		w = chatsToWire(x)
	case Member:
		w = memberToWire(x)
	case *Member:
		w = memberToWire(*x)
	case []Member:
		w = membersToWire(x)
	case Message:
		w = messageToWire(x)
	case *Message:
		w = messageToWire(*x)
	case []Message:
		w = messagesToWire(x)
	case NewMessage:
		w = newMessageToWire(x)
	case *NewMessage:
		w = newMessageToWire(*x)
	case OnlineMeeting:
		w = meetingToWire(x)
	case *OnlineMeeting:
		w = meetingToWire(*x)
	case []OnlineMeeting:
		w = meetingsToWire(x)
	case User:
		w = userToWire(x)
	case *User:
		w = userToWire(*x)
	case Presence:
		w = presenceToWire(x)
	case *Presence:
		w = presenceToWire(*x)
	case []Presence:
		w = presencesToWire(x)
	case CreateOnlineMeetingOptions:
		w = createMeetingToWire(x)
	case *CreateOnlineMeetingOptions:
		w = createMeetingToWire(*x)
	case MeetingUpdate:
		w = meetingUpdateToWire(x)
	case *MeetingUpdate:
		w = meetingUpdateToWire(*x)
	case CreateOrGetOnlineMeetingOptions:
		w = createOrGetToWire("", x)
	case *CreateOrGetOnlineMeetingOptions:
		w = createOrGetToWire("", *x)
	case AttendanceReport:
		w = attendanceReportToWire(x)
	case *AttendanceReport:
		w = attendanceReportToWire(*x)
	case []AttendanceReport:
		w = attendanceReportsToWire(x)
	case ListChatsPageResponse:
		w = gw.Collection[gw.Chat]{Value: chatsToWire(x.Chats), NextLink: x.NextLink}
	case *ListChatsPageResponse:
		w = gw.Collection[gw.Chat]{Value: chatsToWire(x.Chats), NextLink: x.NextLink}
	case ListMessagesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	case *ListMessagesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	case ListChannelMessagesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	case *ListChannelMessagesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	case ListRepliesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	case *ListRepliesPageResponse:
		w = gw.Collection[gw.ChatMessage]{Value: messagesToWire(x.Messages), NextLink: x.NextLink}
	default:
		return nil, fmt.Errorf("chat: MarshalGraphJSON: %T is not a type of package chat that graph json represents", v)
	}
	return json.Marshal(w)
}

// UnmarshalGraphJSON reads Microsoft Graph JSON into v, a pointer to one
// of the types MarshalGraphJSON writes. It accepts what Graph documents it
// may send: nulls, missing members, members this package does not model
// (ignored), times with up to seven fractional digits. A value that is not
// JSON, or does not have the resource's shape, is an error; nothing of it
// is then kept in v.
func UnmarshalGraphJSON(data []byte, v any) error {
	var err error
	switch x := v.(type) {
	case *Chat:
		err = decodeInto(data, x, chatFromWire)
	case *[]Chat:
		err = decodeSlice(data, x, chatFromWire)
	case *Member:
		err = decodeInto(data, x, memberFromWire)
	case *[]Member:
		err = decodeSlice(data, x, memberFromWire)
	case *Message:
		err = decodeInto(data, x, messageFromWire)
	case *[]Message:
		err = decodeSlice(data, x, messageFromWire)
	case *NewMessage:
		err = decodeInto(data, x, newMessageFromWire)
	case *OnlineMeeting:
		err = decodeInto(data, x, meetingFromWire)
	case *[]OnlineMeeting:
		err = decodeSlice(data, x, meetingFromWire)
	case *User:
		err = decodeInto(data, x, userFromWire)
	case *Presence:
		err = decodeInto(data, x, presenceFromWire)
	case *[]Presence:
		err = decodeSlice(data, x, presenceFromWire)
	case *CreateOnlineMeetingOptions:
		err = decodeInto(data, x, createMeetingFromWire)
	case *MeetingUpdate:
		err = decodeInto(data, x, meetingUpdateFromWire)
	case *CreateOrGetOnlineMeetingOptions:
		err = decodeInto(data, x, createOrGetFromWire)
	case *AttendanceReport:
		err = decodeInto(data, x, attendanceReportFromWire)
	case *[]AttendanceReport:
		err = decodeSlice(data, x, attendanceReportFromWire)
	case *ListChatsPageResponse:
		var p gw.Collection[gw.Chat]
		if err = json.Unmarshal(data, &p); err == nil {
			*x = ListChatsPageResponse{Chats: convertAll(p.Value, chatFromWire), NextLink: p.NextLink}
		}
	case *ListMessagesPageResponse:
		var ms []Message
		var next string
		if ms, next, err = decodeMessagePage(data); err == nil {
			*x = ListMessagesPageResponse{Messages: ms, NextLink: next}
		}
	case *ListChannelMessagesPageResponse:
		var ms []Message
		var next string
		if ms, next, err = decodeMessagePage(data); err == nil {
			*x = ListChannelMessagesPageResponse{Messages: ms, NextLink: next}
		}
	case *ListRepliesPageResponse:
		var ms []Message
		var next string
		if ms, next, err = decodeMessagePage(data); err == nil {
			*x = ListRepliesPageResponse{Messages: ms, NextLink: next}
		}
	default:
		return fmt.Errorf("chat: UnmarshalGraphJSON: %T is not a pointer to a type of package chat that graph json represents", v)
	}
	if err != nil {
		return fmt.Errorf("chat: UnmarshalGraphJSON into %T: %w", v, err)
	}
	return nil
}

// decodeInto decodes one wire value W and converts it into *dst.
func decodeInto[W, T any](data []byte, dst *T, conv func(*W) T) error {
	if dst == nil {
		return fmt.Errorf("nil %T", dst)
	}
	var w W
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*dst = conv(&w)
	return nil
}

// decodeSlice decodes a JSON array of wire values W into *dst.
func decodeSlice[W, T any](data []byte, dst *[]T, conv func(*W) T) error {
	if dst == nil {
		return fmt.Errorf("nil %T", dst)
	}
	var ws []W
	if err := json.Unmarshal(data, &ws); err != nil {
		return err
	}
	*dst = convertAll(ws, conv)
	return nil
}

func decodeMessagePage(data []byte) ([]Message, string, error) {
	var p gw.Collection[gw.ChatMessage]
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, "", err
	}
	return convertAll(p.Value, messageFromWire), p.NextLink, nil
}

// convertAll converts wire values; nil stays nil.
func convertAll[W, T any](ws []W, conv func(*W) T) []T {
	if ws == nil {
		return nil
	}
	out := make([]T, len(ws))
	for i := range ws {
		out[i] = conv(&ws[i])
	}
	return out
}

func chatsToWire(cs []Chat) []gw.Chat {
	out := make([]gw.Chat, len(cs))
	for i := range cs {
		out[i] = chatToWire(cs[i])
	}
	return out
}

func membersToWire(ms []Member) []gw.ConversationMember {
	out := make([]gw.ConversationMember, len(ms))
	for i := range ms {
		out[i] = memberToWire(ms[i])
	}
	return out
}

func messagesToWire(ms []Message) []gw.ChatMessage {
	out := make([]gw.ChatMessage, len(ms))
	for i := range ms {
		out[i] = messageToWire(ms[i])
	}
	return out
}

func meetingsToWire(ms []OnlineMeeting) []gw.OnlineMeeting {
	out := make([]gw.OnlineMeeting, len(ms))
	for i := range ms {
		out[i] = meetingToWire(ms[i])
	}
	return out
}

func presencesToWire(ps []Presence) []gw.Presence {
	out := make([]gw.Presence, len(ps))
	for i := range ps {
		out[i] = presenceToWire(ps[i])
	}
	return out
}
