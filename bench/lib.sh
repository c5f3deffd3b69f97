# Shared by the bench/ scripts: a real `alknet serve` and `alknet connect` on loopback, and /proc figures.
# Source it; call pair_up SCHEME [connect options...]; pair_down at the end (a trap does it too).
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
  "$root/alknet" serve --home "$work/home" --listen "$scheme://127.0.0.1:$SSH_PORT" >"$work/server.log" 2>&1 &
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

# fds threads rss_kib of a pid, after a full GC (so heap that is only garbage does not count)
proc_stats() {
  local pid="$1"
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  sleep 1
  local fds threads rss
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  threads=$(awk '/^Threads:/{print $2}' "/proc/$pid/status")
  rss=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")
  echo "$fds $threads $rss"
}

heap_used_kib() { jcmd "$1" GC.heap_info 2>/dev/null | awk '/used/{for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub("K","",v); print v; exit}}'; }

# The real `alknet` process is the java child of the launcher script.
java_pid() { pgrep -P "$1" java || echo "$1"; }
