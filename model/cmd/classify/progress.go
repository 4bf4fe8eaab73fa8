package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// progress draws a one-line bar on a terminal: done/total, images/s and
// the time left. Only files classified in this run count towards the
// rate; rows kept by -resume count as done.
type progress struct {
	w     io.Writer
	total atomic.Int64 // -1 while unknown
	done  atomic.Int64
	fresh atomic.Int64 // classified in this run
	start time.Time
	stop  chan struct{}
	quit  chan struct{}
}

// isTerminal reports whether f is a character device (a terminal), the
// only place a redrawn bar makes sense.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func startProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), stop: make(chan struct{}), quit: make(chan struct{})}
	p.total.Store(-1)
	go func() {
		defer close(p.quit)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\x1b[K")
				return
			case <-t.C:
				fmt.Fprint(p.w, "\r\x1b[K"+p.line(time.Since(p.start)))
			}
		}
	}()
	return p
}

// end clears the bar.
func (p *progress) end() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.quit
}

func (p *progress) line(elapsed time.Duration) string {
	return progressLine(p.done.Load(), p.total.Load(), p.fresh.Load(), elapsed)
}

// progressLine formats the bar: [#####.....] done/total, rate, ETA.
func progressLine(done, total, fresh int64, elapsed time.Duration) string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(fresh) / s
	}
	if total < 0 {
		return fmt.Sprintf("%d done  %.1f img/s", done, rate)
	}
	const width = 30
	filled := width
	if total > 0 {
		filled = int(min(done, total) * width / total)
	}
	eta := "--:--"
	if rate > 0 && total >= done {
		eta = clock(time.Duration(float64(total-done) / rate * float64(time.Second)))
	}
	return fmt.Sprintf("[%s%s] %d/%d  %.1f img/s  ETA %s",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total, rate, eta)
}

// clock writes d as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
