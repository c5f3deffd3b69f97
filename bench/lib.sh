# Shared by the bench/ scripts: a real `alknet serve` and `alknet connect` on loopback, and /proc figures.
# Source it; call pair_up SCHEME [connect options...] (env SERVE_OPTS: more `serve` options); pair_down at the
# end (a trap does it too).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/alknet-bench-XXXXXX)"
SERVER_PID=""
CLIENT_PID=""

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pair_up() {
  local scheme="$1"; shift
  mkdir -p "$work/home"
  "$root/alknet" keygen --home "$work/home" >/dev/null
  cp "$work/home/id_ed25519.pub" "$work/home/authorized_keys"
  SSH_PORT=$(free_port); SOCKS_PORT=$(free_port)
  # shellcheck disable=SC2086
  "$root/alknet" serve --home "$work/home" --listen "$scheme://127.0.0.1:$SSH_PORT" --allow loopback ${SERVE_OPTS:-} >"$work/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do grep -q "listening" "$work/server.log" 2>/dev/null && break; sleep 0.2; done
  "$root/alknet" connect --home "$work/home" --socks "127.0.0.1:$SOCKS_PORT" "$@" "$scheme://127.0.0.1:$SSH_PORT" \
    >"$work/client.log" 2>&1 &
  CLIENT_PID=$!
  for _ in $(seq 600); do
    grep -q "tunnel up" "$work/client.log" 2>/dev/null && break
    sleep 0.2
  done
}

pair_down() {
  if [[ -n "$CLIENT_PID" ]]; then kill "$CLIENT_PID" 2>/dev/null || true; wait "$CLIENT_PID" 2>/dev/null || true; fi
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  CLIENT_PID=""; SERVER_PID=""
}
trap pair_down EXIT

# The JDK tool NAME (jcmd, jstat) of the JVM that runs PID: the launcher may pick a newer JDK than the PATH's.
jdk_tool() { local bin; bin=$(dirname "$(readlink "/proc/$2/exe")"); if [[ -x $bin/$1 ]]; then echo "$bin/$1"; else echo "$1"; fi; }

rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }

# fds threads rss_kib of a pid, after a full GC (so heap that is only garbage does not count)
proc_stats() {
  local pid="$1"
  "$(jdk_tool jcmd "$pid")" "$pid" GC.run >/dev/null 2>&1 || true
  sleep 1
  local fds threads rss
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  threads=$(awk '/^Threads:/{print $2}' "/proc/$pid/status")
  rss=$(rss_kib "$pid")
  echo "$fds $threads $rss"
}

# Java heap in use and committed (KiB): young and old generations, whatever the collector (jstat -gc columns).
heap_kib() {
  "$(jdk_tool jstat "$1")" -gc "$1" | awk 'NR==1{for(i=1;i<=NF;i++) c[$i]=i} NR==2{
    printf "%d %d\n", $c["S0U"]+$c["S1U"]+$c["EU"]+$c["OU"], $c["S0C"]+$c["S1C"]+$c["EC"]+$c["OC"]}'
}
heap_used_kib() { heap_kib "$1" | cut -d' ' -f1; }

# Collections of the old generation so far: full GCs, plus concurrent cycles where the collector has them (G1).
old_collections() {
  local n
  n=$("$(jdk_tool jstat "$1")" -gc "$1" 2>/dev/null | awk 'NR==1{for(i=1;i<=NF;i++) c[$i]=i} NR==2{
    print $c["FGC"] + ((c["CGC"] && $c["CGC"] ~ /^[0-9]+$/) ? $c["CGC"] : 0)}')
  echo "${n:-0}"
}

# The real `alknet` process is the java child of the launcher script.
java_pid() { pgrep -P "$1" java || echo "$1"; }
