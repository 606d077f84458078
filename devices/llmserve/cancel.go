package llmserve

// Cancel withdraws a request, as vLLM aborts one whose client went away
// (a timeout, a dropped connection): a waiting request leaves the
// queue; a running one leaves the batch and its KV blocks are freed at
// once (kept for its session with the prefix cache on), so waiting
// requests can be admitted at the next step. A step already running
// with it is not shortened; its token is not delivered. OnDone is not
// called. It reports whether the request was in the server (false for
// one finished, refused, cancelled already or never submitted).
func (s *Server) Cancel(r *Request) bool {
	q := r.q
	if q == nil || q.cancelled {
		return false
	}
	for i, w := range s.waiting {
		if w == q {
			s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
			s.withdraw(q)
			return true
		}
	}
	for i, w := range s.running {
		if w == q {
			s.running = append(s.running[:i], s.running[i+1:]...)
			s.release(q)
			s.withdraw(q)
			return true
		}
	}
	return false
}

func (s *Server) withdraw(q *seq) {
	q.cancelled = true
	q.r.q = nil
	s.stats.Cancelled++
}
