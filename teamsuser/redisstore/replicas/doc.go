// Package replicas holds the multi-replica test of the module (issue 16):
// replicas in separate processes — the test binary started again as each
// replica — that share nothing but a real redis-server, behind a
// round-robin reverse proxy on loopback, against the fakes' HTTP faces.
// It has no API.
package replicas
