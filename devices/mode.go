package devices

import (
	"fmt"
	"strconv"
	"strings"
)

// ModeKind says where a request's layers run.
type ModeKind uint8

// The mode kinds. Their names are the strings ParseMode reads.
const (
	OnDeviceCPU ModeKind = iota // every layer on the phone's CPU framework
	OnDeviceGPU                 // every layer on the phone's GPU framework
	CloudCPU                    // the JPEG uploaded, every layer on the CPU server
	CloudGPU                    // the JPEG uploaded, every layer on the GPU server
	Split                       // layers before cut K on the phone, the rest on the server
	Auto                        // the cut chosen per request by expected latency or energy
)

var modeNames = [...]string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "split", "auto"}

// String returns the kind's name, e.g. "cloud-gpu".
func (k ModeKind) String() string {
	if int(k) < len(modeNames) {
		return modeNames[k]
	}
	return fmt.Sprintf("mode(%d)", k)
}

// Mode is how a request is run: a kind and, for Split, the cut K, the
// number of layers (in the model's layer order, models.Net.Layers) that run
// on the phone. The zero Mode is on-device-cpu. Modes are comparable.
type Mode struct {
	Kind ModeKind
	K    int // Split only: layers run on the phone
}

// splitAt returns the mode split:k.
func splitAt(k int) Mode { return Mode{Kind: Split, K: k} }

// ParseMode reads a mode: "on-device-cpu", "on-device-gpu", "cloud-cpu",
// "cloud-gpu", "split:K" with K ≥ 0 an integer, or "auto". Whether K is a
// valid cut depends on the model and is checked when a request starts
// (ValidateSplit).
func ParseMode(s string) (Mode, error) {
	if k, ok := strings.CutPrefix(s, "split:"); ok {
		n, err := strconv.Atoi(k)
		if err != nil || n < 0 {
			return Mode{}, fmt.Errorf("devices: mode %q: the cut after \"split:\" must be an integer ≥ 0", s)
		}
		return splitAt(n), nil
	}
	for i, n := range modeNames {
		if n == s && ModeKind(i) != Split {
			return Mode{Kind: ModeKind(i)}, nil
		}
	}
	return Mode{}, fmt.Errorf("devices: unknown mode %q (want on-device-cpu, on-device-gpu, cloud-cpu, cloud-gpu, split:K or auto)", s)
}

// String returns the mode as ParseMode reads it, e.g. "split:7".
func (m Mode) String() string {
	if m.Kind == Split {
		return "split:" + strconv.Itoa(m.K)
	}
	return m.Kind.String()
}

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseMode.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// UploadKind says which image a cloud request uploads.
type UploadKind uint8

// The upload kinds.
const (
	// UploadResized uploads a JPEG of the model's input size (227×227 for
	// AlexNet): its bytes are the kernel profile's JPEG bytes per pixel at
	// its smallest photo size times the input's pixels.
	UploadResized UploadKind = iota
	// UploadOriginal uploads the photo's own JPEG: its bytes are
	// interpolated per pixel between the kernel profile's preprocess rows.
	UploadOriginal
)

// String returns "resized" or "original".
func (u UploadKind) String() string {
	if u == UploadOriginal {
		return "original"
	}
	return "resized"
}

// ParseUploadKind reads "resized" or "original".
func ParseUploadKind(s string) (UploadKind, error) {
	switch s {
	case "resized":
		return UploadResized, nil
	case "original":
		return UploadOriginal, nil
	}
	return 0, fmt.Errorf("devices: unknown upload %q (want resized or original)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (u UploadKind) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseUploadKind.
func (u *UploadKind) UnmarshalText(b []byte) error {
	v, err := ParseUploadKind(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// Objective is what the auto mode minimises.
type Objective uint8

// The objectives.
const (
	MinLatency Objective = iota // expected end-to-end time
	MinEnergy                   // expected phone energy
)

// String returns "latency" or "energy".
func (o Objective) String() string {
	if o == MinEnergy {
		return "energy"
	}
	return "latency"
}

// ParseObjective reads "latency" or "energy".
func ParseObjective(s string) (Objective, error) {
	switch s {
	case "latency":
		return MinLatency, nil
	case "energy":
		return MinEnergy, nil
	}
	return 0, fmt.Errorf("devices: unknown auto objective %q (want latency or energy)", s)
}
