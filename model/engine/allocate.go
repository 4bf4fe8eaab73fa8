package engine

import "sort"

// The allocate pass: every run buffer of a plan gets an offset in one
// arena, and buffers whose lives do not overlap share memory. A buffer
// lives from the step that writes it to the last step that reads it
// (both included, so no step's output overlaps one of its own inputs);
// the plan's inputs and outputs live through the whole run, since callers
// fill the inputs once and read the outputs after it. Constant buffers
// are shared by every State and take no arena space.

// reuse is false in tests that compare a plan with shared buffers to one
// without.
var reuse = true

// access is what one step reads and writes, by slot.
type access struct{ reads, writes []int }

// lifetimes returns, per slot, the first and last step that touch it;
// first > last for slots no step touches.
func (p *Plan) lifetimes() (first, last []int) {
	n := len(p.sizes)
	first, last = make([]int, n), make([]int, n)
	for i := range first {
		first[i], last[i] = len(p.steps), -1
	}
	for i, a := range p.access {
		for _, s := range append(a.writes, a.reads...) {
			first[s], last[s] = min(first[s], i), max(last[s], i)
		}
	}
	for _, v := range append(append([]*value(nil), p.inputs...), p.outputs...) {
		first[v.slot], last[v.slot] = -1, len(p.steps)
	}
	return first, last
}

// allocate sets p.offsets and p.arena: buffers in order of size, largest
// first, each at the lowest offset where it overlaps no buffer already
// placed that is alive at the same time (the usual greedy placement of
// liveness intervals; it is not optimal, but the plans are small).
func (p *Plan) allocate() {
	first, last := p.lifetimes()
	var order []int
	p.offsets = make([]int, len(p.sizes))
	for s := range p.sizes {
		if p.shared[s] == nil {
			order = append(order, s)
			p.unshared += p.sizes[s]
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return p.sizes[order[i]] > p.sizes[order[j]] })
	type placed struct{ slot, off int }
	var done []placed
	for _, s := range order {
		if !reuse {
			first[s], last[s] = -1, len(p.steps)
		}
		if first[s] > last[s] {
			// Touched by no step (an input nothing reads is still an
			// input): give it room of its own.
			first[s], last[s] = -1, len(p.steps)
		}
		// Ranges of the arena taken by buffers alive with s, by start.
		var busy [][2]int
		for _, d := range done {
			if first[d.slot] <= last[s] && first[s] <= last[d.slot] {
				busy = append(busy, [2]int{d.off, d.off + p.sizes[d.slot]})
			}
		}
		sort.Slice(busy, func(i, j int) bool { return busy[i][0] < busy[j][0] })
		off := 0
		for _, b := range busy {
			if off+p.sizes[s] <= b[0] {
				break
			}
			off = max(off, b[1])
		}
		p.offsets[s] = off
		p.arena = max(p.arena, off+p.sizes[s])
		done = append(done, placed{s, off})
	}
}

// ArenaBytes is the memory of one State's run buffers: with buffers shared
// by liveness, and without (one buffer per value), in bytes. Scratch and
// the shared constants are not counted.
func (p *Plan) ArenaBytes() (reused, separate int) { return 4 * p.arena, 4 * p.unshared }
