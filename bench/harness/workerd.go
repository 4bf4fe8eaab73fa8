package harness

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Workerd is a workerd started by StartWorkerd.
type Workerd struct {
	*Process
	URL    string        // http://127.0.0.1:PORT
	Listen time.Duration // process start until the socket accepted a connection
}

// StartWorkerd starts bin (workerd) serving config on a free loopback port
// and returns once the port accepts connections. ctx ending stops it; so
// does Stop. A workerd that exits before it listens is an error carrying
// its output.
func StartWorkerd(ctx context.Context, bin, config string) (*Workerd, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	t0 := time.Now()
	p, err := Start("", nil, bin, "serve", config, "--socket-addr", "http="+addr)
	if err != nil {
		return nil, fmt.Errorf("workerd: %w", err)
	}
	go func() {
		select {
		case <-ctx.Done():
			p.Stop()
		case <-p.Exited():
		}
	}()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-p.Exited():
			return nil, fmt.Errorf("workerd exited before it listened on %s: %s", addr, p.Out.String())
		case <-ctx.Done():
			p.Stop()
			return nil, fmt.Errorf("workerd never listened on %s: %w", addr, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return &Workerd{Process: p, URL: "http://" + addr, Listen: time.Since(t0)}, nil
}
