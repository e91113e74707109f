// Package redistest starts a real redis-server for the module's tests: its
// own process on a free loopback port, with no persistence (no snapshots,
// no append-only file) and a temporary working directory, stopped when the test
// ends. It never uses a Redis the machine already runs.
//
// Where redis-server is not installed the test is skipped with a message
// saying how to install it (Debian: apt-get install redis-server), except
// under CI (CI=true), where a skip would hide the Redis tests: there it
// fails. The binary is found on PATH, or at the path in
// TEAMSUSER_REDIS_SERVER.
//
// It imports no public package of the module.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a started redis-server may take to answer
// PING. It is a limit on waiting for a process, not a test assertion.
const startTimeout = 20 * time.Second

// Server is a redis-server process started for one test.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	addr string

	cluster bool // started by StartCluster

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
}

// Binary returns the path of redis-server, or "" when it is not installed.
func Binary() string {
	if p := os.Getenv("TEAMSUSER_REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		return ""
	}
	return p
}

// Start starts a redis-server on a free loopback port and stops it when the
// test ends. It skips the test when redis-server is not installed, and fails
// it instead when the environment variable CI is "true".
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartCluster starts a redis-server as Start does, in cluster mode, as the
// one node of a cluster that serves every hash slot: a command or script
// whose keys fall in different slots fails with CROSSSLOT, as on Azure
// Cache for Redis clustered or any Redis Cluster. Connect with
// ClusterClient. Restart brings it back with its slots (the node's
// configuration file is kept in its directory) and no data.
func StartCluster(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, cluster bool) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		const msg = "redis-server is not installed, so the tests against a real Redis cannot run: " +
			"install it (Debian, Ubuntu: apt-get install redis-server) or set TEAMSUSER_REDIS_SERVER to its path"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: the Redis tests must run)")
		}
		t.Skip(msg)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), cluster: cluster}
	var err error
	for range 5 { // another process may take the free port first
		if s.port, err = freePort(); err != nil {
			break
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Addr returns the server's host:port on 127.0.0.1; it stays the same
// across Restart.
func (s *Server) Addr() string { return s.addr }

// Client returns a new client of the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// ClusterClient returns a new cluster client of a server started by
// StartCluster, closed when the test ends.
func (s *Server) ClusterClient() *redis.ClusterClient {
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{s.addr}})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop kills the server, as a crash or a failover would: no data survives
// (the server keeps none on disk) and connected clients see their
// connections drop. Stop is safe to call more than once.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

// Restart kills the server if it runs and starts a new one on the same
// address, empty. The test fails if it cannot.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	s.stopLocked()
	s.mu.Unlock()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd, s.exited = nil, nil
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	logFile := filepath.Join(s.dir, "redis.log")
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--logfile", logFile,
		"--daemonize", "no",
	}
	if s.cluster {
		args = append(args, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	setParentDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { // the one Wait of the process; it ends when the process does
		_ = cmd.Wait()
		close(exited)
	}()
	err := waitReady(s.addr, exited)
	if err == nil && s.cluster {
		err = serveAllSlots(s.addr)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		<-exited
		out, _ := os.ReadFile(logFile)
		return fmt.Errorf("%s on %s: %w; its log:\n%s", filepath.Base(s.bin), s.addr, err, tail(string(out)))
	}
	s.cmd, s.exited = cmd, exited
	return nil
}

// waitReady waits until the server answers PING, it exits, or startTimeout
// passes.
func waitReady(addr string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := c.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering PING")
		case <-ctx.Done():
			return fmt.Errorf("no answer to PING within %v", startTimeout)
		case <-tick.C:
		}
	}
}

// serveAllSlots gives the one node of a cluster every hash slot (unless it
// has them from its configuration file) and waits until the cluster says
// it is ok.
func serveAllSlots(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil && !strings.Contains(err.Error(), "busy") {
		return fmt.Errorf("cluster addslotsrange: %w", err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster_state not ok within %v: %v", startTimeout, err)
		case <-tick.C:
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
