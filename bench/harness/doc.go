// Package harness is what the benchmarks in bench/ share: child processes
// that leave nothing behind (Start), workerd on a free loopback port
// (StartWorkerd), a process's CPU time and peak memory from /proc, and the
// statistics every report uses (Quantile, Median, MS).
//
// It exists so that bench/crossruntime and bench/loadtest start and measure
// workerd the same way: a difference between their numbers is then a
// difference in what they measure, never in how.
package harness
