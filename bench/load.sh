#!/usr/bin/env bash
# Load against a real `alknet serve` + `alknet connect` on loopback:
#   1. STREAMS streams held open at once for HOLD seconds, checksummed (bench/HoldStreams.java);
#   2. connect rate: 2,500 x RATE_SECONDS new SOCKS connections with a 64-byte echo, one run
#      (../shared/bench/SocksBench.java connect; the figure is what is reached, the target is 2,000/s for 60 s);
#   3. fds, threads, RSS and heap of both processes before, and after the load has ended (after a GC); fds, threads
#      and RSS again SETTLE seconds later, when idle pool threads have gone.
# Usage: bench/load.sh [tcp|tls|quic]   env: STREAMS=5000 HOLD=60 RATE_SECONDS=60 PARALLEL=64 SETTLE=65
set -euo pipefail
source "$(dirname "$0")/lib.sh"
scheme="${1:-tcp}"
STREAMS="${STREAMS:-5000}"; HOLD="${HOLD:-60}"; RATE_SECONDS="${RATE_SECONDS:-60}"; PARALLEL="${PARALLEL:-64}"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f "$bench" ]] || bench=/work/shared/bench/SocksBench.java

pair_up "$scheme"
target_port=$(free_port)
java "$bench" target --port "$target_port" 2>/dev/null &
target_pid=$!
trap 'kill $target_pid 2>/dev/null; pair_down' EXIT
sleep 2
# warm-up, then the baseline
java "$bench" connect --socks "127.0.0.1:$SOCKS_PORT" --target "127.0.0.1:$target_port" --conns 500 --parallel 16 >/dev/null
s0=$(proc_stats "$SERVER_PID"); c0=$(proc_stats "$CLIENT_PID")
sh0=$(heap_used_kib "$SERVER_PID"); ch0=$(heap_used_kib "$CLIENT_PID")
echo "baseline  server fds/threads/rss_kib: $s0 heap_kib $sh0 | client: $c0 heap_kib $ch0"

echo "== $STREAMS streams held $HOLD s ($scheme)"
java -Xss256k "$(dirname "$0")/HoldStreams.java" --socks "127.0.0.1:$SOCKS_PORT" --streams "$STREAMS" --seconds "$HOLD" || true
echo "during-hold peak is in the JSON; after:"

# connect rate: one run of 2,500 connections per second asked for, so that it lasts at least RATE_SECONDS at the
# 2,000/s target (a probe on a cold JVM had sized it too short; runs in a row lose seconds to each client JVM's start)
conns=$((2500 * RATE_SECONDS))
echo "== connect rate: $conns connections, $PARALLEL in parallel (>= $RATE_SECONDS s at 2,000/s)"
timeout $((RATE_SECONDS * 5)) java "$bench" connect --socks "127.0.0.1:$SOCKS_PORT" --target "127.0.0.1:$target_port" \
  --conns "$conns" --parallel "$PARALLEL" || echo "connect rate run stopped after $((RATE_SECONDS * 5)) s"

sleep 5
s1=$(proc_stats "$SERVER_PID"); c1=$(proc_stats "$CLIENT_PID")
sh1=$(heap_used_kib "$SERVER_PID"); ch1=$(heap_used_kib "$CLIENT_PID")
echo "after     server fds/threads/rss_kib: $s1 heap_kib $sh1 | client: $c1 heap_kib $ch1"
# The server's name-resolver pool keeps its threads (up to 8) until they have been idle 60 s: count again after that.
if (( ${SETTLE:-65} > 0 )); then
  sleep "${SETTLE:-65}"
  s2=$(proc_stats "$SERVER_PID"); c2=$(proc_stats "$CLIENT_PID")
  echo "settled   server fds/threads/rss_kib: $s2 | client: $c2 (${SETTLE:-65} s later)"
fi
