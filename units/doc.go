// Package units gives infersim's physical quantities their own types, and
// parses and prints them with their units.
//
// # Overview
//
// A function that takes (Bytes, BitRate) cannot be called with its arguments
// swapped, and every quantity prints with its unit. The types are float64
// underneath, in SI base units: bytes, bits per second, seconds, watts,
// joules, coulombs, floating-point operations.
//
//	size := 4.8 * units.Megabyte
//	rate := 6 * units.Mbps
//	fmt.Println(units.TransferTime(size, rate)) // 6.4 s
//
// # Parsing
//
// Scenario files write quantities as strings: "20ms", "1.5s", "25Mbps",
// "4.8MB", "2GiB", "1.2W", "2300mAh". Each type parses its own units through
// one grammar: a decimal number (sign and exponent allowed), optional spaces,
// then a unit. A bare number is an error, because a missing unit is the most
// common mistake in a scenario file ("bandwidth: 25" — Mbps? MB/s?).
//
// Prefixes are decimal (k = 10³, M = 10⁶, G = 10⁹) and binary where the unit
// says so (KiB = 2¹⁰ bytes, MiB, GiB, TiB). "KB" and "kB" both mean 1000
// bytes. Bits and bytes are told apart by the unit's spelling: "Mbps" and
// "Mbit/s" are bits per second, "MB/s" is bytes per second.
//
// Every type implements encoding.TextMarshaler and encoding.TextUnmarshaler,
// so YAML and JSON libraries read and write the unit strings directly. The
// marshalled text parses back to exactly the same value.
//
// # Invariants
//
// Parse never returns NaN or ±Inf and never panics. Range checks (a negative
// bandwidth, say) belong to the caller, which knows the field's limits.
package units
