package sim

import "fmt"

// Store holds up to capacity items of type T in FIFO order, such as
// messages or jobs. Puts wait while it is full and gets while it is empty.
// Modelled on SimPy's Store (src/simpy/resources/store.py).
type Store[T any] struct {
	base
	capacity int
	items    ring[T]
}

// NewStore returns an empty store of the given capacity (use math.MaxInt
// for unbounded). It panics if capacity < 1.
func NewStore[T any](env *Env, capacity int) *Store[T] {
	if capacity < 1 {
		panic(fmt.Sprintf("sim: store capacity %d < 1", capacity))
	}
	s := &Store[T]{capacity: capacity}
	s.env, s.rule = env, s
	return s
}

// Len returns the number of items held.
func (s *Store[T]) Len() int { return s.items.len() }

// Capacity returns the store's capacity.
func (s *Store[T]) Capacity() int { return s.capacity }

// Put adds item once there is room.
func (s *Store[T]) Put(item T) *Request {
	r := s.newRequest(true)
	r.item = item
	return s.enqueue(r)
}

// Get takes the oldest item once there is one: the request's event succeeds
// with the item as its value (type T).
func (s *Store[T]) Get() *Request { return s.enqueue(s.newRequest(false)) }

func (s *Store[T]) doPut(r *Request) bool {
	if s.items.len() >= s.capacity {
		return false
	}
	s.items.insert(s.items.len(), r.item.(T))
	r.item = nil
	r.state = reqDone
	r.ev.Succeed(nil)
	return true
}

func (s *Store[T]) doGet(r *Request) bool {
	if s.items.len() == 0 {
		return false
	}
	item := s.items.at(0)
	s.items.remove(0)
	r.state = reqDone
	r.ev.Succeed(item)
	return true
}
