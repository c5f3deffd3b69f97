#!/usr/bin/env bash
# Cold start of `alknet connect`: time from launch until it prints "SOCKS5h proxy on" (the tunnel is up and the
# SOCKS port accepts), N fresh JVMs in a row against one `alknet serve`; prints each run and the median.
#   bench/startup.sh [--runs 5] [--transport tcp|tls] [--launcher ./alknet] [--opts "JAVA_OPTS for connect"]
# Run it twice after a build: the launcher creates its class-data archives on the first run of each command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5; transport=tcp; launcher="$root/alknet"; opts="${ALKNET_JAVA_OPTS:-}"
while (($#)); do case "$1" in
  --runs) runs=$2; shift 2;; --transport) transport=$2; shift 2;; --launcher) launcher=$2; shift 2;;
  --opts) opts=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
export ALKNET_HOME="$work/home"; mkdir -p "$ALKNET_HOME"
"$launcher" keygen >/dev/null 2>&1
cp "$ALKNET_HOME/id_ed25519.pub" "$ALKNET_HOME/authorized_keys"
P=$(port)
"$launcher" serve --listen "$transport://127.0.0.1:$P" --allow loopback 2>"$work/serve.log" & pids+=($!)
for ((i = 0; i < 300; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$P") 2>/dev/null && break; sleep 0.1; done
sleep 1
ALKNET_JAVA_OPTS="$opts" python3 - "$launcher" "$transport://127.0.0.1:$P" "$runs" <<'PY'
import os, statistics, subprocess, sys, time
launcher, server, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for i in range(runs):
    t0 = time.monotonic()
    p = subprocess.Popen([launcher, "connect", server, "--socks", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    ready = None
    for line in p.stderr:
        if "SOCKS5h proxy on" in line:
            ready = time.monotonic() - t0
            break
    p.terminate()
    try:
        p.wait(15)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()
    if ready is None:
        sys.exit("connect never became ready")
    times.append(ready)
    print(f"run {i + 1}: {ready:.2f} s", file=sys.stderr)
print(f"connect to SOCKS-ready: median {statistics.median(times):.2f} s over {runs} runs "
      f"(min {min(times):.2f}, max {max(times):.2f}); load {os.getloadavg()[0]:.1f}")
PY
