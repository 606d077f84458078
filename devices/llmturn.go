package devices

import (
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/sim"
)

// A chat turn's life beside its work (llmchat.go): the app's life cycle
// and the low-memory killer reach a turn in flight as they reach a
// photo's request.
//
//	start in the background   the turn waits for the foreground (the
//	                          user is in another app), or ends dropped
//	                          when lifecycle.background_requests is drop;
//	                          a killed app restarts on its return
//	the app is killed         every turn in flight ends killed at once:
//	                          its energy so far is charged, the memory it
//	                          held is gone with the app's, and the model
//	                          is no longer resident, so the next turn on
//	                          the phone reads it from flash again (cold)

// foreground waits for the app to be in the foreground, as a request
// arriving in the background does.
func (r *chatTurn) foreground(p *sim.Proc) error {
	ph := r.ph
	if ph.life.fg {
		return nil
	}
	if ph.spec.Lifecycle.BackgroundRequests == "drop" {
		return errDropped
	}
	_, err := p.Wait(ph.life.fgEvent)
	return err
}

// release gives back the memory the turn holds, unless a kill took it.
func (r *chatTurn) release() {
	if r.held == 0 {
		return
	}
	r.ph.mem.native -= r.held
	r.held = 0
	r.ph.memoryChanged()
}

// retire removes an ended turn from the turns in flight.
func (c *chatState) retire(r *chatTurn) {
	for i, x := range c.active {
		if x == r {
			c.active = append(c.active[:i], c.active[i+1:]...)
			return
		}
	}
}

// killChats is the low-memory killer reaching the chat: the model is
// gone, and every turn in flight ends killed (a turn whose own
// allocation had the app killed sees it on return instead).
func (ph *Phone) killChats() {
	c := ph.chat
	if c == nil {
		return
	}
	c.loaded = false
	for _, r := range c.active {
		r.held = 0 // the kill freed the app's memory (Phone.kill)
		if !r.ended && r.proc != nil && r.proc.IsAlive() {
			_ = r.proc.Interrupt(errKilled)
		}
	}
}

// session is the turn's conversation as the server names it: the
// phone's index and the conversation's number, 0 for none.
func (r *chatTurn) session() uint64 {
	if r.t.Conversation <= 0 {
		return 0
	}
	return uint64(r.ph.opt.Index+1)<<32 | uint64(uint32(r.t.Conversation))
}

// cancel withdraws the turn's request from the server when the turn
// ends before the server is done with it (a timeout, a kill: the
// client's connection is gone), so its KV blocks are freed.
func (r *chatTurn) cancel(req *llmserve.Request, st *chatStream) {
	if !st.done {
		r.ph.chat.cfg.Server.Cancel(req)
	}
}
