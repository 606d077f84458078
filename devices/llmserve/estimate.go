package llmserve

// LonePrefill is the time a lone request's prompt of n tokens takes to
// prefill at an idle server, s: its chunks of at most MaxBatchedTokens
// positions, one step each (Hardware.StepTime of the chunk's FLOPs and
// its KV and weight bytes, as step prices them), the first token coming
// at the end of the last. It is what a client can know of the server
// before it asks: the queue, the batch it would join and the prefix
// cache are not counted. It changes nothing the server simulates.
func (s *Server) LonePrefill(n int) float64 {
	t := 0.0
	for start := 0; start < n; {
		c := min(n-start, s.cfg.MaxBatchedTokens)
		f, b := s.costs.chunk(start, c)
		t += s.cfg.Hardware.StepTime(f, b+float64(s.costs.weightBytes(c)))
		start += c
	}
	return t
}
