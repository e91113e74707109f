// Package jsonscan reads JSON from a byte slice without reflection, for the
// decoders of the module's hot paths (callback events, identifiers).
//
// It is a fast path, not a second JSON decoder: it accepts only input that
// encoding/json accepts, and whatever it does not handle the way
// encoding/json would — any syntax error, an escaped member name, a number
// that is not a 32-bit integer where one is read, a value of another JSON
// type than the one read, nesting deeper than encoding/json allows — marks
// the Scanner failed. A caller whose Scanner failed decodes the same input
// again with encoding/json and returns what that gives, results and errors
// alike, so the two paths cannot disagree on anything but speed; each
// caller checks that with a fuzz test comparing both.
//
// Strings without escapes in valid UTF-8 are read directly; others are
// unquoted by encoding/json itself.
package jsonscan

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// maxDepth is encoding/json's limit on nesting; deeper input fails.
const maxDepth = 10000

// Scanner reads one JSON value from a byte slice. The zero Scanner reads
// nothing; use New. A Scanner is a small value: copy it to try a read and
// go back to the copy if the read fails (see Failed).
type Scanner struct {
	data   []byte
	pos    int
	depth  int // objects and arrays open
	failed bool
}

// New returns a Scanner at the start of data.
func New(data []byte) Scanner { return Scanner{data: data} }

// Failed reports whether a read failed: the input is not JSON, or not what
// the caller read it as, or not something this package reads like
// encoding/json. Every read after a failure fails too.
func (s *Scanner) Failed() bool { return s.failed }

// Pos returns the offset of the next byte to read.
func (s *Scanner) Pos() int { return s.pos }

// Bytes returns data[from:to] of the Scanner's input.
func (s *Scanner) Bytes(from, to int) []byte { return s.data[from:to] }

func (s *Scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek returns the first byte of the next value (after white space): '{',
// '[', '"', 't', 'f', 'n', '-' or a digit for valid input; 0 at the end of
// the input or after a failure.
func (s *Scanner) Peek() byte {
	if s.failed {
		return 0
	}
	s.skipSpace()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// End reads the end of the input: only white space may follow the value
// read. It reports whether the whole input was read without a failure.
func (s *Scanner) End() bool {
	s.skipSpace()
	if s.pos != len(s.data) {
		s.failed = true
	}
	return !s.failed
}

// Null reads a null if the next value is one, and reports whether it was.
func (s *Scanner) Null() bool {
	if s.Peek() != 'n' {
		return false
	}
	s.literal("null")
	return !s.failed
}

func (s *Scanner) literal(lit string) {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		s.failed = true
		return
	}
	s.pos += len(lit)
}

// Object starts reading an object: it reads '{' and reports whether the
// object has a first member (then read its name with Key). The caller
// loops with More:
//
//	for ok := s.Object(); ok; ok = s.More() {
//		switch string(s.Key()) { ... }
//	}
func (s *Scanner) Object() bool { return s.open('{', '}') }

// open reads the opening of an object or array and reports whether it has
// a first member or element.
func (s *Scanner) open(opening, closing byte) bool {
	if s.Peek() != opening {
		s.failed = true
		return false
	}
	if s.depth++; s.depth > maxDepth {
		s.failed = true
		return false
	}
	s.pos++
	if s.Peek() == closing {
		s.pos++
		s.depth--
		return false
	}
	return !s.failed
}

// next reads what follows a member or an element: a comma (true) or the
// closing brace or bracket (false).
func (s *Scanner) next(closing byte) bool {
	switch s.Peek() {
	case ',':
		s.pos++
		return true
	case closing:
		s.pos++
		s.depth--
		return false
	}
	s.failed = true
	return false
}

// More reads what follows an object's member: a comma (true: read the next
// member's name with Key) or the closing brace (false).
func (s *Scanner) More() bool { return s.next('}') }

// Key reads a member's name and the colon after it. A name with escapes
// fails (encoding/json reads it unescaped; a caller would have to match it
// as such). The bytes point into the input.
func (s *Scanner) Key() []byte {
	quoted, special := s.Name()
	if special {
		s.failed = true
	}
	if s.failed {
		return nil
	}
	return quoted[1 : len(quoted)-1]
}

// Name reads a member's name and the colon after it, and returns the name
// as written, quotes included, and whether it has escapes or bytes that
// are not valid UTF-8 (unquote it with encoding/json then). The bytes
// point into the input.
func (s *Scanner) Name() (quoted []byte, special bool) {
	if s.Peek() != '"' {
		s.failed = true
		return nil, false
	}
	start := s.pos
	_, special = s.str()
	quoted = s.data[start:s.pos]
	if s.Peek() != ':' {
		s.failed = true
		return nil, false
	}
	s.pos++
	return quoted, special
}

// Array starts reading an array: it reads '[' and reports whether the
// array has a first element. The caller loops with Next.
func (s *Scanner) Array() bool { return s.open('[', ']') }

// Next reads what follows an array's element: a comma (true) or the
// closing bracket (false).
func (s *Scanner) Next() bool { return s.next(']') }

// plain marks the bytes a string holds as they are: printable ASCII other
// than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string at s.pos (its opening quote) and returns its bytes
// between the quotes and whether they hold escapes or bytes that are not
// valid UTF-8 (which encoding/json replaces). It fails on control
// characters, bad escapes and a missing closing quote.
func (s *Scanner) str() (b []byte, special bool) {
	start := s.pos + 1
	i := start
	nonASCII := false
	for i < len(s.data) {
		c := s.data[i]
		switch {
		case plain[c]:
			i++
		case c == '"':
			s.pos = i + 1
			b = s.data[start:i]
			return b, special || nonASCII && !utf8.Valid(b)
		case c == '\\':
			special = true
			if i+1 >= len(s.data) {
				s.failed = true
				return nil, true
			}
			switch s.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s.data) || !isHex(s.data[i+2]) || !isHex(s.data[i+3]) || !isHex(s.data[i+4]) || !isHex(s.data[i+5]) {
					s.failed = true
					return nil, true
				}
				i += 6
			default:
				s.failed = true
				return nil, true
			}
		case c < 0x20:
			s.failed = true
			return nil, true
		default: // 0x80 and above
			nonASCII = true
			i++
		}
	}
	s.failed = true
	return nil, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// StringBytes reads a string (null reads as nil): its bytes, pointing
// into the input when the string has no escapes and is valid UTF-8, or
// unquoted by encoding/json into a new slice otherwise.
func (s *Scanner) StringBytes() []byte {
	switch s.Peek() {
	case '"':
	case 'n':
		s.literal("null")
		return nil
	default:
		s.failed = true
		return nil
	}
	start := s.pos
	b, special := s.str()
	if s.failed || !special {
		return b
	}
	var out string
	if json.Unmarshal(s.data[start:s.pos], &out) != nil {
		s.failed = true
		return nil
	}
	return []byte(out)
}

// String reads a string (null reads as ""), as StringBytes does.
func (s *Scanner) String() string { return string(s.StringBytes()) }

// Int32 reads an integer that fits in 32 bits (null reads as 0). A number
// with a fraction or an exponent, or out of range, fails: encoding/json
// refuses it for an int32.
func (s *Scanner) Int32() int32 {
	switch c := s.Peek(); {
	case c == 'n':
		s.literal("null")
		return 0
	case c != '-' && (c < '0' || c > '9'):
		s.failed = true
		return 0
	}
	start := s.pos
	if !s.number() {
		s.failed = true
		return 0
	}
	b := s.data[start:s.pos]
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
		if n > 1<<31 {
			s.failed = true
			return 0
		}
	}
	if neg {
		n = -n
	}
	if n > 1<<31-1 {
		s.failed = true
		return 0
	}
	return int32(n)
}

// number reads a number and reports whether it is an integer (no
// fraction, no exponent); it fails on what is not a JSON number.
func (s *Scanner) number() (integer bool) {
	d, i := s.data, s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		s.failed = true
		return false
	}
	integer = true
	if i < len(d) && d[i] == '.' {
		integer = false
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.failed = true
			return false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		integer = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.failed = true
			return false
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return integer
}

// Bool reads true or false (null reads as false).
func (s *Scanner) Bool() bool {
	switch s.Peek() {
	case 't':
		s.literal("true")
		return !s.failed
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		s.failed = true
	}
	return false
}

// Skip reads a value of any type and returns its bytes, pointing into the
// input.
func (s *Scanner) Skip() []byte {
	if s.Peek() == 0 {
		s.failed = true
		return nil
	}
	start := s.pos
	s.skip()
	if s.failed {
		return nil
	}
	return s.data[start:s.pos]
}

func (s *Scanner) skip() {
	switch c := s.Peek(); {
	case c == '{':
		for ok := s.Object(); ok; ok = s.More() {
			if s.Peek() != '"' {
				s.failed = true
				return
			}
			s.str() // escapes are fine here: the name is not matched
			if s.Peek() != ':' {
				s.failed = true
				return
			}
			s.pos++
			s.skip()
		}
	case c == '[':
		for ok := s.Array(); ok; ok = s.Next() {
			s.skip()
		}
	case c == '"':
		s.str()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		s.number()
	default:
		s.failed = true
	}
}

// Members reads an object of the members names: read reads the value of
// the member name, one of names, and reports whether it could (false fails
// the Scanner); other members are skipped. It fails on members encoding/json
// would read otherwise than by their exact name: a member named like one of
// names but in another case (encoding/json matches it to the field), one
// with escapes in its name, and a repeated one (encoding/json decodes it
// into the value the first one left). At most 64 names.
func (s *Scanner) Members(names []string, read func(name string) bool) bool {
	var seen uint64
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		i := 0
		for i < len(names) && names[i] != string(k) {
			i++
		}
		switch {
		case i == len(names):
			if foldsTo(k, names...) {
				s.failed = true
			}
			s.Skip()
		case seen&(1<<i) != 0:
			s.failed = true
		default:
			seen |= 1 << i
			if !read(names[i]) {
				s.failed = true
			}
		}
	}
	return !s.failed
}

// foldsTo reports whether key equals one of names without regard to case,
// as encoding/json matches member names to fields when no name matches
// exactly.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}
