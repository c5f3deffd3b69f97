#!/usr/bin/env bash
# Faults against a real `alknet serve` + `alknet connect` (tcp, loopback), with the time each takes to heal:
#   1. long slow link: the tunnel through SocksBench relay --delay-ms 50 --mbit 100; bulk and connect figures;
#   2. server SIGKILL, then restarted: how long until the client's tunnel is up again;
#   3. carrier reset mid-transfer: the relay between them killed during a bulk download;
#   4. client SIGKILL: the server's session count (its log) and established connections drop to zero.
# The stalled carrier (nothing forwarded, nothing closed) is KeepaliveEndToEndTest, which prints its figures.
# The client runs with the default --heartbeat (15 s): with --heartbeat 2s the relay's queue (seconds deep at
# 100 Mbit/s under a bulk download) delays the heartbeat replies past 3 x 2 s and the client drops a live tunnel.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f "$bench" ]] || bench=/work/shared/bench/SocksBench.java
ms() { date +%s%3N; }

mkdir -p "$work/home"
"$root/alknet" keygen --home "$work/home" >/dev/null
cp "$work/home/id_ed25519.pub" "$work/home/authorized_keys"
SSH_PORT=$(free_port); RELAY_PORT=$(free_port); SOCKS_PORT=$(free_port); target_port=$(free_port)
java "$bench" target --port "$target_port" 2>/dev/null & target_pid=$!
serve() { "$root/alknet" serve --home "$work/home" --listen "tcp://127.0.0.1:$SSH_PORT" --allow loopback >>"$work/server.log" 2>&1 & SERVER_PID=$!; }
relay() { java "$bench" relay --port "$RELAY_PORT" --to "127.0.0.1:$SSH_PORT" "$@" 2>>"$work/relay.log" & relay_pid=$!; }
trap 'kill $target_pid $relay_pid 2>/dev/null; pair_down' EXIT
serve; relay --delay-ms 50 --mbit 100; sleep 3
"$root/alknet" connect --home "$work/home" --socks "127.0.0.1:$SOCKS_PORT" "tcp://127.0.0.1:$RELAY_PORT" \
  >"$work/client.log" 2>&1 & CLIENT_PID=$!
wait_log() { local f="$1" pat="$2" n="$3"; for _ in $(seq 600); do [[ $(grep -c "$pat" "$f") -ge $n ]] && return 0; sleep 0.1; done; return 1; }
wait_log "$work/client.log" "tunnel up" 1
socks="127.0.0.1:$SOCKS_PORT"; target="127.0.0.1:$target_port"

echo "== 1. long slow link (100 ms RTT, 100 Mbit/s)"
java "$bench" bulk --socks "$socks" --target "$target" --mib 32 || true
java "$bench" bulk --socks "$socks" --target "$target" --mib 64 --streams 4 || true
java "$bench" connect --socks "$socks" --target "$target" --conns 200 --parallel 16 || true
echo "tunnel drops during the slow-link runs: $(grep -c 'tunnel lost' "$work/client.log" || true)"

echo "== 2. server SIGKILL, restarted 1 s later"
kill "$relay_pid"; relay; sleep 1   # a plain relay from here on
wait_log "$work/client.log" "tunnel up" 2 || true
ups=$(grep -c "tunnel up" "$work/client.log")
kill -9 "$SERVER_PID"; t0=$(ms); sleep 1; serve
# SocksBench's relay exits when it cannot reach its upstream, which the client's first redial during the outage
# makes happen: bring it back with the server (the client's backoff is what is measured, not the relay's death)
kill -0 "$relay_pid" 2>/dev/null || relay
wait_log "$work/client.log" "tunnel up" $((ups + 1)) && echo "tunnel up again $(( $(ms) - t0 )) ms after the kill"

echo "== 3. carrier reset mid-transfer"
ups=$(grep -c "tunnel up" "$work/client.log")
# SocksBench bulk does not notice an EOF on the SOCKS socket (it then sits in CLOSE-WAIT): bound it
timeout 60 java "$bench" bulk --socks "$socks" --target "$target" --mib 4096 >"$work/bulk.out" 2>&1 & bulk=$!
sleep 2; kill -9 "$relay_pid" 2>/dev/null || true; t0=$(ms); relay
wait_log "$work/client.log" "tunnel up" $((ups + 1)) && echo "tunnel up again $(( $(ms) - t0 )) ms after the reset"
wait "$bulk" || true; echo "the stream in flight: $(tail -1 "$work/bulk.out")"   # after: it may sit until its timeout
java "$bench" connect --socks "$socks" --target "$target" --conns 200 --parallel 8 || true

echo "== 4. client SIGKILL"
kill -9 "$CLIENT_PID"; CLIENT_PID=""; t0=$(ms)
for _ in $(seq 300); do
  n=$(ss -Htn state established "( sport = :$SSH_PORT )" | wc -l)
  [[ "$n" -eq 0 ]] && break; sleep 0.1
done
echo "server's established connections: $n, $(( $(ms) - t0 )) ms after the kill"
spid=$(java_pid "$SERVER_PID"); echo "server fds/threads/rss_kib after: $(proc_stats "$spid")"
