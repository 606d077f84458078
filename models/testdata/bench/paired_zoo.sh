#!/bin/sh
# Side-by-side zoo benchmark, one thread, batch 1 (models/BENCHMARKS.md):
# for each round and each zoo model, every given test binary then PyTorch
# (torch_zoo.py), interleaved, so all share the machine's state of the
# moment. Prints one line per sample: round model runner ms.
#
#   go test -c -o /tmp/new.test ./models      # and an older one for before → after
#   ROUNDS=5 models/testdata/bench/paired_zoo.sh /tmp/old.test /tmp/new.test > paired.txt
#   awk -f models/testdata/bench/medians.awk paired.txt
#
# METRIC=cpu reports CPU time per pass instead of wall time (Go's cpu-ms/op,
# PyTorch's median_cpu_ms): on a machine shared with other work, one
# thread's CPU time is not inflated by being descheduled, wall time is.
set -e
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-5}
unit=ms/op key=median_ms
if [ "${METRIC:-wall}" = cpu ]; then unit=cpu-ms/op key=median_cpu_ms; fi
MODELS=${MODELS:-"mobilenet-v1 alexnet nin squeezenet-v1.0 squeezenet-v1.1"}
PY=${PY:-/usr/bin/python3}
for r in $(seq "$ROUNDS"); do
	for m in $MODELS; do
		for bin in "$@"; do
			ms=$(GOMAXPROCS=1 "$bin" -test.run '^$' -test.bench "^BenchmarkForward\$/^$m\$/threads=1\$" \
				-test.benchtime 20x | awk -v u="$unit" '$0 ~ u { for (i = 1; i < NF; i++) if ($(i+1) == u) print $i }')
			echo "$r $m $(basename "$bin" .test) $ms"
		done
		ms=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$PY" "$here/torch_zoo.py" "$m" --threads 1 --runs 20 |
			sed "s/.*\"$key\": \([0-9.]*\).*/\1/")
		echo "$r $m torch $ms"
	done
done
