package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals are the signals that stop a run cleanly, as Ctrl-C does:
// SIGINT, SIGTERM (kill, systemd, docker stop) and SIGHUP (the terminal
// closed).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// stopSignal is the cause of a context cancelled by a stop signal.
type stopSignal struct{ sig os.Signal }

func (s stopSignal) Error() string { return "stopped by " + s.sig.String() }

// signalContext returns a context cancelled, with a stopSignal as its
// cause, at the first stop signal. After it a second signal has its
// default effect (the process ends at once; the results folder is still
// never half-written, see scenarios.ResultSet).
func signalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(stopSignal{s})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(ch)
		cancel(nil)
	}
}

// signalExitCode is the exit status of a run stopped through ctx: 128 +
// the signal number, as a shell reports a process a signal ended (130
// for SIGINT, 143 for SIGTERM, 129 for SIGHUP); 130 when no signal is
// known.
func signalExitCode(ctx context.Context) int {
	if ctx != nil {
		if s, ok := context.Cause(ctx).(stopSignal); ok {
			if n, ok := s.sig.(syscall.Signal); ok {
				return 128 + int(n)
			}
		}
	}
	return 130
}
