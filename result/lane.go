package result

import (
	"strconv"
	"strings"
)

// Resource is what a timeline lane shows of the component it belongs to.
type Resource string

// The resources devices trace, in the order a timeline lists them within
// a component (LaneOrder); any other is listed after them.
const (
	LaneCPU     Resource = "cpu"     // a phone's CPU framework: layers, preprocessing, loads
	LaneGPU     Resource = "gpu"     // a phone's GPU framework
	LaneGC      Resource = "gc"      // a phone's GC pauses
	LaneRadio   Resource = "radio"   // a phone's radio state (promotion, active, tail)
	LaneUp      Resource = "up"      // a link's uplink transfers
	LaneDown    Resource = "down"    // a link's downlink transfers
	LaneQueue   Resource = "queue"   // a server's queue
	LaneWorker  Resource = "worker"  // a server's worker (with its slot)
	LaneApp     Resource = "app"     // a phone app's life cycle (background, kills)
	LaneRequest Resource = "request" // a phone's requests, arrival to end
	LaneStorage Resource = "storage" // a phone's storage reads
	LaneMemory  Resource = "memory"  // a phone's memory pressure from other apps
)

// LaneOrder lists the resources in the order a timeline shows them within
// a component.
var LaneOrder = []Resource{LaneCPU, LaneGPU, LaneGC, LaneRadio, LaneUp, LaneDown, LaneQueue, LaneWorker}

// Owner kinds: what a lane's component is.
const (
	OwnerPhone  = "phone"
	OwnerLink   = "link"
	OwnerServer = "server"
)

// Lane names one timeline lane: a component and one of its resources,
// written "phone[0]/cpu", "link[0]/up", "server-gpu/worker[1]" in
// Span.Lane (and as the trace file's thread names).
type Lane struct {
	// Owner is the component, as it is named: "phone[0]", "server-gpu".
	Owner string
	// Resource is what the lane shows; empty for a lane named by its
	// component alone.
	Resource Resource
	// Slot is the resource's index ("worker[1]"), -1 for none.
	Slot int
}

// NewLane returns the lane of owner's resource r, without a slot.
func NewLane(owner string, r Resource) Lane { return Lane{Owner: owner, Resource: r, Slot: -1} }

// At returns the lane of the resource's slot i ("worker[i]").
func (l Lane) At(i int) Lane {
	l.Slot = i
	return l
}

// String writes the lane as Span.Lane holds it: "phone[0]/cpu".
func (l Lane) String() string {
	if l.Resource == "" {
		return l.Owner
	}
	s := l.Owner + "/" + string(l.Resource)
	if l.Slot >= 0 {
		s += "[" + strconv.Itoa(l.Slot) + "]"
	}
	return s
}

// ParseLane reads a lane as String writes it; a name without a "/" is a
// lane named by its component alone.
func ParseLane(s string) Lane {
	owner, res, ok := strings.Cut(s, "/")
	l := Lane{Owner: owner, Slot: -1}
	if !ok {
		return l
	}
	l.Resource = Resource(res)
	if base, idx, ok := cutIndex(res); ok {
		if n, err := strconv.Atoi(idx); err == nil {
			l.Resource, l.Slot = Resource(base), n
		}
	}
	return l
}

// OwnerKind returns the kind of the lane's component and its index:
// "phone[2]" is phone and 2; a component without an index ("server-gpu")
// is its own kind, index 0.
func (l Lane) OwnerKind() (kind string, index int) {
	if base, idx, ok := cutIndex(l.Owner); ok {
		n, _ := strconv.Atoi(idx)
		return base, n
	}
	return l.Owner, 0
}

// cutIndex splits "name[idx]" into name and idx.
func cutIndex(s string) (base, idx string, ok bool) {
	i := strings.IndexByte(s, '[')
	if i < 0 || !strings.HasSuffix(s, "]") {
		return s, "", false
	}
	return s[:i], s[i+1 : len(s)-1], true
}

// Activity is what a span shows its component doing, as a timeline
// colours it.
type Activity uint8

// The activities.
const (
	ActivityOther      Activity = iota // a label no activity knows: an app event, a record
	ActivityLoad                       // model load
	ActivityPreprocess                 // photo decoded and resized
	ActivityCompute                    // layers on a phone's processor
	ActivityGC                         // a GC pause
	ActivityWake                       // radio promotion and connection set-up
	ActivityTransfer                   // upload, radio active
	ActivityTail                       // radio tail
	ActivityQueue                      // waiting in a server's queue or for a batch
	ActivityServer                     // server compute
	ActivityDownload                   // result download
	ActivityHandling                   // a server's request handling (accept, decode, set-up, copies, response)
)

// activityWords are the words span labels (or a span's "phase"
// attribute) use for each activity; the first word of an activity is the
// one devices write (Activity.Word).
var activityWords = []struct {
	word string
	act  Activity
}{
	{"load", ActivityLoad}, {"preprocess", ActivityPreprocess}, {"compute", ActivityCompute},
	{"gc", ActivityGC}, {"gc pause", ActivityGC}, {"pause", ActivityGC},
	{"wake", ActivityWake}, {"promotion", ActivityWake}, {"handshake", ActivityWake},
	{"upload", ActivityTransfer}, {"active", ActivityTransfer}, {"tail", ActivityTail},
	{"queue", ActivityQueue}, {"queued", ActivityQueue}, {"batch", ActivityQueue},
	{"server", ActivityServer}, {"download", ActivityDownload}, {"handling", ActivityHandling},
}

// Word returns the label devices write for a span of the activity:
// "wake", "tail"; empty for ActivityOther.
func (a Activity) Word() string {
	for _, w := range activityWords {
		if w.act == a {
			return w.word
		}
	}
	return ""
}

// activityOfWord returns the activity a word names.
func activityOfWord(w string) (Activity, bool) {
	for _, aw := range activityWords {
		if aw.word == w {
			return aw.act, true
		}
	}
	return ActivityOther, false
}

// SpanActivity returns what a span shows: the activity its "phase"
// attribute, its label or its label without trailing digits names; else a
// span on a server worker is server compute and any other span on a
// phone's CPU or GPU lane is a layer (compute); else ActivityOther. The
// trace file keeps only labels, so the activity is read from them.
func SpanActivity(s *Span) Activity {
	low := strings.ToLower(s.Label)
	for _, w := range []string{s.Attrs["phase"], low, strings.TrimRight(low, "0123456789_")} {
		if a, ok := activityOfWord(w); ok {
			return a
		}
	}
	l := ParseLane(s.Lane)
	kind, _ := l.OwnerKind()
	switch {
	case kind == OwnerServer && l.Resource == LaneWorker:
		return ActivityServer
	case kind == OwnerPhone && (l.Resource == LaneCPU || l.Resource == LaneGPU):
		return ActivityCompute
	}
	return ActivityOther
}
