package chat

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// UpdateOnlineMeeting changes an online meeting the signed-in user
// organizes (PATCH /me/onlineMeetings/{id},
// https://learn.microsoft.com/graph/api/onlinemeeting-update) and returns
// it as updated. update is checked (MeetingUpdate.Validate) before
// anything is sent. The PATCH is sent again only after 429, or 503 with
// Retry-After. Needs OnlineMeetings.ReadWrite.
func (c *Client) UpdateOnlineMeeting(ctx context.Context, meetingID string, update MeetingUpdate, opts *UpdateOnlineMeetingOptions) (_ UpdateOnlineMeetingResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.UpdateOnlineMeeting")
	defer func() { endSpan(err) }()
	if err := checkArg("meetingID", graphwire.CheckID(meetingID)); err != nil {
		return UpdateOnlineMeetingResponse{}, err
	}
	if err := update.Validate(); err != nil {
		return UpdateOnlineMeetingResponse{}, err
	}
	var w graphwire.OnlineMeeting
	if err := c.do(ctx, "update online meeting", http.MethodPatch, c.path("me", "onlineMeetings", meetingID), meetingUpdateToWire(update), &w); err != nil {
		return UpdateOnlineMeetingResponse{}, err
	}
	return UpdateOnlineMeetingResponse{Meeting: meetingFromWire(&w)}, nil
}

// DeleteOnlineMeeting deletes an online meeting the signed-in user
// organizes (DELETE /me/onlineMeetings/{id},
// https://learn.microsoft.com/graph/api/onlinemeeting-delete). Needs
// OnlineMeetings.ReadWrite.
func (c *Client) DeleteOnlineMeeting(ctx context.Context, meetingID string, opts *DeleteOnlineMeetingOptions) (_ DeleteOnlineMeetingResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.DeleteOnlineMeeting")
	defer func() { endSpan(err) }()
	if err := checkArg("meetingID", graphwire.CheckID(meetingID)); err != nil {
		return DeleteOnlineMeetingResponse{}, err
	}
	err = c.do(ctx, "delete online meeting", http.MethodDelete, c.path("me", "onlineMeetings", meetingID), nil, nil)
	return DeleteOnlineMeetingResponse{}, err
}

// CreateOrGetOnlineMeeting returns the online meeting of the signed-in
// user with this external id, creating it with opts when there is none
// (POST /me/onlineMeetings/createOrGet,
// https://learn.microsoft.com/graph/api/onlinemeeting-createorget: "the
// combination of tenantId, userId, and externalId serves as the identifier
// for a meeting with an external ID"). The external id (1 to
// MaxExternalIDBytes bytes of text) and opts are checked before anything
// is sent. Since a second call with the same external id returns the
// meeting the first made, the POST is retried like a read (after 5xx and
// broken connections too). Needs OnlineMeetings.ReadWrite.
func (c *Client) CreateOrGetOnlineMeeting(ctx context.Context, externalID string, opts *CreateOrGetOnlineMeetingOptions) (_ CreateOrGetOnlineMeetingResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.CreateOrGetOnlineMeeting")
	defer func() { endSpan(err) }()
	if err := checkArg("externalID", graphwire.CheckExternalID(externalID)); err != nil {
		return CreateOrGetOnlineMeetingResponse{}, err
	}
	if err := opts.Validate(); err != nil {
		return CreateOrGetOnlineMeetingResponse{}, err
	}
	var o CreateOrGetOnlineMeetingOptions
	if opts != nil {
		o = *opts
	}
	var w graphwire.OnlineMeeting
	status, err := c.doStatus(ctx, "create or get online meeting", http.MethodPost, c.path("me", "onlineMeetings", "createOrGet"), createOrGetToWire(externalID, o), &w)
	if err != nil {
		return CreateOrGetOnlineMeetingResponse{}, err
	}
	return CreateOrGetOnlineMeetingResponse{Meeting: meetingFromWire(&w), Created: status == http.StatusCreated}, nil
}

// ListAttendanceReports lists the attendance reports of an online meeting
// the signed-in user organizes, one per session that ended (GET
// /me/onlineMeetings/{id}/attendanceReports,
// https://learn.microsoft.com/graph/api/meetingattendancereport-list),
// without their records (the listing leaves them empty: read a report with
// GetAttendanceReport). The page documents no paging; an
// @odata.nextLink, should Graph send one, is followed (up to 100 pages;
// more is an error).
// Needs OnlineMeetingArtifact.Read.All.
func (c *Client) ListAttendanceReports(ctx context.Context, meetingID string, opts *ListAttendanceReportsOptions) (_ ListAttendanceReportsResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.ListAttendanceReports")
	defer func() { endSpan(err) }()
	if err := checkArg("meetingID", graphwire.CheckID(meetingID)); err != nil {
		return ListAttendanceReportsResponse{}, err
	}
	var out ListAttendanceReportsResponse
	err = listAll(ctx, c, "list attendance reports", c.path("me", "onlineMeetings", meetingID, "attendanceReports"), func(rs []graphwire.MeetingAttendanceReport) {
		out.Reports = append(out.Reports, convertAll(rs, attendanceReportFromWire)...)
	})
	if err != nil {
		return ListAttendanceReportsResponse{}, err
	}
	return out, nil
}

// GetAttendanceReport reads one attendance report of an online meeting the
// signed-in user organizes, with its attendance records (GET
// /me/onlineMeetings/{id}/attendanceReports/{id}?$expand=attendanceRecords,
// https://learn.microsoft.com/graph/api/meetingattendancereport-get).
// Needs OnlineMeetingArtifact.Read.All.
func (c *Client) GetAttendanceReport(ctx context.Context, meetingID, reportID string, opts *GetAttendanceReportOptions) (_ GetAttendanceReportResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetAttendanceReport")
	defer func() { endSpan(err) }()
	if err := checkArg("meetingID", graphwire.CheckID(meetingID)); err != nil {
		return GetAttendanceReportResponse{}, err
	}
	if err := checkArg("reportID", graphwire.CheckID(reportID)); err != nil {
		return GetAttendanceReportResponse{}, err
	}
	var w graphwire.MeetingAttendanceReport
	target := odataQuery{}.add("$expand", "attendanceRecords").on(c.path("me", "onlineMeetings", meetingID, "attendanceReports", reportID))
	if err := c.do(ctx, "get attendance report", http.MethodGet, target, nil, &w); err != nil {
		return GetAttendanceReportResponse{}, err
	}
	return GetAttendanceReportResponse{Report: attendanceReportFromWire(&w)}, nil
}
