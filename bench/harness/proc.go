package harness

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// CPUMeter reads a process's CPU time, user plus system, all threads.
type CPUMeter struct {
	Pid int
	tck float64
}

// MS is the process's CPU time so far in milliseconds, from fields 14 and
// 15 of /proc/PID/stat (clock ticks).
func (c *CPUMeter) MS() (float64, error) {
	return c.statMS(fmt.Sprintf("/proc/%d/stat", c.Pid))
}

// MainThreadMS is the CPU time so far of the process's main thread alone
// (/proc/PID/task/PID/stat). workerd runs its isolates there; its other
// threads are V8's helpers (concurrent garbage collection, compiling).
func (c *CPUMeter) MainThreadMS() (float64, error) {
	return c.statMS(fmt.Sprintf("/proc/%d/task/%d/stat", c.Pid, c.Pid))
}

func (c *CPUMeter) statMS(path string) (float64, error) {
	if c.tck == 0 {
		c.tck = 100 // USER_HZ on Linux; getconf says otherwise if it knows
		if out, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
			if v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && v > 0 {
				c.tck = v
			}
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return parseStatMS(b, c.tck)
}

// parseStatMS is utime plus stime of a /proc stat line, in milliseconds.
func parseStatMS(b []byte, tck float64) (float64, error) {
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc/PID/stat")
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, errors.New("short /proc/PID/stat")
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable CPU times in /proc/PID/stat")
	}
	return (ut + st) / tck * 1000, nil
}

// VmKB is the memory lines (Vm*) of /proc/PID/status, in KiB by name
// ("VmRSS", "VmHWM", ...).
func VmKB(pid int) (map[string]int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || !bytes.HasPrefix(k, []byte("Vm")) {
			continue
		}
		if f := bytes.Fields(v); len(f) == 2 && string(f[1]) == "kB" {
			if kb, err := strconv.ParseInt(string(f[0]), 10, 64); err == nil {
				out[string(k)] = kb
			}
		}
	}
	return out, nil
}

// PeakRSSKB is a process's peak resident memory (VmHWM) in KiB.
func PeakRSSKB(pid int) (int64, error) {
	vm, err := VmKB(pid)
	if err != nil {
		return 0, err
	}
	kb, ok := vm["VmHWM"]
	if !ok {
		return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
	}
	return kb, nil
}
