package harness

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// workerdBin is the npm workerd at the repository root, or a skip.
func workerdBin(t *testing.T) string {
	bin, err := filepath.Abs("../../node_modules/.bin/workerd")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no workerd (npm ci at the repository root): %v", err)
	}
	return bin
}

func TestStartWorkerd(t *testing.T) {
	bin := workerdBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	wd, err := StartWorkerd(ctx, bin, "testdata/hello.capnp")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(wd.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "hello" || wd.Listen <= 0 {
		t.Fatalf("answer %q after listening in %v", body, wd.Listen)
	}
	// /proc counts CPU time in clock ticks (10 ms): a workerd that started
	// and answered within one reads 0 (it did in CI), so ask it more until
	// a tick has passed, for at most a few seconds of requests.
	meter := &CPUMeter{Pid: wd.Pid()}
	cpu, err := meter.MS()
	for deadline := time.Now().Add(5 * time.Second); err == nil && cpu <= 0 && time.Now().Before(deadline); cpu, err = meter.MS() {
		if res, err := http.Get(wd.URL); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	if err != nil || cpu <= 0 {
		t.Fatalf("workerd's CPU time %v ms, %v", cpu, err)
	}
	if kb, err := PeakRSSKB(wd.Pid()); err != nil || kb <= 0 {
		t.Fatalf("workerd's peak memory %v kB, %v", kb, err)
	}
	wd.Stop()
	select {
	case <-wd.Exited():
	default:
		t.Fatal("Stop returned before workerd exited")
	}
	if err := syscall.Kill(wd.Pid(), 0); err == nil {
		t.Fatal("workerd still runs after Stop")
	}
}

// A workerd that cannot start is an error with its own words, not a hang.
func TestStartWorkerdBadConfig(t *testing.T) {
	bin := workerdBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := StartWorkerd(ctx, bin, "testdata/missing.capnp")
	if err == nil || !strings.Contains(err.Error(), "exited before it listened") {
		t.Fatalf("got %v, want workerd's exit before listening", err)
	}
}

// Ending the context stops the workerd it started.
func TestStartWorkerdContext(t *testing.T) {
	bin := workerdBin(t)
	ctx, cancel := context.WithCancel(context.Background())
	wd, err := StartWorkerd(ctx, bin, "testdata/hello.capnp")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cancel()
	select {
	case <-wd.Exited():
	case <-time.After(10 * time.Second):
		wd.Stop()
		t.Fatal("workerd still runs 10 s after its context ended")
	}
}
