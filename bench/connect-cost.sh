#!/usr/bin/env bash
# What one SOCKS connect (with SocksBench's 64-byte echo) costs each tunnel, warm and cold: CPU time and voluntary
# context switches per connect of `alknet connect` + `alknet serve` against `ssh -D -c aes128-gcm` + its `sshd`
# session processes, read from /proc around alternating rounds, and the JIT's compile count and seconds per alknet JVM.
#   bench/connect-cost.sh [--rounds 8] [--conns 4000] [--parallel 32] [--profile-from ROUND]
# --profile-from: from that round on, async-profiler samples both JVMs (ASYNC_PROFILER=path/to/libasyncProfiler.so);
# collapsed stacks land in ./connect.collapsed and ./serve.collapsed. Same needs as bench/compare.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
rounds=8; conns=4000; parallel=32; profile_from=0
while (($#)); do case "$1" in
  --rounds) rounds=$2; shift 2;; --conns) conns=$2; shift 2;; --parallel) parallel=$2; shift 2;;
  --profile-from) profile_from=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
[[ -f $bench ]] || { echo "SocksBench.java not found at $bench (set SOCKSBENCH)" >&2; exit 1; }
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for ((i = 0; i < 900; i++)); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
mkdir -p "$work/bin"; javac -d "$work/bin" "$bench"
sb() { java -cp "$work/bin" SocksBench "$@"; }

T=$(port); java -cp "$work/bin" SocksBench target --port "$T" 2>/dev/null & pids+=($!); up "$T"   # java itself: its pid is killed at exit
export ALKNET_HOME="$work/home"; mkdir -p "$ALKNET_HOME"; "$root/alknet" keygen >/dev/null 2>&1
cp "$ALKNET_HOME/id_ed25519.pub" "$ALKNET_HOME/authorized_keys"
ssh-keygen -q -t ed25519 -N "" -f "$work/sshd_host"
SP=$(port); mkdir -p /run/sshd
printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\nPidFile %s\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n' \
  "$SP" "$work/sshd_host" "$ALKNET_HOME/authorized_keys" "$work/sshd.pid" >"$work/sshd_config"
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & sshd_pid=$!; pids+=($!); up "$SP"
SS=$(port)
ssh -N -D "127.0.0.1:$SS" -c aes128-gcm@openssh.com -i "$ALKNET_HOME/id_ed25519" -p "$SP" -F /dev/null \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "$(whoami)@127.0.0.1" \
  2>"$work/ssh.log" & ssh_pid=$!; pids+=($!); up "$SS"
AP=$(port); AS=$(port)
# the launcher execs the JVM: these pids are the JVMs
"$root/alknet" serve --listen "tcp://127.0.0.1:$AP" --allow loopback 2>"$work/serve.log" & serve_pid=$!; pids+=($!); up "$AP"
"$root/alknet" connect "tcp://127.0.0.1:$AP" --socks "127.0.0.1:$AS" 2>"$work/connect.log" & connect_pid=$!; pids+=($!); up "$AS"
sleep 2

descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
ticks() { local t=0 p f; for p in "$@"; do f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue; set -- $f; t=$((t + ${12} + ${13})); done; echo $t; }
switches() { local t=0 p v; for p in "$@"; do for v in $(awk '/^voluntary_ctxt_switches/{print $2}' /proc/$p/task/*/status 2>/dev/null); do t=$((t + v)); done; done; echo $t; }
jit() { jstat -compiler "$1" | awk 'NR==2{printf "%d methods %.1f s", $1, $4}'; }
agent() { jcmd "$1" JVMTI.agent_load "$ASYNC_PROFILER" "\"$2\"" >/dev/null; }
hz=$(getconf CLK_TCK)
us() { echo $(( ($2 - $1) * 1000000 / hz / conns )); }

printf '%-5s %-7s %8s %10s %10s  %s\n' round path conn/s cpu/conn csw/conn "detail"
for ((r = 1; r <= rounds; r++)); do
  if ((profile_from > 0 && r == profile_from)); then
    for p in $serve_pid $connect_pid; do agent "$p" "start,event=cpu,interval=1ms"; done
  fi
  for path in ssh alknet; do
    if [[ $path == ssh ]]; then s=$SS; procs="$ssh_pid $(descendants "$sshd_pid")"; else s=$AS; procs="$serve_pid $connect_pid"; fi
    a=$(ticks $procs); ac=$(ticks "$connect_pid"); as=$(ticks "$serve_pid"); xa=$(switches $procs)
    res=$(sb connect --target "127.0.0.1:$T" --socks "127.0.0.1:$s" --conns "$conns" --parallel "$parallel")
    b=$(ticks $procs); bc=$(ticks "$connect_pid"); bs=$(ticks "$serve_pid"); xb=$(switches $procs)
    rate=$(sed 's/.*"per_s":\([0-9]*\).*/\1/' <<<"$res")
    detail=""
    [[ $path == alknet ]] && detail="client $(us "$ac" "$bc") us, server $(us "$as" "$bs") us; JIT client $(jit "$connect_pid"), server $(jit "$serve_pid")"
    printf '%-5s %-7s %8s %8s us %10s  %s\n' "$r" "$path" "$rate" "$(us "$a" "$b")" \
      "$(awk -v d=$((xb - xa)) -v n="$conns" 'BEGIN{printf "%.2f", d / n}')" "$detail"
  done
done
if ((profile_from > 0)); then
  agent "$serve_pid" "stop,file=$PWD/serve.collapsed,collapsed"; agent "$connect_pid" "stop,file=$PWD/connect.collapsed,collapsed"
fi
