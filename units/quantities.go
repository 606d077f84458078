// The methods below follow one pattern: each quantity parses, prints and
// (un)marshals through its kind. Keep the nine blocks identical in shape.

package units

// ParseBytes parses a data size such as "4.8MB" or "2GiB".
func ParseBytes(s string) (Bytes, error) {
	v, err := bytesKind.parse(s)
	return Bytes(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x Bytes) String() string { return bytesKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x Bytes) MarshalText() ([]byte, error) { return bytesKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *Bytes) UnmarshalText(b []byte) error {
	v, err := ParseBytes(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseBitRate parses a bit rate such as "25Mbps" or "800kbps".
func ParseBitRate(s string) (BitRate, error) {
	v, err := bitRateKind.parse(s)
	return BitRate(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x BitRate) String() string { return bitRateKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x BitRate) MarshalText() ([]byte, error) { return bitRateKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *BitRate) UnmarshalText(b []byte) error {
	v, err := ParseBitRate(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseByteRate parses a byte rate such as "12.8GB/s" or "80MB/s".
func ParseByteRate(s string) (ByteRate, error) {
	v, err := byteRateKind.parse(s)
	return ByteRate(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x ByteRate) String() string { return byteRateKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x ByteRate) MarshalText() ([]byte, error) { return byteRateKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *ByteRate) UnmarshalText(b []byte) error {
	v, err := ParseByteRate(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseDuration parses a duration such as "20ms", "1.5s" or "2min".
func ParseDuration(s string) (Duration, error) {
	v, err := durationKind.parse(s)
	return Duration(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x Duration) String() string { return durationKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x Duration) MarshalText() ([]byte, error) { return durationKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParsePower parses a power such as "1.2W" or "438mW".
func ParsePower(s string) (Power, error) {
	v, err := powerKind.parse(s)
	return Power(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x Power) String() string { return powerKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x Power) MarshalText() ([]byte, error) { return powerKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *Power) UnmarshalText(b []byte) error {
	v, err := ParsePower(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseEnergy parses an energy such as "3.5J" or "2Wh".
func ParseEnergy(s string) (Energy, error) {
	v, err := energyKind.parse(s)
	return Energy(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x Energy) String() string { return energyKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x Energy) MarshalText() ([]byte, error) { return energyKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *Energy) UnmarshalText(b []byte) error {
	v, err := ParseEnergy(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseCharge parses a charge such as "2300mAh".
func ParseCharge(s string) (Charge, error) {
	v, err := chargeKind.parse(s)
	return Charge(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x Charge) String() string { return chargeKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x Charge) MarshalText() ([]byte, error) { return chargeKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *Charge) UnmarshalText(b []byte) error {
	v, err := ParseCharge(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseFLOPs parses an operation count such as "1.45GFLOP".
func ParseFLOPs(s string) (FLOPs, error) {
	v, err := flopsKind.parse(s)
	return FLOPs(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x FLOPs) String() string { return flopsKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x FLOPs) MarshalText() ([]byte, error) { return flopsKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *FLOPs) UnmarshalText(b []byte) error {
	v, err := ParseFLOPs(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}

// ParseFLOPRate parses a compute rate such as "20GFLOP/s".
func ParseFLOPRate(s string) (FLOPRate, error) {
	v, err := flopRateKind.parse(s)
	return FLOPRate(v), err
}

// String formats x with a unit prefix and 3 significant digits.
func (x FLOPRate) String() string { return flopRateKind.format(float64(x)) }

// MarshalText implements encoding.TextMarshaler; the text parses back to x exactly.
func (x FLOPRate) MarshalText() ([]byte, error) { return flopRateKind.marshal(float64(x)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (x *FLOPRate) UnmarshalText(b []byte) error {
	v, err := ParseFLOPRate(string(b))
	if err != nil {
		return err
	}
	*x = v
	return nil
}
