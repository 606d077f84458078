package llmserve

import "container/list"

// Automatic prefix caching, as vLLM does it (enable_prefix_caching): a
// full KV block is named by the tokens it holds and all the tokens
// before it, so a block computed for one request serves any later
// request whose prompt begins with the same tokens. In a chat the
// prompt of turn k+1 is the conversation so far (turn k's prompt and
// answer) and the new tokens, so with the cache the server prefills
// only what is past the blocks still cached.
//
// Here a block is named by its request's Session and its index: within
// a session the history only grows, so block i of a session holds the
// same tokens in every turn. Blocks are kept when their request ends
// (finished, preempted or cancelled: the tokens they hold stay valid)
// and are reused from position 0 while they are consecutive; the last,
// partial block is not kept, and at least one position of a prompt is
// always computed (the step that produces its first token). A kept
// block no running request holds counts as free: a request that needs
// a block when no empty one is left evicts the least recently released
// kept block (vLLM's free-block queue, LRU; a request's blocks enter it
// tail first).
//
// The accounting: Server.free is the blocks no running request holds,
// the kept ones among them in the LRU; take evicts from the LRU's front
// whenever the kept ones would outnumber the free ones.

// blockKey names a kept block: its session and index.
type blockKey struct {
	session uint64
	index   int
}

// cblock is a kept block.
type cblock struct {
	key  blockKey
	refs int           // running requests holding it
	elem *list.Element // in the LRU while refs == 0
}

// prefixCache is the server's kept blocks (nil map: caching off).
type prefixCache struct {
	blocks map[blockKey]*cblock
	lru    *list.List // of *cblock with refs 0, least recently released first
	evicts int
}

func (c *prefixCache) init() {
	c.blocks = map[blockKey]*cblock{}
	c.lru = list.New()
}

func (c *prefixCache) on() bool { return c.blocks != nil }

// lookup returns the kept blocks q may reuse, from position 0, and how
// many of them no running request holds (they leave the free count).
func (s *Server) lookup(q *seq) (hits []*cblock, reuse int) {
	c := &s.cache
	if !c.on() || q.r.Session == 0 {
		return nil, 0
	}
	limit := (q.target() - 1) / s.cfg.BlockTokens
	for i := 0; i < limit; i++ {
		b, ok := c.blocks[blockKey{q.r.Session, i}]
		if !ok {
			break
		}
		hits = append(hits, b)
		if b.refs == 0 {
			reuse++
		}
	}
	return hits, reuse
}

// acquire has q hold the blocks it reuses.
func (s *Server) acquire(q *seq, hits []*cblock) {
	c := &s.cache
	for _, b := range hits {
		if b.refs == 0 {
			c.lru.Remove(b.elem)
			b.elem = nil
			s.free--
		}
		b.refs++
	}
	q.prefix = hits
}

// take hands out n free blocks, evicting kept ones as needed.
func (s *Server) take(n int) {
	s.free -= n
	c := &s.cache
	if !c.on() {
		return
	}
	for c.lru.Len() > s.free {
		b := c.lru.Remove(c.lru.Front()).(*cblock)
		delete(c.blocks, b.key)
		c.evicts++
	}
}

// release gives back every block q holds: with the cache on, the full
// blocks of its computed positions are kept, the rest emptied. They go
// to the LRU tail first, as vLLM frees them, so that under pressure a
// prefix loses its end before its start (a start alone still serves).
func (s *Server) release(q *seq) {
	c := &s.cache
	if !c.on() || q.r.Session == 0 {
		s.free += q.blocks
		q.blocks, q.prefix = 0, nil
		return
	}
	full := min(q.computed/s.cfg.BlockTokens, q.blocks)
	for i := q.blocks - 1; i >= 0; i-- {
		if i < len(q.prefix) {
			b := q.prefix[i]
			if b.refs--; b.refs == 0 {
				b.elem = c.lru.PushBack(b)
				s.free++
			}
			continue
		}
		s.free++
		k := blockKey{q.r.Session, i}
		if _, dup := c.blocks[k]; i >= full || dup {
			continue // not computed, partial, or a copy is kept already
		}
		b := &cblock{key: k}
		c.blocks[k] = b
		b.elem = c.lru.PushBack(b)
	}
	q.blocks, q.prefix = 0, nil
}

// KVUsed returns the KV blocks running requests hold now.
func (s *Server) KVUsed() int { return s.capacity - s.free }

// KVKept returns the kept blocks no running request holds (the prefix
// cache's evictable blocks; 0 with the cache off) and the kept blocks
// evicted so far.
func (s *Server) KVKept() (kept, evicted int) {
	if !s.cache.on() {
		return 0, 0
	}
	return s.cache.lru.Len(), s.cache.evicts
}
