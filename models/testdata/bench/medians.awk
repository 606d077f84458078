# Medians of paired_zoo.sh samples per model and runner, and each runner's
# time ÷ PyTorch's (ratio of the medians).
{ v[$2 SUBSEP $3] = v[$2 SUBSEP $3] " " $4; if (!($2 in seen)) { seen[$2] = 1; order[++nm] = $2 } if (!($3 in rs)) { rs[$3] = 1; ro[++nr] = $3 } }
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j+1] = a[j]; a[j+1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
END {
	for (i = 1; i <= nm; i++) {
		m = order[i]; t = median(v[m SUBSEP "torch"]); line = m
		for (k = 1; k <= nr; k++) {
			x = median(v[m SUBSEP ro[k]])
			line = line sprintf("  %s %.2f", ro[k], x)
			if (ro[k] != "torch") line = line sprintf(" (%.2f×)", x / t)
		}
		print line
	}
}
