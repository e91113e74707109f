package chat

// EditChannelMessageOptions are the optional parameters of
// EditChannelMessage.
type EditChannelMessageOptions struct {
	// ReplyToID, when set, makes messageID a reply to this top-level
	// message (Message.ReplyToID of a reply); empty for a top-level
	// message.
	ReplyToID string
}

// EditChannelMessageResponse is the result of EditChannelMessage.
type EditChannelMessageResponse struct{}

// SoftDeleteChannelMessageOptions are the optional parameters of
// SoftDeleteChannelMessage.
type SoftDeleteChannelMessageOptions struct {
	// ReplyToID, when set, makes messageID a reply to this top-level
	// message; empty for a top-level message.
	ReplyToID string
}

// SoftDeleteChannelMessageResponse is the result of
// SoftDeleteChannelMessage.
type SoftDeleteChannelMessageResponse struct{}

// UndoSoftDeleteChannelMessageOptions are the optional parameters of
// UndoSoftDeleteChannelMessage.
type UndoSoftDeleteChannelMessageOptions struct {
	// ReplyToID, when set, makes messageID a reply to this top-level
	// message; empty for a top-level message.
	ReplyToID string
}

// UndoSoftDeleteChannelMessageResponse is the result of
// UndoSoftDeleteChannelMessage.
type UndoSoftDeleteChannelMessageResponse struct{}

// SetChannelMessageReactionOptions are the optional parameters of
// SetChannelMessageReaction.
type SetChannelMessageReactionOptions struct {
	// ReplyToID, when set, makes messageID a reply to this top-level
	// message; empty for a top-level message.
	ReplyToID string
}

// SetChannelMessageReactionResponse is the result of
// SetChannelMessageReaction.
type SetChannelMessageReactionResponse struct{}

// UnsetChannelMessageReactionOptions are the optional parameters of
// UnsetChannelMessageReaction.
type UnsetChannelMessageReactionOptions struct {
	// ReplyToID, when set, makes messageID a reply to this top-level
	// message; empty for a top-level message.
	ReplyToID string
}

// UnsetChannelMessageReactionResponse is the result of
// UnsetChannelMessageReaction.
type UnsetChannelMessageReactionResponse struct{}
