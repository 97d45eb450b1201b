# SPDX-License-Identifier: MIT
# Turns results.tsv (id, title, variant, unit, better, mode, samples or "NA reason") into
# the Markdown table: median [min–max] per row and its ratio to the socksify row.

function fmt(x, ax) {
	ax = x < 0 ? -x : x
	if (ax >= 100) return sprintf("%.0f", x)
	if (ax >= 10) return sprintf("%.1f", x)
	return sprintf("%.2f", x)
}

# Sorts the n samples of row r into s[1..n] (insertion sort: a few dozen values at most).
function load(r, s,    n, i, j, t, a) {
	n = split(val[r], a, " ")
	for (i = 1; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]
		s[j + 1] = t
	}
	return n
}

function median(s, n) {
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}

{
	rows++
	id[rows] = $1; title[rows] = $2; var[rows] = $3; unit[rows] = $4
	better[rows] = $5; mode[rows] = $6; val[rows] = $7
	if (!($1 in seen)) { seen[$1] = 1; order[++nfig] = $1 }
}

END {
	print "| # | figure | variant | median | spread | ÷ socksify |"
	print "|---|---|---|---|---|---|"
	for (f = 1; f <= nfig; f++) {
		fid = order[f]; base = 0; ours = ""; head = ""
		for (r = 1; r <= rows; r++) {
			if (id[r] != fid) continue
			if (head == "" && unit[r] != "") head = title[r] " (" unit[r] ", " better[r] " is better)"
			if (val[r] ~ /^NA/) continue
			split("", s); n = load(r, s); med[r] = median(s, n); lo[r] = s[1]; hi[r] = s[n]
		}
		for (r = 1; r <= rows; r++) {
			if (id[r] != fid || val[r] ~ /^NA/) continue
			if (mode[r] == "delta" && var[r] == "plain") base = med[r]
		}
		# the preload alone, else (figures of whole runs) through the wrapper
		for (r = 1; r <= rows; r++)
			if (id[r] == fid && var[r] == "socksify" && val[r] !~ /^NA/) ours = med[r] - base
		for (r = 1; r <= rows && ours == ""; r++)
			if (id[r] == fid && var[r] == "socksify-wrap" && val[r] !~ /^NA/) ours = med[r] - base
		first = 1
		for (r = 1; r <= rows; r++) {
			if (id[r] != fid) continue
			if (head == "") head = title[r]
			label = first ? "| " fid " | " head " | " : "| | | "
			if (mode[r] == "delta" && var[r] == "plain" && val[r] !~ /^NA/) {
				printf "%s%s | %s KiB (absolute) | | |\n", label, var[r], fmt(med[r])
				first = 0
				continue
			}
			if (val[r] ~ /^NA/) {
				reason = substr(val[r], 4)
				printf "%s%s | %s | | |\n", label, var[r], reason
			} else {
				m = med[r] - base
				ratio = (ours != "" && ours != 0) ? fmt(m / ours) : "–"
				printf "%s%s | %s | %s–%s | %s |\n", label, var[r], fmt(m), fmt(lo[r] - base),
				       fmt(hi[r] - base), ratio
			}
			first = 0
		}
	}
}
