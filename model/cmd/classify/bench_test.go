package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBatch is the batch classifier's throughput on the 600 real
// 424x424 Galaxy Zoo JPEGs of ../shared/.../validation, written as CSV to a
// file: one worker (the reference), then one per core. make bench-classify
// runs it; images/s is the figure to read on a quiet machine, cpu-ms/image
// (user+system time of the process) the one that survives a shared one.
func BenchmarkBatch(b *testing.B) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "data", "gz-challenge-spiral", "validation")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.jpg"))
	if len(files) == 0 {
		b.Fatalf("no images under %s (the repository expects shared/ beside it)", dir)
	}
	list := writeList(b, files)
	for _, j := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("j=%d", j), func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "out.csv")
			cpu0 := cpuTime()
			for b.Loop() {
				var stderr strings.Builder
				if code := run([]string{"-o", out, "-j", fmt.Sprint(j), "-list", list}, nil, io.Discard, &stderr); code != exitOK {
					b.Fatalf("exit %d\n%s", code, stderr.String())
				}
			}
			b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(len(files)*b.N), "cpu-ms/image")
		})
	}
}
