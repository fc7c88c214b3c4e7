# shellcheck shell=bash
# Sourced by bench.sh: report prints the tables from $work/samples.LABEL.MODE
# ("PHASE VALUE" lines) for labels myrunc, runc and crun. bench.sh sets
# work, par_n, par and alive.
# shellcheck disable=SC2154

# stats FILE PHASE: "median p25 p75 n" of PHASE's values (nothing if none)
stats() {
	[ -f "$1" ] || return 0
	awk -v p="$2" '$1 == p { print $2 }' "$1" | sort -g | awk '
		function q(f,  i) { i = 1 + (NR - 1) * f; return v[int(i)] + (i - int(i)) * (v[int(i) + 1] - v[int(i)]) }
		{ v[NR] = $1 }
		END { if (NR) print q(0.5), q(0.25), q(0.75), NR }'
}

# cell VALUE DIVISOR FORMAT: VALUE/DIVISOR, "-" when empty
cell() { if [ -n "$1" ]; then awk -v v="$1" -v d="$2" -v f="$3" 'BEGIN { printf f, v / d }'; else printf '%s' -; fi; }
ratio() { if [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; else printf '%s' -; fi; }

# row NAME MODE PHASE DIVISOR FORMAT: the three medians, the ratios, and
# each runtime's spread and sample count
row() {
	local name=$1 mode=$2 phase=$3 div=$4 f=$5 l med=() spread="" m a b c
	for l in myrunc runc crun; do
		read -r m a b c <<<"$(stats "$work/samples.$l.$mode" "$phase")" || true
		med+=("${m:-}")
		spread+=" $(cell "${a:-}" "$div" "$f")-$(cell "${b:-}" "$div" "$f")/${c:-0}"
	done
	printf '  %-14s %9s %9s %9s %8s %8s  %s\n' "$name" "$(cell "${med[0]}" "$div" "$f")" \
		"$(cell "${med[1]}" "$div" "$f")" "$(cell "${med[2]}" "$div" "$f")" \
		"$(ratio "${med[0]}" "${med[1]}")" "$(ratio "${med[0]}" "${med[2]}")" "$spread"
}

header() {
	printf '\n%s\n' "$1"
	printf '  %-14s %9s %9s %9s %8s %8s  %s\n' "" myrunc runc crun "vs runc" "vs crun" \
		"spread p25-p75/samples: myrunc runc crun"
}

report() {
	header "run /bin/true, median ms"
	row run run total 1000 '%.2f'
	header "create/start/kill/delete /bin/sleep 600, median ms"
	local p
	for p in create start kill wait delete total; do
		row "$p" split "$p" 1000 '%.2f'
	done
	header "exec /bin/true into a running container, median ms"
	row exec exec exec 1000 '%.2f'
	header "$par_n containers run, $par at a time: wall s"
	row "$par_n x run" par par 1000000 '%.2f'
	header "the first container after the runtime's cache is emptied (run /bin/true), median ms"
	row "cold run" cold cold 1000 '%.2f'
	header "peak RSS (GNU time %M: the runtime and the children it waits for), KiB"
	row create rss rss 1 '%d'
	row run runrss runrss 1 '%d'
	if [ "$alive" != 0 ]; then
		header "$alive containers alive at once (sleep): create+start ms per container, list and delete"
		row "first 10" alive first10 1000 '%.2f'
		row "last 10" alive last10 1000 '%.2f'
		row "list -q, ms" alive list_q 1000 '%.2f'
		row "list, ms" alive list 1000 '%.2f'
		row "delete all, s" alive delete_all 1000000 '%.2f'
	fi
}
