package fake

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// DefaultBaseURL is the Graph root the Go face writes into links.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// DefaultPageSize is the page size of listings without $top.
const DefaultPageSize = 20

// Options configure a Service. The zero value is usable.
type Options struct {
	// Clock is the service's time; nil means the system clock. Times are
	// kept in UTC with millisecond precision, as Graph reports them. Pass a
	// manual clock (identity/fake.NewClock) to move time by hand.
	Clock identity.Clock
	// BaseURL is the Graph root written into the links of the Go face
	// (NextLink, message web links); empty means DefaultBaseURL. The HTTP
	// face uses the host the request was sent to.
	BaseURL string
	// Entra, when set, lets the HTTP face accept the access tokens this fake
	// Entra issuer mints for Graph (audience https://graph.microsoft.com),
	// naming the user by their "oid"; users of the issuer unknown to the
	// service are added on first use. Tokens from TokenFor are accepted
	// either way.
	Entra *identityfake.Entra
	// WebhookClient sends subscription validations and change notifications;
	// nil means a client with a 10 s timeout. Pass an httptest TLS server's
	// Client to deliver over HTTPS.
	WebhookClient *http.Client
	// AllowRemoteWebhooks lets subscriptions name notification URLs on hosts
	// other than loopback (127.0.0.1, ::1, localhost). Off by default, so that
	// tests never reach beyond the machine.
	AllowRemoteWebhooks bool
	// MaxRequestLog bounds the request log kept for Requests; zero means
	// 10,000 (the oldest entries are dropped first).
	MaxRequestLog int
}

// Tenant is a tenant of the fake.
type Tenant struct {
	// ID is the tenant id.
	ID string
	// Name is the tenant's name, for example "Fabrikam".
	Name string
	// Domain is the tenant's domain, for example "fabrikam.onmicrosoft.com".
	Domain string
}

// User is a user of the fake.
type User struct {
	// ID is the user's Entra object id.
	ID string
	// TenantID is the user's home tenant.
	TenantID string
	// DisplayName is the user's display name.
	DisplayName string
	// UPN is the user principal name, also used as email address.
	UPN string
	// The rest of the profile GET /me and GET /users/{id} answer with
	// (user-get's default properties); an empty one reads as null.
	// AddUser sets GivenName and Surname from the display name and Mail
	// to the UPN; ImportUser keeps them as given.
	GivenName, Surname, Mail, JobTitle string
	BusinessPhone, MobilePhone         string
	OfficeLocation, PreferredLanguage  string
}

// Team is a team with channels.
type Team struct {
	// ID is the team's (group's) id.
	ID string
	// DisplayName is the team's name.
	DisplayName string
	// TenantID is the tenant of the team.
	TenantID string
}

// Channel is a channel of a team.
type Channel struct {
	// ID is the channel id (19:…@thread.tacv2).
	ID string
	// TeamID is the channel's team.
	TeamID string
	// DisplayName is the channel's name.
	DisplayName string
}

// Meeting is an online meeting with its chat.
type Meeting struct {
	chat.OnlineMeeting
	// TenantID is the organizer's tenant.
	TenantID string
}

// Service is one in-memory Graph chat service for many users and tenants.
// Its Go face is As (a chat.Service for one signed-in user); its HTTP face
// is Handler. Both work on the same state, inject the same faults and log
// to the same request log. A Service is safe for concurrent use; call Close
// to stop notification delivery.
type Service struct {
	opts    Options
	clk     identity.Clock
	now     func() time.Time // clk.Now
	baseURL string
	faults  fakekit.Faults
	log     fakekit.Log[Request]

	mu       sync.Mutex
	seq      int64
	tenants  map[string]*Tenant
	users    map[string]*User // by object id
	upns     map[string]*User // by lowercase UPN
	tokens   map[string]grant // by token
	chats    map[string]*chatState
	chatList []*chatState // in creation order
	oneOnOne map[[2]string]*chatState
	teams    map[string]*teamState
	meetings map[string]*meetingState  // by id
	presence map[string]*presenceState // by user object id; absent is Offline
	subs     map[string]*subscription
	closed   bool

	notify notifier
}

// grant is what a token of TokenFor stands for: the user and the
// delegated permissions granted.
type grant struct {
	user   string
	scopes []string
	app    string
}

type chatState struct {
	c       chat.Chat // without members
	seq     int64
	members []*memberState
	msgs    *msgList
	pins    []pin // pinned messages, oldest first (manage.go)
}

type memberState struct {
	m chat.Member
	// lastRead and hidden are the member's viewpoint of the chat
	// (readstate.go).
	lastRead time.Time
	hidden   bool
}

type teamState struct {
	t        Team
	members  map[string]bool
	channels map[string]*channelState
}

type channelState struct {
	ch   Channel
	msgs *msgList
}

type meetingState struct {
	m       Meeting
	chatID  string
	reports []chat.AttendanceReport // RecordAttendance's, in the order recorded
}

// view is the meeting as the fake hands it out: its attendees copied, so
// that a caller who changes them changes nothing of the fake's.
func (m *meetingState) view() chat.OnlineMeeting {
	o := m.m.OnlineMeeting
	o.Attendees = cloneSlice(o.Attendees)
	return o
}

// New returns an empty service. opts may be nil.
func New(opts *Options) *Service {
	s := &Service{
		tenants:  map[string]*Tenant{},
		users:    map[string]*User{},
		upns:     map[string]*User{},
		tokens:   map[string]grant{},
		chats:    map[string]*chatState{},
		oneOnOne: map[[2]string]*chatState{},
		teams:    map[string]*teamState{},
		meetings: map[string]*meetingState{},
		presence: map[string]*presenceState{},
		subs:     map[string]*subscription{},
	}
	if opts != nil {
		s.opts = *opts
	}
	s.clk = s.opts.Clock
	if s.clk == nil {
		s.clk = identity.SystemClock()
	}
	s.now = s.clk.Now
	s.baseURL = strings.TrimRight(s.opts.BaseURL, "/")
	if s.baseURL == "" {
		s.baseURL = DefaultBaseURL
	}
	s.log.SetMax(s.opts.MaxRequestLog)
	s.notify.init(s)
	return s
}

// Close stops the service: the delivery of change notifications stops
// (Close waits for it to end) and later requests fail on both faces (503 on
// the HTTP face), while inspection (Messages, Requests, ...) keeps working.
// Close is idempotent and returns nil.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.notify.close()
	return nil
}

// isClosed reports whether Close was called.
func (s *Service) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// errClosed is the answer to a request after Close.
var errClosed = &opError{status: http.StatusServiceUnavailable, code: graphwire.CodeUnavailable, msg: "The service is closed."}

// Clock returns the service's clock.
func (s *Service) Clock() identity.Clock { return s.clk }

// clock returns the current time as Graph stores it: UTC, milliseconds.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// guid returns a deterministic GUID-shaped id (the service's n-th).
func (s *Service) guidLocked(kind byte) string {
	s.seq++
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(s.seq*2654435761), uint16(kind)<<8|uint16(s.seq&0xff), s.seq&0xfff, uint16(kind)&0xfff, s.seq)
}

// AddTenant adds a tenant named name (its domain is "<name>.onmicrosoft.com").
func (s *Service) AddTenant(name string) Tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &Tenant{ID: s.guidLocked('t'), Name: name, Domain: domainOf(name)}
	s.tenants[t.ID] = t
	return *t
}

func domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		b.WriteString("tenant")
	}
	return b.String() + ".onmicrosoft.com"
}

// AddUser adds a user to the tenant tenantID; the UPN is made of the display
// name and the tenant's domain. It panics if the tenant was not added, which
// is a mistake in the test.
func (s *Service) AddUser(tenantID, displayName string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[tenantID]
	if !ok {
		panic("fake: AddUser: unknown tenant " + tenantID)
	}
	local := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(displayName)), " ", ".")
	if local == "" {
		local = "user"
	}
	upn := local + "@" + t.Domain
	for i := 2; s.upns[upn] != nil; i++ {
		upn = fmt.Sprintf("%s%d@%s", local, i, t.Domain)
	}
	given, surname, _ := strings.Cut(strings.TrimSpace(displayName), " ")
	u := &User{ID: s.guidLocked('u'), TenantID: tenantID, DisplayName: displayName, UPN: upn,
		GivenName: given, Surname: strings.TrimSpace(surname), Mail: upn}
	s.addUserLocked(u)
	return *u
}

// ImportUser adds a user with the given ids (for example a user of a fake
// Entra issuer). Its tenant is added if unknown. Importing a user again
// updates it.
func (s *Service) ImportUser(u User) error {
	if p := graphwire.CheckTeamID(u.ID); p != "" {
		return fmt.Errorf("fake: user id %s", p)
	}
	if p := graphwire.CheckTeamID(u.TenantID); p != "" {
		return fmt.Errorf("fake: tenant id %s", p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.importUserLocked(u)
	return nil
}

func (s *Service) importUserLocked(u User) {
	if _, ok := s.tenants[u.TenantID]; !ok {
		dom := ""
		if _, d, ok := strings.Cut(u.UPN, "@"); ok {
			dom = d
		}
		s.tenants[u.TenantID] = &Tenant{ID: u.TenantID, Name: dom, Domain: dom}
	}
	if old := s.users[u.ID]; old != nil {
		delete(s.upns, strings.ToLower(old.UPN))
	}
	uu := u
	s.addUserLocked(&uu)
}

func (s *Service) addUserLocked(u *User) {
	s.users[u.ID] = u
	if u.UPN != "" {
		s.upns[strings.ToLower(u.UPN)] = u
	}
}

// userLocked finds a user by object id (any case) or UPN.
func (s *Service) userLocked(idOrUPN string) *User {
	if u := s.users[idOrUPN]; u != nil {
		return u
	}
	if uuid.IsGUID(idOrUPN) {
		return s.users[strings.ToLower(idOrUPN)]
	}
	return s.upns[strings.ToLower(idOrUPN)]
}

// User returns the user with this object id or UPN.
func (s *Service) User(idOrUPN string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userLocked(idOrUPN); u != nil {
		return *u, true
	}
	return User{}, false
}

// TokenFor returns a bearer token with which the HTTP face accepts requests
// as the user userID (an object id or UPN), granted the delegated
// permissions scopes ("Chat.Read", "ChatMessage.Send", …; none means
// DefaultScopes): a request that needs a permission the token lacks is 403,
// as Graph answers it. Each call mints a new token, shaped as a delegated
// Graph access token (a JWT of audience https://graph.microsoft.com with
// the user's "oid", "tid", "upn" and "name", the permissions in "scp", an
// hour's "exp") and signed by the fakes' test token issuer; the fake
// accepts it until RevokeTokens, whatever the clock says. It panics for an
// unknown user, which is a mistake in the test.
func (s *Service) TokenFor(userID string, scopes ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(userID)
	if u == nil {
		panic("fake: TokenFor: unknown user " + userID)
	}
	granted := grantedScopes(scopes)
	now := s.now().Truncate(time.Second)
	tok, err := graphTokens().Sign(map[string]any{
		"aud":   graphAudience,
		"iss":   "https://sts.windows.net/" + u.TenantID + "/",
		"tid":   u.TenantID,
		"oid":   u.ID,
		"upn":   u.UPN,
		"name":  u.DisplayName,
		"scp":   strings.Join(granted, " "),
		"appid": ApplicationID,
		"iat":   now.Unix(),
		"nbf":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"uti":   uuid.New(),
		"ver":   "1.0",
	})
	if err != nil {
		panic("fake: TokenFor: " + err.Error()) // only a broken key fails
	}
	s.tokens[tok] = grant{user: u.ID, scopes: granted, app: ApplicationID}
	return tok
}

// graphTokens signs the tokens of TokenFor. The HTTP face accepts only the
// tokens its own service minted (Service.tokens), so every service of the
// process can sign with the same key.
var graphTokens = sync.OnceValue(func() *fakekit.Issuer { return fakekit.NewIssuer(fakekit.SharedKey(), "fakegraph") })

// CredentialFor returns a credential that signs the real chat client in to
// the HTTP face as the user userID, granted scopes (none means
// DefaultScopes): it serves one TokenFor token (valid until RevokeTokens;
// reported as expiring an hour after each call). It panics for an unknown
// user, like TokenFor.
func (s *Service) CredentialFor(userID string, scopes ...string) azcore.TokenCredential {
	return fakeCredential(s.TokenFor(userID, scopes...))
}

type fakeCredential string

func (c fakeCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(c), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// RevokeTokens makes every token TokenFor minted for the user invalid.
func (s *Service) RevokeTokens(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, g := range s.tokens {
		if g.user == userID {
			delete(s.tokens, tok)
		}
	}
}

// AddTeam adds a team of the tenant of its first member, with the given
// members (object ids) and a "General" channel.
func (s *Service) AddTeam(displayName string, memberIDs ...string) (Team, Channel) {
	s.mu.Lock()
	t := &teamState{members: map[string]bool{}, channels: map[string]*channelState{}}
	t.t = Team{ID: s.guidLocked('g'), DisplayName: displayName}
	for _, id := range memberIDs {
		u := s.userLocked(id)
		if u == nil {
			s.mu.Unlock()
			panic("fake: AddTeam: unknown user " + id)
		}
		if t.t.TenantID == "" {
			t.t.TenantID = u.TenantID
		}
		t.members[u.ID] = true
	}
	s.teams[t.t.ID] = t
	s.mu.Unlock()
	return t.t, s.AddChannel(t.t.ID, "General")
}

// AddTeamMember adds a user to a team.
func (s *Service) AddTeamMember(teamID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.teams[teamID]; t != nil {
		if u := s.userLocked(userID); u != nil {
			t.members[u.ID] = true
		}
	}
}

// AddChannel adds a channel to a team. It panics for an unknown team.
func (s *Service) AddChannel(teamID, displayName string) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.teams[teamID]
	if t == nil {
		panic("fake: AddChannel: unknown team " + teamID)
	}
	s.seq++
	id := fmt.Sprintf("19:%032x@thread.tacv2", uint64(s.seq)*0x9e3779b97f4a7c15)
	ch := &channelState{ch: Channel{ID: id, TeamID: teamID, DisplayName: displayName}, msgs: newMsgList()}
	t.channels[id] = ch
	return ch.ch
}

// AddMeeting creates an online meeting organized by organizerID, starting
// now and lasting an hour, with its meeting chat (of which the organizer and
// the attendees are members).
func (s *Service) AddMeeting(organizerID, subject string, attendeeIDs ...string) Meeting {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.userLocked(organizerID)
	if org == nil {
		panic("fake: AddMeeting: unknown organizer " + organizerID)
	}
	return s.createMeetingLocked(org, subject, time.Time{}, time.Time{}, attendeeIDs, "").m
}

func (s *Service) newChatLocked(id string, typ chat.ChatType, topic, tenantID string, now time.Time) *chatState {
	s.seq++
	c := &chatState{seq: s.seq, msgs: newMsgList()}
	c.c = chat.Chat{
		ID:            id,
		Type:          typ,
		Topic:         topic,
		CreatedAt:     now,
		LastUpdatedAt: now,
		WebURL:        "https://teams.microsoft.com/l/chat/" + url.PathEscape(id) + "/0?tenantId=" + tenantID,
		TenantID:      tenantID,
	}
	s.chats[id] = c
	s.chatList = append(s.chatList, c)
	return c
}

func (s *Service) addMemberLocked(c *chatState, u *User, roles []string, visibleFrom, now time.Time) *memberState {
	for _, m := range c.members {
		if m.m.UserID == u.ID {
			return m
		}
	}
	if roles == nil {
		roles = []string{chat.RoleOwner}
	}
	m := &memberState{m: chat.Member{
		ID:                    base64.RawURLEncoding.EncodeToString([]byte("1#" + c.c.ID + "#" + u.ID)),
		UserID:                u.ID,
		DisplayName:           u.DisplayName,
		Email:                 u.UPN,
		Roles:                 append([]string(nil), roles...),
		TenantID:              u.TenantID,
		VisibleHistoryStartAt: visibleFrom,
	}, lastRead: now}
	c.members = append(c.members, m)
	c.c.LastUpdatedAt = now
	return m
}

func (c *chatState) member(userID string) *memberState {
	for _, m := range c.members {
		if m.m.UserID == userID {
			return m
		}
	}
	return nil
}

func (c *chatState) view(withMembers bool) chat.Chat {
	v := c.c
	if withMembers {
		v.Members = make([]chat.Member, len(c.members))
		for i, m := range c.members {
			v.Members[i] = m.m
			v.Members[i].Roles = cloneSlice(m.m.Roles)
		}
	}
	return v
}

// Seeded is the cast of a seeded service: the Fabrikam tenant with four
// users, a team with a channel, and a meeting with its chat.
type Seeded struct {
	// Tenant is Fabrikam.
	Tenant Tenant
	// Alice, Bob and Carol are users of Fabrikam; Dave is a user of
	// Fabrikam who is in no chat, team or meeting.
	Alice, Bob, Carol, Dave User
	// Team has Alice and Bob as members (not Carol); Channel is its
	// "General" channel.
	Team    Team
	Channel Channel
	// Meeting is organized by Alice with Bob attending; its chat has both as
	// members (not Carol).
	Meeting Meeting
}

// Seed fills the service with the Seeded cast and returns it.
func (s *Service) Seed() Seeded {
	var sd Seeded
	sd.Tenant = s.AddTenant("Fabrikam")
	sd.Alice = s.AddUser(sd.Tenant.ID, "Alice Archer")
	sd.Bob = s.AddUser(sd.Tenant.ID, "Bob Baker")
	sd.Carol = s.AddUser(sd.Tenant.ID, "Carol Cruz")
	sd.Dave = s.AddUser(sd.Tenant.ID, "Dave Dunn")
	sd.Team, sd.Channel = s.AddTeam("Fabrikam Ops", sd.Alice.ID, sd.Bob.ID)
	sd.Meeting = s.AddMeeting(sd.Alice.ID, "Fabrikam review", sd.Bob.ID)
	return sd
}

// NewSeeded returns a new service filled by Seed.
func NewSeeded(opts *Options) (*Service, Seeded) {
	s := New(opts)
	return s, s.Seed()
}

// Messages returns every message of a chat as stored (soft-deleted ones
// with their body), oldest first, for tests to inspect what was sent.
func (s *Service) Messages(chatID string) []chat.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	return storedMessages(c.msgs)
}

// ChannelMessages returns every top-level message of a channel as stored,
// oldest first.
func (s *Service) ChannelMessages(teamID, channelID string) []chat.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.teams[teamID]; t != nil {
		if ch := t.channels[channelID]; ch != nil {
			return storedMessages(ch.msgs)
		}
	}
	return nil
}

func storedMessages(l *msgList) []chat.Message {
	out := make([]chat.Message, len(l.byCreated))
	for i, st := range l.byCreated {
		out[i] = st.m
		out[i].Mentions = cloneSlice(st.m.Mentions)
		out[i].Reactions = cloneSlice(st.m.Reactions)
		for _, h := range st.hosted {
			out[i].HostedContents = append(out[i].HostedContents, chat.HostedContent{ID: h.id, ContentType: h.contentType, Data: append([]byte(nil), h.data...)})
		}
	}
	return out
}

// Chats returns every chat of the service with its members, in creation
// order.
func (s *Service) Chats() []chat.Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]chat.Chat, len(s.chatList))
	for i, c := range s.chatList {
		out[i] = c.view(true)
	}
	return out
}

// Post sends a text message to a chat as the user asUser, as another Teams
// user would from their client (no faults, no request log). It is how a
// test makes the other side of a conversation speak.
func (s *Service) Post(asUser, chatID, text string) (chat.Message, error) {
	return s.PostMessage(asUser, chatID, chat.TextMessage(text))
}

// PostMessage is Post with a full message.
func (s *Service) PostMessage(asUser, chatID string, msg chat.NewMessage) (chat.Message, error) {
	if err := msg.Validate(); err != nil {
		return chat.Message{}, err
	}
	m, oe := s.sendMessage(asUser, chatID, msg)
	if oe != nil {
		return chat.Message{}, s.goError(oe, "")
	}
	return m, nil
}

// sortedKeys is a helper for deterministic iteration in tests.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
