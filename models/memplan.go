package models

import "sort"

// memPlan places every value (blob version) of a Net in one activation
// arena. Values that share memory form a group with a root value:
//   - the output of an in-place, fused or identity layer is its input's
//     memory (alias);
//   - an input of a channel Concat at batch 1 is placed inside the Concat's
//     output, so its producer writes there directly (zero copy), when the
//     input's whole group is defined before the Concat and is not already
//     placed elsewhere.
//
// Each group lives from the first layer that writes any of its values to
// the last layer that reads one (the net output lives to the end). Groups
// are then placed greedily, largest first, at the lowest offset that does
// not overlap a group alive at the same time (the "greedy by size" offset
// planner used by mobile inference runtimes). The arena size is the net's
// peak activation memory.
type memPlan struct {
	parent  []int // per value: the value whose memory it lives in, or −1
	off     []int // offset in the parent, in elements
	offset  []int // absolute offset in the arena
	arena   int   // elements
	inPlace [][]bool
	tmpLen  int // per-thread scratch row, elements
}

// root returns the root value of v's group.
func (p *memPlan) root(v int) int {
	r, _ := p.rootOff(v)
	return r
}

// rootOff returns the root value of v's group and v's offset in it. It
// points every value on the way directly at the root (path compression),
// so that a chain of in-place layers costs linear time overall, not a walk
// of the chain per value.
func (p *memPlan) rootOff(v int) (int, int) {
	r, total := v, 0
	for p.parent[r] >= 0 {
		total += p.off[r]
		r = p.parent[r]
	}
	for o := total; p.parent[v] >= 0; {
		next, step := p.parent[v], p.off[v]
		p.parent[v], p.off[v] = r, o
		o -= step
		v = next
	}
	return r, total
}

func planMemory(n *Net) (*memPlan, error) {
	nv := len(n.values)
	p := &memPlan{parent: make([]int, nv), off: make([]int, nv), offset: make([]int, nv), inPlace: make([][]bool, len(n.nodes))}
	for v := range p.parent {
		p.parent[v] = -1
	}
	p.aliases(n)
	p.concatInPlace(n)
	groups := p.lifetimes(n)
	p.place(groups)
	for v := range n.values {
		r, o := p.rootOff(v)
		p.offset[v] = groups[r].base + o
	}
	return p, nil
}

// aliases joins in-place outputs to their inputs and sizes the per-thread
// scratch rows.
func (p *memPlan) aliases(n *Net) {
	for _, nd := range n.nodes {
		if nd.alias {
			p.parent[nd.out[0]] = nd.in[0]
		}
		switch o := nd.op.(type) {
		case *poolOp:
			p.tmpLen = max(p.tmpLen, o.tmpLen())
		case *lrnOp:
			p.tmpLen = max(p.tmpLen, o.tmpLen())
		}
	}
}

// concatInPlace makes a contiguous concatenation zero-copy: each input
// that can be written straight into its slot of the output becomes part of
// the output's group.
func (p *memPlan) concatInPlace(n *Net) {
	for j, nd := range n.nodes {
		c, ok := nd.op.(*concatOp)
		if !ok || !c.contiguous() {
			continue
		}
		o := nd.out[0]
		p.inPlace[j] = make([]bool, len(nd.in))
		offset := 0
		for k, v := range nd.in {
			r, roff := p.rootOff(v)
			if roff == 0 && n.values[r].size == n.values[v].size && r != p.root(o) && p.groupDefinedBefore(n, r, j) {
				p.parent[r] = o
				p.off[r] = offset
				p.inPlace[j][k] = true
			}
			offset += n.values[v].size
		}
	}
}

// memGroup is a set of values sharing memory (one root), live from the
// node start to the node end, placed at base in the arena.
type memGroup struct{ root, start, end, size, base int }

// lifetimes returns each group, by root, with the nodes it is live over
// (the output lives to the end).
func (p *memPlan) lifetimes(n *Net) map[int]*memGroup {
	groups := map[int]*memGroup{}
	for v := range n.values {
		r := p.root(v)
		g := groups[r]
		if g == nil {
			g = &memGroup{root: r, start: len(n.nodes), end: -1, size: n.values[r].size}
			groups[r] = g
		}
		val := &n.values[v]
		g.start = min(g.start, val.producer)
		g.end = max(g.end, val.producer)
		for _, c := range val.consumers {
			g.end = max(g.end, c)
		}
		if v == n.output {
			g.end = len(n.nodes)
		}
	}
	return groups
}

// place puts the groups in the arena, largest first (ties by root), each
// at the lowest base that overlaps no group live at the same time, and
// sets the arena's size.
func (p *memPlan) place(groups map[int]*memGroup) {
	order := make([]*memGroup, 0, len(groups))
	for _, g := range groups {
		order = append(order, g)
	}
	sort.Slice(order, func(a, b int) bool {
		if order[a].size != order[b].size {
			return order[a].size > order[b].size
		}
		return order[a].root < order[b].root
	})
	var placed []*memGroup
	for _, g := range order {
		var live []*memGroup
		for _, q := range placed {
			if q.start <= g.end && g.start <= q.end {
				live = append(live, q)
			}
		}
		sort.Slice(live, func(a, b int) bool { return live[a].base < live[b].base })
		base := 0
		for _, q := range live {
			if q.base-base >= g.size {
				break
			}
			base = max(base, q.base+q.size)
		}
		g.base = base
		p.arena = max(p.arena, base+g.size)
		placed = append(placed, g)
	}
}

// groupDefinedBefore reports whether every value of root r's group is
// written before layer j, so that placing the group inside layer j's output
// cannot let a later in-place write clobber it.
func (p *memPlan) groupDefinedBefore(n *Net, r, j int) bool {
	for v := range n.values {
		if p.root(v) == r && n.values[v].producer >= j {
			return false
		}
	}
	return true
}
