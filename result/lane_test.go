package result

import "testing"

func TestLane(t *testing.T) {
	for _, tc := range []struct {
		l     Lane
		s     string
		kind  string
		index int
	}{
		{NewLane("phone[2]", LaneGPU), "phone[2]/gpu", OwnerPhone, 2},
		{NewLane("server-gpu", LaneWorker).At(1), "server-gpu/worker[1]", "server-gpu", 0},
		{NewLane("link[0]", LaneUp), "link[0]/up", OwnerLink, 0},
		{Lane{Owner: "custom", Slot: -1}, "custom", "custom", 0},
	} {
		if got := tc.l.String(); got != tc.s {
			t.Errorf("%+v: %q, want %q", tc.l, got, tc.s)
		}
		if got := ParseLane(tc.s); got != tc.l {
			t.Errorf("ParseLane(%q) = %+v, want %+v", tc.s, got, tc.l)
		}
		if k, i := tc.l.OwnerKind(); k != tc.kind || i != tc.index {
			t.Errorf("%s: kind %s %d, want %s %d", tc.s, k, i, tc.kind, tc.index)
		}
	}
}

func TestSpanActivity(t *testing.T) {
	for _, tc := range []struct {
		lane, label, phase string
		want               Activity
	}{
		{"phone[0]/radio", "tail", "", ActivityTail},
		{"phone[0]/radio", "active", "", ActivityTransfer},
		{"link[0]/up", ActivityWake.Word(), "", ActivityWake},
		{"phone[0]/gpu", "conv3", "", ActivityCompute},
		{"phone[0]/gc", "GC pause", "", ActivityGC},
		{"phone[0]/cpu", "x", "load", ActivityLoad},
		{"server/worker[1]", "alexnet", "", ActivityServer},
		{"phone[0]/app", "background", "", ActivityOther},
		{"server/queue", "queued7", "", ActivityQueue},
	} {
		s := &Span{Lane: tc.lane, Label: tc.label}
		if tc.phase != "" {
			s.Attrs = map[string]string{"phase": tc.phase}
		}
		if got := SpanActivity(s); got != tc.want {
			t.Errorf("%s %q: %v, want %v", tc.lane, tc.label, got, tc.want)
		}
	}
	if ActivityOther.Word() != "" || ActivityTail.Word() != "tail" {
		t.Error("Word")
	}
}
