package redisstore

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// newerThan60 are the command options and commands of Redis 6.2 and later
// that a script could use: Azure Cache for Redis's Basic, Standard and
// Premium tiers run Redis 6.0 (its REST API's redisVersion: "Supported
// versions: 4.0, 6.0 (latest)",
// https://learn.microsoft.com/rest/api/redis/redis/update), where a script
// using one fails with a syntax error or an unknown command.
var newerThan60 = []string{
	"PXAT", "EXAT", "GETDEL", "GETEX", "LMOVE", "BLMOVE", "BYSCORE", "BYLEX", "REV", "GT", "LT",
	"EXPIRETIME", "PEXPIRETIME", "SINTERCARD", "LMPOP", "ZMPOP", "BZMPOP", "ZRANGESTORE", "COPY",
	"SMISMEMBER", "ZINTER", "ZUNION", "ZDIFF", "ZRANDMEMBER", "HRANDFIELD", "GEOSEARCH", "SPUBLISH",
	"FCALL", "FUNCTION", "OBJECT", "LPOS",
}

// TestScriptsRunOnRedis60: no script of the store uses a command or an
// option newer than Redis 6.0, which the redis-server of the tests (7.x)
// would accept and Azure Cache for Redis would refuse. The chat record's
// script set its id key with SET ... PXAT (Redis 6.2).
func TestScriptsRunOnRedis60(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	script := regexp.MustCompile("(?s)redis\\.NewScript\\(`(.*?)`\\)")
	quoted := regexp.MustCompile(`'([A-Za-z]+)'`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range script.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, q := range quoted.FindAllStringSubmatch(m[1], -1) {
				for _, newer := range newerThan60 {
					if strings.EqualFold(q[1], newer) {
						t.Errorf("%s: a script uses %s, newer than Redis 6.0:\n%s", f, q[1], m[1])
					}
				}
			}
		}
	}
	if n < 9 {
		t.Fatalf("found %d scripts; the store has more: is the pattern still right?", n)
	}
}
