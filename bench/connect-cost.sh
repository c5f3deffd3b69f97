#!/usr/bin/env bash
# What one SOCKS connect (with SocksBench's 64-byte echo) costs each tunnel, warm and cold: CPU time and voluntary
# context switches per connect of `alknet connect` + `alknet serve` against `ssh -D -c aes128-gcm` + its `sshd`
# session processes, read from /proc around alternating rounds, and the JIT's compile count and seconds per alknet JVM.
#   bench/connect-cost.sh [--rounds 8] [--conns 4000] [--parallel 32] [--profile-from ROUND]
# --profile-from: from that round on, async-profiler samples both JVMs (ASYNC_PROFILER=path/to/libasyncProfiler.so);
# collapsed stacks land in ./connect.collapsed and ./serve.collapsed. Same needs as bench/compare.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
rounds=8; conns=4000; parallel=32; profile_from=0
while (($#)); do case "$1" in
  --rounds) rounds=$2; shift 2;; --conns) conns=$2; shift 2;; --parallel) parallel=$2; shift 2;;
  --profile-from) profile_from=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
[[ -f $bench ]] || { echo "SocksBench.java not found at $bench (set SOCKSBENCH)" >&2; exit 1; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pair_down; rm -rf "$work"; }
trap cleanup EXIT
up() { for ((i = 0; i < 900; i++)); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
mkdir -p "$work/bin"; javac -d "$work/bin" "$bench"
sb() { java -cp "$work/bin" SocksBench "$@"; }

T=$(free_port); java -cp "$work/bin" SocksBench target --port "$T" 2>/dev/null & pids+=($!); up "$T"   # java itself: its pid is killed at exit
pair_up tcp   # alknet serve + connect with keys in $work/home; the launcher execs the JVMs: these pids are theirs
serve_pid=$SERVER_PID; connect_pid=$CLIENT_PID; AS=$SOCKS_PORT
ssh-keygen -q -t ed25519 -N "" -f "$work/sshd_host"
SP=$(free_port); mkdir -p /run/sshd
printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\nPidFile %s\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n' \
  "$SP" "$work/sshd_host" "$work/home/authorized_keys" "$work/sshd.pid" >"$work/sshd_config"
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & sshd_pid=$!; pids+=($!); up "$SP"
SS=$(free_port)
ssh -N -D "127.0.0.1:$SS" -c aes128-gcm@openssh.com -i "$work/home/id_ed25519" -p "$SP" -F /dev/null \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "$(whoami)@127.0.0.1" \
  2>"$work/ssh.log" & ssh_pid=$!; pids+=($!); up "$SS"
sleep 2

descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
ticks() { local t=0 p f; for p in "$@"; do f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue; set -- $f; t=$((t + ${12} + ${13})); done; echo $t; }
switches() { local t=0 p v; for p in "$@"; do for v in $(awk '/^voluntary_ctxt_switches/{print $2}' /proc/$p/task/*/status 2>/dev/null); do t=$((t + v)); done; done; echo $t; }
jit() { "$(jdk_tool jstat "$1")" -compiler "$1" | awk 'NR==2{printf "%d methods %.1f s", $1, $4}'; }
agent() { "$(jdk_tool jcmd "$1")" "$1" JVMTI.agent_load "$ASYNC_PROFILER" "\"$2\"" >/dev/null; }
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
