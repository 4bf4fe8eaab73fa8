package harness

import (
	"os"
	"testing"
)

// utime and stime are read after the command name, however odd the name.
func TestParseStatMS(t *testing.T) {
	line := []byte("4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 123 456 789")
	ms, err := parseStatMS(line, 100)
	if err != nil || ms != 3000 {
		t.Fatalf("%v ms, %v; want 3000 (300 ticks at 100 per second)", ms, err)
	}
	if _, err := parseStatMS([]byte("4242 (x) S 1 2"), 100); err == nil {
		t.Fatal("a short line was read")
	}
}

// The main thread's stat file is found and read, and it has spent no
// more CPU than the whole process.
func TestMainThreadMS(t *testing.T) {
	c := &CPUMeter{Pid: os.Getpid()}
	m, err := c.MainThreadMS()
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.MS()
	if err != nil {
		t.Fatal(err)
	}
	if m > p {
		t.Fatalf("main thread %v ms, process %v ms", m, p)
	}
}
