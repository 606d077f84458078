#!/bin/bash
# paired.sh: side-by-side GEMM/GEMV benchmarks of package gemm and OpenBLAS on
# a shared machine. For every shape of gemm_shapes.txt and thread count, it
# runs in short back-to-back bursts: OpenBLAS with its default kernels (on
# AMD family 26 that is its Haswell/AVX2 core), OpenBLAS forced to its
# AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX), then ours and gonum. Pairs
# share the machine's load of the moment; ROUNDS repeats give benchstat its
# samples. OpenBLAS reports the median call; compare it with our
# med-GFLOP/s / med-GB/s metrics (same statistic).
#
# Usage (from the repository root, with libopenblas-dev installed):
#   ROUNDS=6 models/internal/gemm/testdata/bench/paired.sh > paired.txt
#   benchstat -filter '.unit:(med-GFLOP/s OR med-GB/s)' -col /impl -table .name paired.txt
set -eu
ROUNDS=${ROUNDS:-6}
BT=${BT:-0.4s}
ANCHORS=${ANCHORS:-../shared/bench/anchors}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/sgemm_openblas" "$ANCHORS/sgemm_openblas.c" $(pkg-config --cflags --libs openblas)
go test -c -o "$work/gemm.test" ./models/internal/gemm
ob() { # coretype threads shape-line name
	local env=""
	[ "$1" != default ] && env="OPENBLAS_CORETYPE=$1"
	echo "$3" | env $env OPENBLAS_NUM_THREADS=$2 OMP_NUM_THREADS=$2 "$work/sgemm_openblas" $2 | python3 -c "
import sys, json
for l in sys.stdin:
    if l.startswith('#'): continue
    d = json.loads(l)
    if d['N'] == 1:
        print('BenchmarkFC/layers=fc6/impl=$4-%dT-2 1 %.0f ns/op %.2f med-GB/s' % (d['threads'], d['median_s']*1e9, 4*d['M']*d['K']/d['median_s']/1e9))
    else:
        print('BenchmarkGEMM/shape=%s/impl=$4-%dT-2 1 %.0f ns/op %.2f med-GFLOP/s' % (d['shape'], d['threads'], d['median_s']*1e9, d['gflops']))
"
}
for r in $(seq 1 "$ROUNDS"); do
	"$work/gemm.test" -test.run '^$' -test.bench 'PeakFMA' -test.benchtime 0.2s | grep '^Benchmark'
	grep -v '^#' "$ANCHORS/gemm_shapes.txt" | while read -r line; do
		shape=$(echo "$line" | awk '{print $1}')
		[ -z "$shape" ] && continue
		for t in 1 2; do
			ob default $t "$line" openblas
			ob SkylakeX $t "$line" openblas512
			if [ "$shape" = fc6_gemv ]; then
				"$work/gemm.test" -test.run '^$' -test.bench "FC/layers=fc6/impl=(avx512-${t}T|avx2-${t}T|gonum-${t}T)\$" -test.benchtime 10x | grep '^Benchmark'
			else
				extra=""
				[ $t = 1 ] && extra="|purego-1T|naive"
				"$work/gemm.test" -test.run '^$' -test.bench "GEMM/shape=${shape}/impl=(avx512-${t}T|avx512-packed-${t}T|avx2-${t}T|gonum-${t}T${extra})\$" -test.benchtime "$BT" | grep '^Benchmark'
			fi
		done
	done
	"$work/gemm.test" -test.run '^$' -test.bench "GEMM/shape=(sqz_fire2_squeeze|mbnet_pw13)/impl=(avx512-.T|avx512-packed-.T|gonum-.T)\$" -test.benchtime "$BT" | grep '^Benchmark'
	"$work/gemm.test" -test.run '^$' -test.bench "SgemmNT|FC/layers=fc6-8/" -test.benchtime 10x | grep '^Benchmark'
	echo "round $r done $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
