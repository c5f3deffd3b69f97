#!/usr/bin/env bash
# Soak: mixed load against a real `alknet serve` + `alknet connect` for DURATION seconds (default 600),
# then the RSS growth of both processes (goal: under 10%). The baseline is taken after a warm-up round,
# so JIT, pools and buffer arenas have reached their working size; both samples follow a full GC.
# Each round: connect churn (2,000 SOCKS connects with a 64-byte echo), a 256 MiB bulk download,
# 500 streams held 20 s with checksums. Usage: bench/soak.sh [tcp|tls|quic]   env: DURATION=600
set -euo pipefail
source "$(dirname "$0")/lib.sh"
scheme="${1:-tcp}"; DURATION="${DURATION:-600}"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f "$bench" ]] || bench=/work/shared/bench/SocksBench.java

pair_up "$scheme"
target_port=$(free_port)
java "$bench" target --port "$target_port" 2>/dev/null &
target_pid=$!
trap 'kill $target_pid 2>/dev/null; pair_down' EXIT
sleep 2
socks="127.0.0.1:$SOCKS_PORT"; target="127.0.0.1:$target_port"

round() {
  java "$bench" connect --socks "$socks" --target "$target" --conns 2000 --parallel 16
  java "$bench" bulk --socks "$socks" --target "$target" --mib 256
  java -Xss256k "$(dirname "$0")/HoldStreams.java" --socks "$socks" --streams 500 --seconds 20
}

echo "== warm-up round"
round
read -r sf0 st0 sr0 <<<"$(proc_stats "$SERVER_PID")"
read -r cf0 ct0 cr0 <<<"$(proc_stats "$CLIENT_PID")"
echo "baseline: server fds $sf0 threads $st0 rss ${sr0} KiB | client fds $cf0 threads $ct0 rss ${cr0} KiB"
start=$(date +%s); rounds=0
while (( $(date +%s) - start < DURATION )); do
  round | sed "s/^/round $((rounds + 1)): /"
  rounds=$((rounds + 1))
done
sleep 5
read -r sf1 st1 sr1 <<<"$(proc_stats "$SERVER_PID")"
read -r cf1 ct1 cr1 <<<"$(proc_stats "$CLIENT_PID")"
echo "after $rounds rounds in $(( $(date +%s) - start )) s:"
echo "server: fds $sf0 -> $sf1, threads $st0 -> $st1, rss $sr0 -> $sr1 KiB ($(( (sr1 - sr0) * 100 / sr0 ))%)"
echo "client: fds $cf0 -> $cf1, threads $ct0 -> $ct1, rss $cr0 -> $cr1 KiB ($(( (cr1 - cr0) * 100 / cr0 ))%)"
