package main

import (
	"fmt"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
)

// stages records how far one request got, so that a request that fails
// says where: never connected, connected but not fully sent, or sent and
// never answered.
type stages struct {
	t0 time.Time

	mu        sync.Mutex // the trace hooks may run on the transport's goroutines
	attempts  int        // connections the request was sent on: 2 after the transport's own retry
	connected time.Duration
	local     string
	written   time.Duration
	writeErr  error
	firstByte time.Duration
}

func (s *stages) trace() *httptrace.ClientTrace {
	since := func(d *time.Duration) {
		s.mu.Lock()
		*d = time.Since(s.t0)
		s.mu.Unlock()
	}
	return &httptrace.ClientTrace{
		GotConn: func(ci httptrace.GotConnInfo) {
			since(&s.connected)
			s.mu.Lock()
			s.attempts++
			s.local = ci.Conn.LocalAddr().String()
			s.mu.Unlock()
		},
		WroteRequest: func(wi httptrace.WroteRequestInfo) {
			since(&s.written)
			s.mu.Lock()
			s.writeErr = wi.Err
			s.mu.Unlock()
		},
		GotFirstResponseByte: func() { since(&s.firstByte) },
	}
}

// retried reports whether the transport sent the request a second time
// (a kept-alive connection the server had closed; see idempotent).
func (s *stages) retried() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts > 1
}

func (s *stages) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.connected == 0:
		return "never connected"
	case s.written == 0:
		return fmt.Sprintf("connected from %s after %.0f ms, request not fully written", s.local, harness.MS(s.connected))
	case s.writeErr != nil:
		return fmt.Sprintf("connected from %s after %.0f ms, writing failed after %.0f ms: %v", s.local, harness.MS(s.connected), harness.MS(s.written), s.writeErr)
	case s.firstByte == 0:
		return fmt.Sprintf("connected from %s after %.0f ms, request written after %.0f ms, no byte of an answer", s.local, harness.MS(s.connected), harness.MS(s.written))
	}
	return fmt.Sprintf("connected from %s after %.0f ms, written after %.0f ms, first answer byte after %.0f ms", s.local, harness.MS(s.connected), harness.MS(s.written), harness.MS(s.firstByte))
}
