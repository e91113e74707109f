package fake

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Operation names of the operations on channel messages and replies, for
// Fault.Op and Request.Op.
const (
	OpEditChannelMessage           = "editChannelMessage"
	OpSoftDeleteChannelMessage     = "softDeleteChannelMessage"
	OpUndoSoftDeleteChannelMessage = "undoSoftDeleteChannelMessage"
	OpSetChannelMessageReaction    = "setChannelMessageReaction"
	OpUnsetChannelMessageReaction  = "unsetChannelMessageReaction"
)

// checkRef refuses ids of the wrong shape, as the client does before
// sending: the same check, the same argument names.
func checkRef(r msgRef) error { return argErr(r.Check()) }

// edit, softDelete and react are the Go face of the operations on any
// message, a chat's or a channel's (msgRef), at the paths the HTTP face
// serves for them.
func (g *goFace) edit(ctx context.Context, op string, r msgRef, msg chat.NewMessage) error {
	if err := firstErr(checkRef(r), msg.Validate()); err != nil {
		return err
	}
	return g.call(ctx, op, http.MethodPatch, escapePath(r.Segments()...), nil, http.StatusNoContent, func() *opError {
		return g.s.editMessage(g.user, r, msg)
	})
}

func (g *goFace) softDelete(ctx context.Context, op string, r msgRef, undo bool) error {
	if err := checkRef(r); err != nil {
		return err
	}
	action := "softDelete"
	if undo {
		action = "undoSoftDelete"
	}
	return g.call(ctx, op, http.MethodPost, escapePath(r.SoftDeleteSegments(g.user, action)...), nil, http.StatusNoContent, func() *opError {
		return g.s.softDelete(g.user, r, undo)
	})
}

func (g *goFace) react(ctx context.Context, op string, r msgRef, reactionType string, unset bool) error {
	if err := firstErr(checkRef(r), argErr("reactionType", gw.CheckReactionType(reactionType))); err != nil {
		return err
	}
	action := "setReaction"
	if unset {
		action = "unsetReaction"
	}
	return g.call(ctx, op, http.MethodPost, escapePath(r.Segments(action)...), nil, http.StatusNoContent, func() *opError {
		return g.s.setReaction(g.user, r, reactionType, unset)
	})
}

func (g *goFace) EditChannelMessage(ctx context.Context, teamID, channelID, messageID string, msg chat.NewMessage, opts *chat.EditChannelMessageOptions) (chat.EditChannelMessageResponse, error) {
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	return chat.EditChannelMessageResponse{}, g.edit(ctx, OpEditChannelMessage, channelMsg(teamID, channelID, messageID, replyTo), msg)
}

func (g *goFace) SoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *chat.SoftDeleteChannelMessageOptions) (chat.SoftDeleteChannelMessageResponse, error) {
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	return chat.SoftDeleteChannelMessageResponse{}, g.softDelete(ctx, OpSoftDeleteChannelMessage, channelMsg(teamID, channelID, messageID, replyTo), false)
}

func (g *goFace) UndoSoftDeleteChannelMessage(ctx context.Context, teamID, channelID, messageID string, opts *chat.UndoSoftDeleteChannelMessageOptions) (chat.UndoSoftDeleteChannelMessageResponse, error) {
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	return chat.UndoSoftDeleteChannelMessageResponse{}, g.softDelete(ctx, OpUndoSoftDeleteChannelMessage, channelMsg(teamID, channelID, messageID, replyTo), true)
}

func (g *goFace) SetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *chat.SetChannelMessageReactionOptions) (chat.SetChannelMessageReactionResponse, error) {
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	return chat.SetChannelMessageReactionResponse{}, g.react(ctx, OpSetChannelMessageReaction, channelMsg(teamID, channelID, messageID, replyTo), reactionType, false)
}

func (g *goFace) UnsetChannelMessageReaction(ctx context.Context, teamID, channelID, messageID, reactionType string, opts *chat.UnsetChannelMessageReactionOptions) (chat.UnsetChannelMessageReactionResponse, error) {
	var replyTo string
	if opts != nil {
		replyTo = opts.ReplyToID
	}
	return chat.UnsetChannelMessageReactionResponse{}, g.react(ctx, OpUnsetChannelMessageReaction, channelMsg(teamID, channelID, messageID, replyTo), reactionType, true)
}
