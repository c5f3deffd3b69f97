#!/usr/bin/env bash
# The connect rate of FRESH processes: for each pair, a new `alknet serve` + `alknet connect` (tcp, through the
# launcher, start-up archives on) or a new sshd + `ssh -D -c aes128-gcm`, then ROUNDS rounds of SocksBench connects
# (64-byte echo) through it; pairs of every variant alternate, so one run's ratios compare like with like.
#   bench/cold-connect.sh [--pairs 3] [--rounds 3] [--conns 1500] [--parallel 32] [--jit] [VARIANT...]
# VARIANT: NAME=CHECKOUT[|JAVA_OPTS[|CONNECT_ONLY_OPTS]] (default: alknet=this checkout); ssh -D is always one.
# The checkouts must have fresh AOT caches (run a command once and let the background training finish, or run
# dev.alknet.cli.training.AotTraining): each measured JVM runs with -XX:AOTMode=on, which refuses to start without one.
# A word @nice-c2 in JAVA_OPTS renices both JVMs' C2 compiler threads to 10 (an experiment; it did not help).
# --jit: also print each JVM's compile count and seconds (jstat -compiler) after every round.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
pairs=3; rounds=3; conns=1500; parallel=32; jit=0; variants=()
while (($#)); do case "$1" in
  --pairs) pairs=$2; shift 2;; --rounds) rounds=$2; shift 2;; --conns) conns=$2; shift 2;;
  --parallel) parallel=$2; shift 2;; --jit) jit=1; shift;; -*) echo "unknown option $1" >&2; exit 2;;
  *) variants+=("$1"); shift;; esac; done
((${#variants[@]})) || variants=("alknet=$root")
[[ -f $bench ]] || { echo "SocksBench.java not found at $bench (set SOCKSBENCH)" >&2; exit 1; }
work="$(mktemp -d /tmp/alknet-cold-XXXXXX)"
pids=(); procs=()
stop() { local p; for p in "$@"; do kill "$p" 2>/dev/null || true; done; for p in "$@"; do wait "$p" 2>/dev/null || true; done; }
cleanup() { stop "${procs[@]}" "${pids[@]}"; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
up() { for ((i = 0; i < 900; i++)); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
mkdir -p "$work/bin" "$work/home"; javac -d "$work/bin" "$bench"
sb() { java -cp "$work/bin" SocksBench "$@"; }
T=$(free_port); java -cp "$work/bin" SocksBench target --port "$T" 2>/dev/null & pids+=($!); up "$T"
ALKNET_CDS=off "$root/alknet" keygen --home "$work/home" >/dev/null
cp "$work/home/id_ed25519.pub" "$work/home/authorized_keys"
ssh-keygen -q -t ed25519 -N "" -f "$work/sshd_host"; mkdir -p /run/sshd
jit_of() { "$(dirname "$(readlink "/proc/$1/exe")")/jstat" -compiler "$1" | awk 'NR==2{printf "%d/%.1fs", $1, $4}'; }

# start_pair NAME CHECKOUT OPTS [CONNECT_OPTS]: sets procs (pids to stop), socks (port), jvms (the two JVM pids, alknet only)
start_pair() {
  local name=$1 dir=$2 opts=$3 copts=${4:-} sp s
  sp=$(free_port); s=$(free_port); jvms=(); ready=""
  if [[ $name == ssh ]]; then
    printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\nPidFile %s\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\nMaxStartups 1000\n' \
      "$sp" "$work/sshd_host" "$work/home/authorized_keys" "$work/sshd.pid" >"$work/sshd_config"
    /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>>"$work/sshd.log" & procs=($!); up "$sp"
    ssh -N -D "127.0.0.1:$s" -c aes128-gcm@openssh.com -i "$work/home/id_ed25519" -p "$sp" -F /dev/null \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "$(whoami)@127.0.0.1" \
      2>>"$work/ssh.log" & procs+=($!); up "$s"
  else
    local t0; t0=$(date +%s%N)
    local nice_c2=0; [[ $opts == *@nice-c2* ]] && nice_c2=1 && opts=${opts//@nice-c2/}
    ALKNET_JAVA_OPTS="-XX:AOTMode=on $opts" "$dir/alknet" serve --home "$work/home" --listen "tcp://127.0.0.1:$sp" \
      --allow loopback >"$work/serve-$name-$p.log" 2>&1 & procs=($!); jvms=($!); up "$sp"
    ALKNET_JAVA_OPTS="-XX:AOTMode=on $opts $copts" "$dir/alknet" connect --home "$work/home" --socks "127.0.0.1:$s" \
      "tcp://127.0.0.1:$sp" >"$work/connect-$name-$p.log" 2>&1 & procs+=($!); jvms+=($!)
    ((nice_c2)) && for j in "${jvms[@]}"; do for ((i = 0; i < 100; i++)); do
      t=$(grep -l '^C2 CompilerThre' /proc/$j/task/*/comm 2>/dev/null) && break; sleep 0.02; done
      for f in $t; do f=${f%/comm}; renice -n 10 -p "${f##*/}" >/dev/null; done; done
    for ((i = 0; i < 1200; i++)); do grep -q "tunnel up" "$work/connect-$name-$p.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "tunnel up" "$work/connect-$name-$p.log" || { echo "$name: no tunnel" >&2; cat "$work"/*-"$name-$p".log >&2; exit 1; }
    ready=" (serve start to tunnel up $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
  fi
  socks=$s
}

out="$work/results"
for ((p = 1; p <= pairs; p++)); do
  for v in ssh=- "${variants[@]}"; do
    name=${v%%=*}; rest=${v#*=}; dir=${rest%%|*}; opts=""; copts=""; [[ $rest == *"|"* ]] && opts=${rest#*|}
    [[ $opts == *"|"* ]] && copts=${opts#*|} && opts=${opts%%|*}
    start_pair "$name" "$dir" "$opts" "$copts"
    line="$name pair $p:"
    for ((r = 1; r <= rounds; r++)); do
      res=$(sb connect --target "127.0.0.1:$T" --socks "127.0.0.1:$socks" --conns "$conns" --parallel "$parallel")
      rate=$(sed 's/.*"per_s":\([0-9]*\).*/\1/' <<<"$res")
      failed=$(sed 's/.*"failed":\([0-9]*\).*/\1/' <<<"$res")
      if ((failed)); then line+=" [$failed failed]"; keep=${KEEP_LOGS:-/tmp}/cold-connect-$name-$p-$r; mkdir -p "$keep"; cp "$work"/*.log "$keep"/; fi
      echo "$name $r $rate" >>"$out"
      line+=" $rate"
      ((jit && ${#jvms[@]})) && line+=" (jit serve $(jit_of "${jvms[0]}"), connect $(jit_of "${jvms[1]}"))"
    done
    echo "$line$ready" >&2
    stop "${procs[@]}"
  done
done
python3 - "$out" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for l in open(sys.argv[1]):
    n, r, v = l.split(); rows[(n, int(r))].append(float(v))
names = list(dict.fromkeys(n for n, _ in rows))
rounds = int(sys.argv[2])
print("| variant | " + " | ".join(f"round {r}" for r in range(1, rounds + 1)) + " |")
print("|---" * (rounds + 1) + "|")
for n in names:
    cells = []
    for r in range(1, rounds + 1):
        m = statistics.median(rows[(n, r)]); b = statistics.median(rows[("ssh", r)])
        cells.append(f"{m:.0f}" + ("" if n == "ssh" else f" ({m / b:.2f}x)"))
    print(f"| {n} | " + " | ".join(cells) + " |")
print("conn/s, median over the pairs; (x) = ratio to ssh -D in the same round")
PY
