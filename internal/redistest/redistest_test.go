package redistest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
)

// TestStartCluster: a one-node cluster that serves every slot, refusing a
// script whose keys fall in two slots (as every Redis Cluster does) and
// taking one whose keys share a hash tag; it serves again after Restart.
func TestStartCluster(t *testing.T) {
	ctx := context.Background()
	s := redistest.StartCluster(t)
	c := s.ClusterClient()
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	require.Equal(t, "v", c.Get(ctx, "k").Val())
	const script = "return redis.call('EXISTS', KEYS[1], KEYS[2])"
	err := c.Eval(ctx, script, []string{"a", "b"}).Err()
	require.ErrorContains(t, err, "CROSSSLOT")
	require.NoError(t, c.Eval(ctx, script, []string{"x:{a}", "y:{a}"}).Err())

	s.Restart()
	require.Eventually(t, func() bool { return c.Set(ctx, "k", "w", 0).Err() == nil }, 20*time.Second, 20*time.Millisecond,
		"the restarted node serves its slots")
	require.Equal(t, "w", c.Get(ctx, "k").Val())
}

func TestStartRestartStop(t *testing.T) {
	ctx := context.Background()
	s := redistest.Start(t)
	require.True(t, strings.HasPrefix(s.Addr(), "127.0.0.1:"), s.Addr())
	c := s.Client()
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	require.Equal(t, "v", c.Get(ctx, "k").Val())

	// A restart is a new, empty server on the same address: nothing
	// survives, and the same client reconnects.
	s.Restart()
	require.ErrorIs(t, c.Get(ctx, "k").Err(), redis.Nil)
	require.NoError(t, c.Set(ctx, "k", "w", 0).Err())

	s.Stop()
	require.Error(t, c.Ping(ctx).Err(), "a stopped server answers nothing")
	s.Stop() // twice is fine

	s.Restart()
	require.NoError(t, c.Ping(ctx).Err())

	// Two servers at once do not share a port.
	require.NotEqual(t, s.Addr(), redistest.Start(t).Addr())
}

// TestMissingServer runs TestHelperMissingServer in a child process with no
// redis-server to find: skipped with a message saying how to install it,
// and failed under CI=true.
func TestMissingServer(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMissingServer$", "-test.v")
		cmd.Env = append(os.Environ(), "PATH=/nonexistent", "TEAMSUSER_REDIS_SERVER=", "CI="+ci, "REDISTEST_HELPER=1")
		out, err := cmd.CombinedOutput()
		if ci == "true" {
			require.Error(t, err, "%s", out)
			require.Contains(t, string(out), "--- FAIL")
			require.Contains(t, string(out), "CI=true")
		} else {
			require.NoError(t, err, "%s", out)
			require.Contains(t, string(out), "--- SKIP")
		}
		require.Contains(t, string(out), "apt-get install redis-server")
	}
}

func TestHelperMissingServer(t *testing.T) {
	if os.Getenv("REDISTEST_HELPER") != "1" {
		t.Skip("run by TestMissingServer")
	}
	redistest.Start(t)
	t.Error("Start returned without a redis-server")
}
