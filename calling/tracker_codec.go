package calling

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// CallStatusCodecVersion is the version of the JSON form of a CallStatus
// that this release writes (the "v" member). It reads that version and
// every earlier one; a later version is an error wrapping
// ErrCallStatusVersion, so a replica of an older release never reads a
// status it would misunderstand, or writes it back without what it did not
// know.
const CallStatusCodecVersion = 1

// ErrCallStatusVersion is wrapped by the error of UnmarshalJSON on a call
// status of a codec version this release does not read.
var ErrCallStatusVersion = errors.New("calling: call status of an unknown codec version")

// callStatusJSON is the JSON form of a CallStatus, version 1. Every member
// the tracker needs to go on where another replica left off is there: the
// ids of the latest events applied (for de-duplication) included.
type callStatusJSON struct {
	V                    int                    `json:"v"`
	CallConnectionID     string                 `json:"callConnectionId"`
	ServerCallID         string                 `json:"serverCallId,omitempty"`
	CorrelationID        string                 `json:"correlationId,omitempty"`
	State                CallConnectionState    `json:"state,omitempty"`
	Participants         []CallParticipant      `json:"participants,omitempty"`
	ParticipantsSequence int                    `json:"participantsSequence"`
	EndReason            *resultInformationJSON `json:"endReason,omitempty"`
	TransferTarget       *CallParticipant       `json:"transferTarget,omitempty"`
	UpdatedAt            time.Time              `json:"updatedAt"`
	FromService          bool                   `json:"fromService,omitempty"`
	Seen                 []string               `json:"seen,omitempty"`
}

type resultInformationJSON struct {
	Code        int                `json:"code"`
	SubCode     int                `json:"subCode"`
	Message     string             `json:"message,omitempty"`
	SIPDetails  *SIPDiagnosticInfo `json:"sipDetails,omitempty"`
	Q850Details *SIPDiagnosticInfo `json:"q850Details,omitempty"`
}

// MarshalJSON encodes the whole status, the tracker's de-duplication state
// included, in the versioned form that UnmarshalJSON reads
// (CallStatusCodecVersion): a store that keeps statuses as JSON (a
// database, a cache shared by replicas) gives the tracker back exactly what
// it stored. Participants' identifiers are their wire models (see
// identity.MarshalIdentifier).
func (s CallStatus) MarshalJSON() ([]byte, error) {
	j := callStatusJSON{
		V:                    CallStatusCodecVersion,
		CallConnectionID:     s.CallConnectionID,
		ServerCallID:         s.ServerCallID,
		CorrelationID:        s.CorrelationID,
		State:                s.State,
		Participants:         s.Participants,
		ParticipantsSequence: s.ParticipantsSequence,
		UpdatedAt:            s.UpdatedAt,
		FromService:          s.FromService,
		Seen:                 s.seen,
	}
	if r := s.EndReason; r != nil {
		j.EndReason = &resultInformationJSON{Code: r.Code, SubCode: r.SubCode, Message: r.Message, SIPDetails: r.SIPDetails, Q850Details: r.Q850Details}
	}
	if t := s.TransferTarget; t.Identifier != nil || t.IsMuted || t.IsOnHold {
		j.TransferTarget = &s.TransferTarget
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encoded. A status of a later codec
// version than CallStatusCodecVersion is an error wrapping
// ErrCallStatusVersion.
func (s *CallStatus) UnmarshalJSON(b []byte) error {
	var j callStatusJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("calling: decode a call status: %w", err)
	}
	if j.V < 1 || j.V > CallStatusCodecVersion {
		return fmt.Errorf("%w: version %d, this release reads 1 to %d", ErrCallStatusVersion, j.V, CallStatusCodecVersion)
	}
	*s = CallStatus{
		CallConnectionID:     j.CallConnectionID,
		ServerCallID:         j.ServerCallID,
		CorrelationID:        j.CorrelationID,
		State:                j.State,
		Participants:         j.Participants,
		ParticipantsSequence: j.ParticipantsSequence,
		UpdatedAt:            j.UpdatedAt,
		FromService:          j.FromService,
		seen:                 j.Seen,
	}
	if r := j.EndReason; r != nil {
		s.EndReason = &ResultInformation{Code: r.Code, SubCode: r.SubCode, Message: r.Message, SIPDetails: r.SIPDetails, Q850Details: r.Q850Details}
	}
	if j.TransferTarget != nil {
		s.TransferTarget = *j.TransferTarget
	}
	return nil
}

type callParticipantJSON struct {
	Identifier json.RawMessage `json:"identifier,omitempty"`
	IsMuted    bool            `json:"isMuted,omitempty"`
	IsOnHold   bool            `json:"isOnHold,omitempty"`
}

// MarshalJSON encodes the participant with its identifier as the
// identifier's wire model (identity.MarshalIdentifier), which
// UnmarshalJSON reads back into the same Identifier type.
func (p CallParticipant) MarshalJSON() ([]byte, error) {
	j := callParticipantJSON{IsMuted: p.IsMuted, IsOnHold: p.IsOnHold}
	if p.Identifier != nil {
		b, err := identity.MarshalIdentifier(p.Identifier)
		if err != nil {
			return nil, err
		}
		j.Identifier = b
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON encoded.
func (p *CallParticipant) UnmarshalJSON(b []byte) error {
	var j callParticipantJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = CallParticipant{IsMuted: j.IsMuted, IsOnHold: j.IsOnHold}
	if len(j.Identifier) > 0 && string(j.Identifier) != "null" {
		id, err := identity.UnmarshalIdentifier(j.Identifier)
		if err != nil {
			return err
		}
		p.Identifier = id
	}
	return nil
}
