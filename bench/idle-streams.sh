#!/usr/bin/env bash
# Memory of many idle streams: opens N SOCKS5 CONNECTs through `alknet connect` to a SocksBench target (each an SSH
# channel and a destination connection on `alknet serve`), keeps them open and idle, and prints the resident set
# size (VmRSS) of the client and server JVMs before and with the streams open.
#   bench/idle-streams.sh [--streams 10000] [--transport tcp] [--opts "JAVA_OPTS for both"]
# Raises the open-file limit of this shell as far as the hard limit allows (each process here holds one descriptor
# per stream: this script's sockets, the client's SOCKS sockets, the server's destination sockets, the target's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f $bench || -n ${SOCKSBENCH:-} ]] || bench="$root/../../shared/bench/SocksBench.java"
streams=10000; transport=tcp; opts="${ALKNET_JAVA_OPTS:-}"
while (($#)); do case "$1" in
  --streams) streams=$2; shift 2;; --transport) transport=$2; shift 2;; --opts) opts=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done
want=$((streams + 4096)); hard=$(ulimit -Hn)
[[ $hard != unlimited ]] && ((hard < want)) && want=$hard
ulimit -n "$want"
((want >= streams + 1024)) || { echo "open-file hard limit $hard is too low for $streams streams" >&2; exit 1; }

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for ((i = 0; i < 900; i++)); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
export ALKNET_HOME="$work/home"; mkdir -p "$ALKNET_HOME" "$work/bin"
"$root/alknet" keygen >/dev/null 2>&1
cp "$ALKNET_HOME/id_ed25519.pub" "$ALKNET_HOME/authorized_keys"
javac -d "$work/bin" "$bench"
T=$(port); java -cp "$work/bin" SocksBench target --port "$T" 2>/dev/null & pids+=($!); up "$T"
P=$(port); S=$(port)
ALKNET_JAVA_OPTS="$opts" "$root/alknet" serve --listen "$transport://127.0.0.1:$P" --allow loopback 2>"$work/serve.log" & server=$!; pids+=($!)
[[ $transport != quic ]] && up "$P"
ALKNET_JAVA_OPTS="$opts" "$root/alknet" connect "$transport://127.0.0.1:$P" --socks "127.0.0.1:$S" \
  2>"$work/connect.log" & client=$!; pids+=($!)
up "$S"; sleep 2
echo "before: client $(rss $client) MiB, server $(rss $server) MiB RSS"
python3 - "$S" "$T" "$streams" "$client" "$server" <<'PY'
import os, socket, struct, sys, time
socks_port, target_port, n, client, server = map(int, sys.argv[1:])
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
host = b"localhost"
hello = b"\x05\x01\x00" + b"\x05\x01\x00\x03" + bytes([len(host)]) + host + struct.pack(">H", target_port)
def exactly(c, k):
    r = b""
    while len(r) < k:
        chunk = c.recv(k - len(r))
        if not chunk:
            sys.exit("stream closed during the handshake")
        r += chunk
    return r
def reply(c):  # method choice, then the CONNECT reply (its bound address is IPv4, IPv6 or a name)
    r = exactly(c, 2 + 4)
    if r[3] != 0:
        sys.exit(f"SOCKS reply {r[3]}")
    atyp = r[5]
    exactly(c, {1: 4, 4: 16}.get(atyp, 0) or exactly(c, 1)[0])
    exactly(c, 2)
conns, t0 = [], time.monotonic()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", socks_port), timeout=60)
    s.sendall(hello)  # greeting and CONNECT in one go; replies are read below
    conns.append(s)
    if len(conns) % 500 == 0:  # keep the number of opens in flight bounded
        for c in conns[-500:]:
            reply(c)
for c in conns[len(conns) // 500 * 500:]:
    reply(c)
opened = time.monotonic() - t0
time.sleep(5)
print(f"{n} idle streams (opened in {opened:.1f} s): client {rss(client)} MiB, server {rss(server)} MiB RSS; "
      f"load {os.getloadavg()[0]:.1f}")
for c in conns:
    c.close()
PY
