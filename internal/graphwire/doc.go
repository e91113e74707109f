// Package graphwire is the Microsoft Graph JSON of the Teams chat resources
// this module speaks: chat, conversationMember, chatMessage (with mentions,
// reactions, attachments and hosted contents), onlineMeeting, OData
// collections with @odata.nextLink, the error body, subscriptions and
// change-notification payloads, plus chat-id and join-link checks.
//
// It depends on the standard library only. The fake in chat/fake encodes and
// decodes with it; the client in chat uses its error, id and notification
// parts. Conversion to and from the public chat types is in
// internal/graphwire/chatconv (it imports chat, which imports this package).
package graphwire
