#!/usr/bin/env bash
# Soak: rounds of mixed load against a real `alknet serve` + `alknet connect` for --minutes (default 10), after
# --warmup-minutes (default 3) of the same rounds; then how much both processes grew from the end of the warm-up
# to the end of the soak. Goal: RSS growth under 10 %.
#
# Why a warm-up before the baseline: the first minutes of load size the JVM to its working set (heap regions,
# JIT code, the allocator's chunks, the C library's malloc arenas, see docs/reliability.md, "Soak"); growth after
# that is what an operator has to worry about. The warm-up lasts --warmup-minutes and then goes on (up to three
# times as long) until both processes have collected their old generation once: before that, promoted garbage
# still spreads over old-generation pages not touched yet, so RSS rises without anything being kept. RSS is read as it is (no GC forced before it: what `ps` shows), 12 s
# after the round (the launcher's native-heap trim runs every 10 s), and right after each round (the highest);
# heap in use is read after a full GC, so that only live objects count (a leak shows there first).
# Each round: connect churn (2,000 SOCKS connects with a 64-byte echo, 16 in parallel), a 256 MiB bulk
# download, 500 streams held 20 s with checksums. One line per round: RSS and Netty's allocator memory of both.
# Usage: bench/soak.sh [--minutes 10] [--warmup-minutes 3] [tcp|tls|quic]
#   env DIAG=DIR: also writes into DIR both processes' class histograms at the baseline and at the end (what grew,
#   if heap in use did) and, when they run with -XX:NativeMemoryTracking=summary (ALKNET_JAVA_OPTS), the native
#   memory by JVM category: at the baseline and its difference at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
minutes=10; warmup=3; scheme=tcp
while (($#)); do case "$1" in
  --minutes) minutes=$2; shift 2;; --warmup-minutes) warmup=$2; shift 2;;
  tcp|tls|quic) scheme=$1; shift;; *) echo "usage: bench/soak.sh [--minutes N] [--warmup-minutes N] [tcp|tls|quic]" >&2; exit 2;;
esac; done
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f "$bench" ]] || bench=/work/shared/bench/SocksBench.java

server_metrics=$(free_port); client_metrics=$(free_port)
SERVE_OPTS="--metrics 127.0.0.1:$server_metrics" pair_up "$scheme" --metrics "127.0.0.1:$client_metrics"
target_port=$(free_port)
java "$bench" target --port "$target_port" 2>/dev/null &
target_pid=$!
trap 'kill $target_pid 2>/dev/null; pair_down' EXIT
sleep 2
socks="127.0.0.1:$SOCKS_PORT"; target="127.0.0.1:$target_port"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

failures=0
round() {  # sets $line (what each part did) and adds what failed to $failures
  local c b h per_s failed mib verified
  c=$(java "$bench" connect --socks "$socks" --target "$target" --conns 2000 --parallel 16 2>&1) || true
  b=$(java "$bench" bulk --socks "$socks" --target "$target" --mib 256 2>&1) || true
  h=$(java -Xss256k "$(dirname "$0")/HoldStreams.java" --socks "$socks" --streams 500 --seconds 20 2>&1) || true
  per_s=$(sed -n 's/.*"per_s":\([0-9]*\).*/\1/p' <<<"$c"); failed=$(sed -n 's/.*"failed":\([0-9]*\).*/\1/p' <<<"$c")
  mib=$(sed -n 's/.*"mib_per_s":\([0-9.]*\).*/\1/p' <<<"$b"); verified=$(sed -n 's/.*"verified":\([0-9]*\).*/\1/p' <<<"$h")
  failures=$((failures + ${failed:-2000} + 500 - ${verified:-0}))
  [[ -n $mib ]] || failures=$((failures + 1))
  line="connect ${per_s:-?}/s (${failed:-all} failed), bulk ${mib:-failed} MiB/s, streams ${verified:-0}/500 verified"
}
# Netty's allocator memory (direct, MiB) from the metrics endpoint
netty_mib() {
  curl -s --max-time 5 "http://127.0.0.1:$1/metrics" \
    | awk '/^alknet_netty_memory_bytes\{kind="direct"\}/{printf "%.0f", $2 / 1048576; f=1} END{if(!f) printf "?"}'
}
mib() { echo $(( $1 / 1024 )); }
# rss (as is), then after a full GC: heap in use and committed (KiB), fds, threads
snapshot() {  # PID NAME
  local pid=$1 rss fds threads
  rss=$(rss_kib "$pid")
  read -r fds threads _ <<<"$(proc_stats "$pid")"
  if [[ -n ${DIAG:-} ]]; then
    local jcmd; jcmd=$(jdk_tool jcmd "$pid"); mkdir -p "$DIAG"
    "$jcmd" "$pid" GC.class_histogram >"$DIAG/$2.histogram" 2>&1 || true
    if [[ $2 == *.baseline ]]; then
      "$jcmd" "$pid" VM.native_memory summary >"$DIAG/$2.nmt" 2>&1 && "$jcmd" "$pid" VM.native_memory baseline >/dev/null 2>&1
    else
      "$jcmd" "$pid" VM.native_memory summary.diff >"$DIAG/$2.nmt-diff" 2>&1
    fi || true
  fi
  echo "$rss $(heap_kib "$pid") $fds $threads"
}
peak_s=0; peak_c=0
# Until both processes have collected their old generation once, the heap's working size is not known yet.
warm() { (( $(old_collections "$SERVER_PID") > 0 && $(old_collections "$CLIENT_PID") > 0 )); }
run_for() {  # SECONDS LABEL [MAX_SECONDS]: whole rounds until SECONDS have passed (at least one), and with
  # MAX_SECONDS, on until warm or MAX_SECONDS have passed
  local start=$(date +%s) n=0 rs rc
  while (( n == 0 || $(date +%s) < start + $1 )) || { (($# > 2)) && (( $(date +%s) < start + $3 )) && ! warm; }; do
    n=$((n + 1)); round
    rs=$(rss_kib "$SERVER_PID"); rc=$(rss_kib "$CLIENT_PID")
    (( rs > peak_s )) && peak_s=$rs; (( rc > peak_c )) && peak_c=$rc
    echo "$2 $n: $line | server rss $(mib "$rs") MiB, netty $(netty_mib "$server_metrics") MiB" \
      "| client rss $(mib "$rc") MiB, netty $(netty_mib "$client_metrics") MiB"
  done
}

warmup_start=$(date +%s)
run_for $((warmup * 60)) "warm-up round" $((warmup * 3 * 60))
warmed=$(( ($(date +%s) - warmup_start + 30) / 60 ))  # the warm-up goes on until the old generation was collected
collected=$(warm && echo yes || echo "not yet, after $((warmup * 3)) min")
sleep 12
read -r sr0 sh0 sc0 sf0 st0 <<<"$(snapshot "$SERVER_PID" server.baseline)"
read -r cr0 ch0 cc0 cf0 ct0 <<<"$(snapshot "$CLIENT_PID" client.baseline)"
echo "baseline: server rss $(mib "$sr0") MiB | client rss $(mib "$cr0") MiB ($failures failures in the warm-up;" \
  "old generation collected: $collected)"
failures=0; peak_s=0; peak_c=0; start=$(date +%s)
run_for $((minutes * 60)) "round"
sleep 12
read -r sr1 sh1 sc1 sf1 st1 <<<"$(snapshot "$SERVER_PID" server.end)"
read -r cr1 ch1 cc1 cf1 ct1 <<<"$(snapshot "$CLIENT_PID" client.end)"
growth() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%+.1f %%", (b - a) * 100 / a}'; }
report() {  # name rss0 rss1 heap_used0 heap_used1 committed0 committed1 fds0 fds1 threads0 threads1
  printf '%s: rss %s -> %s MiB (%s; highest after a round %s MiB), heap in use %s -> %s MiB (committed %s -> %s), fds %s -> %s, threads %s -> %s\n' \
    "$1" "$(mib "$2")" "$(mib "$3")" "$(growth "$2" "$3")" "$(mib "${12}")" "$(mib "$4")" "$(mib "$5")" "$(mib "$6")" \
    "$(mib "$7")" "$8" "$9" "${10}" "${11}"
}
echo "after $(( ($(date +%s) - start) / 60 )) min of load (baseline at the end of a ${warmed}-min warm-up):"
report server "$sr0" "$sr1" "$sh0" "$sh1" "$sc0" "$sc1" "$sf0" "$sf1" "$st0" "$st1" "$peak_s"
report client "$cr0" "$cr1" "$ch0" "$ch1" "$cc0" "$cc1" "$cf0" "$cf1" "$ct0" "$ct1" "$peak_c"
echo "failures: $failures (failed connects, streams not verified, failed downloads)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
