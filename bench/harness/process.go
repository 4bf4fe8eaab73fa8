package harness

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Tail keeps the last bytes written to it: enough of a child's output to
// explain a failure, never an unbounded buffer.
type Tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailBytes = 8 << 10

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Process is a started child in its own process group, so that stopping
// it stops what it started (Node's own children, a browser).
type Process struct {
	Cmd *exec.Cmd
	Out *Tail // the last of its stdout and stderr together

	exited chan struct{}
	err    error // Wait's result, set before exited is closed
}

// Start starts name with args in dir (the current folder for ""), with env
// added to this process's environment.
func Start(dir string, env []string, name string, args ...string) (*Process, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, so Stop reaches what it starts; and SIGTERM
	// when this process dies, so that an interrupted test or benchmark
	// leaves no workerd or Node behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	p := &Process{Cmd: cmd, Out: &Tail{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.Out, p.Out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Waited for at once, so that a child that dies early (a bad
	// configuration, a taken port) is noticed instead of polled.
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Pid is the child's process id.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Exited is closed once the child has exited and been waited for; its
// output in Out is complete then.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Wait waits for the child to exit and returns how it ended; when ctx ends
// first the child is stopped.
func (p *Process) Wait(ctx context.Context) error {
	select {
	case <-p.exited:
		return p.err
	case <-ctx.Done():
		p.Stop()
		return fmt.Errorf("%s: %w", filepath.Base(p.Cmd.Path), ctx.Err())
	}
}

// Stop asks the process group to end (SIGTERM lets Node close the browsers
// it launched), kills it after a grace period, and waits for it.
func (p *Process) Stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	pid := p.Pid()
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-p.exited
	}
}

// FreePort is a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
