package chat

// Availability is a user's base presence in Teams (Graph's
// presence.availability).
type Availability string

// The availabilities Graph reports.
const (
	AvailabilityAvailable       Availability = "Available"
	AvailabilityAvailableIdle   Availability = "AvailableIdle"
	AvailabilityAway            Availability = "Away"
	AvailabilityBeRightBack     Availability = "BeRightBack"
	AvailabilityBusy            Availability = "Busy"
	AvailabilityBusyIdle        Availability = "BusyIdle"
	AvailabilityDoNotDisturb    Availability = "DoNotDisturb"
	AvailabilityOffline         Availability = "Offline"
	AvailabilityPresenceUnknown Availability = "PresenceUnknown"
)

// Activity is what a user is doing (Graph's presence.activity).
type Activity string

// The activities Graph reports.
const (
	ActivityAvailable               Activity = "Available"
	ActivityAway                    Activity = "Away"
	ActivityBeRightBack             Activity = "BeRightBack"
	ActivityBusy                    Activity = "Busy"
	ActivityDoNotDisturb            Activity = "DoNotDisturb"
	ActivityInACall                 Activity = "InACall"
	ActivityInAConferenceCall       Activity = "InAConferenceCall"
	ActivityInactive                Activity = "Inactive"
	ActivityInAMeeting              Activity = "InAMeeting"
	ActivityOffline                 Activity = "Offline"
	ActivityOffWork                 Activity = "OffWork"
	ActivityOutOfOffice             Activity = "OutOfOffice"
	ActivityPresenceUnknown         Activity = "PresenceUnknown"
	ActivityPresenting              Activity = "Presenting"
	ActivityUrgentInterruptionsOnly Activity = "UrgentInterruptionsOnly"
)

// Presence is a user's Teams presence as Microsoft Graph reports it.
type Presence struct {
	// UserID is the user's Entra object id.
	UserID string
	// Availability is the user's base presence.
	Availability Availability
	// Activity is what the user is doing.
	Activity Activity
	// StatusMessage is the text of the status message the user set, if any.
	StatusMessage string
	// OutOfOffice says whether the user's automatic replies are on.
	OutOfOffice bool
}

// IsFree reports whether the user can take a call now: available (or
// available but idle), in no call, meeting or presentation, and not out of
// office.
func (p Presence) IsFree() bool {
	if p.OutOfOffice {
		return false
	}
	switch p.Availability {
	case AvailabilityAvailable, AvailabilityAvailableIdle:
	default:
		return false
	}
	switch p.Activity {
	case ActivityInACall, ActivityInAConferenceCall, ActivityInAMeeting, ActivityPresenting, ActivityOutOfOffice, ActivityOffWork:
		return false
	}
	return true
}
