package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// hintOnInterrupt makes SIGINT and SIGTERM end the run with a line that
// says how to continue it, instead of silently. Nothing needs saving first:
// whole chunks are already on disk and -resume drops a half-written row.
// The returned function stops listening.
func hintOnInterrupt(args []string, o *options, stderr io.Writer) func() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			fmt.Fprintln(stderr, interruptHint(args, o, sig))
			code := 130 // 128 + SIGINT, as a shell reports it
			if sig == syscall.SIGTERM {
				code = 143
			}
			os.Exit(code)
		case <-quit:
		}
	}()
	return func() { signal.Stop(sigs); close(quit) }
}

// interruptHint is the line an interrupted run leaves: with -o, the command
// that continues it; without, why it cannot be continued.
func interruptHint(args []string, o *options, sig os.Signal) string {
	if o.out == "" {
		return fmt.Sprintf("classify: interrupted (%v); the rows went to stdout, so this run cannot be continued. "+
			"Write to a file with -o FILE: an interrupted run then continues with -resume", sig)
	}
	again := args
	if !o.resume {
		again = append([]string{"-resume"}, args...)
	}
	return fmt.Sprintf("classify: interrupted (%v); the rows so far are in %s. To continue, run:\n  classify %s", sig, o.out, shellJoin(again))
}

// shellJoin quotes the arguments that a shell would split or expand.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}
