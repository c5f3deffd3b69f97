#!/usr/bin/env bash
# Reproduces the SOCKS comparison from a clean checkout: direct vs stock `ssh -D -c aes128-gcm` vs alknet
# (tcp, tls, quic), same machine, same run, alternating rounds; prints medians and ratios to ssh -D.
#   bench/compare.sh [--rounds 3] [--warmup 1] [--mib 1024] [--conns 2000] [--parallel 32] [--transports "tcp tls quic"]
#                    [--cases "bulk_down bulk_up bulk_8 connect rtt"] [--variant "LABEL|LAUNCHER|JAVA_OPTS"]...
#                    [--relay-delay-ms 50 --relay-mbit 1000]
# --relay-delay-ms puts SocksBench's long-link relay (delay each way, paced at --relay-mbit) in front of sshd,
# of every alknet listener and of the target itself (the "direct" path), so all three cross the same link.
# --warmup rounds run every case on every path first and are not counted (JIT, TCP autotuning).
# --variant adds an alknet build or JVM setting as its own paths (alknet-LABEL-tcp, ...), measured in the same
# alternating rounds: A/B comparisons on a shared machine need that, and ratios to ssh -D taken in the same run.
# Without --variant the checkout's own ./alknet is measured as alknet-tcp, alknet-tls, alknet-quic.
# For alknet paths the bulk cases also print the CPU time of the event-loop threads (serve + connect) per MiB: on a
# loaded machine MiB/s moves with the other load from round to round, CPU per MiB much less (docs/performance.md).
# Needs: JDK 17, Maven, OpenSSH client and server (run as root for sshd), python3.
# SocksBench.java comes from ../shared/bench (override with SOCKSBENCH=path).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="${SOCKSBENCH:-$root/../shared/bench/SocksBench.java}"
[[ -f $bench || -n ${SOCKSBENCH:-} ]] || bench="$root/../../shared/bench/SocksBench.java"   # from a worktree
rounds=3; warmup=1; mib=1024; transports="tcp tls quic"; conns=2000; parallel=32; cases="bulk_down bulk_up bulk_8 connect rtt"
variants=(); relay_delay=0; relay_mbit=1000
while (($#)); do case "$1" in
  --rounds) rounds=$2; shift 2;; --warmup) warmup=$2; shift 2;; --mib) mib=$2; shift 2;;
  --transports) transports=$2; shift 2;; --conns) conns=$2; shift 2;; --parallel) parallel=$2; shift 2;; --cases) cases=$2; shift 2;;
  --variant) variants+=("$2"); shift 2;;
  --relay-delay-ms) relay_delay=$2; shift 2;; --relay-mbit) relay_mbit=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
[[ -f $bench ]] || { echo "SocksBench.java not found at $bench (set SOCKSBENCH)" >&2; exit 1; }

work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
up() { for ((i = 0; i < 900; i++)); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }

((${#variants[@]})) || variants=("|$root/alknet|")
IFS='|' read -r _ alknet _ <<<"${variants[0]}"   # runs keygen; ./alknet builds once if needed
"$alknet" --version >/dev/null
mkdir -p "$work/bin"; javac -d "$work/bin" "$bench"
sb() { java -cp "$work/bin" SocksBench "$@"; }

T=$(port); java -cp "$work/bin" SocksBench target --port "$T" 2>/dev/null & pids+=($!); up "$T"
# via PORT sets VIA to PORT itself, or (with --relay-delay-ms) to a long-link relay in front of it
via() {
  VIA=$1; ((relay_delay > 0)) || return 0
  VIA=$(port)
  java -cp "$work/bin" SocksBench relay --port "$VIA" --to "127.0.0.1:$1" --delay-ms "$relay_delay" \
    --mbit "$relay_mbit" >/dev/null 2>&1 & pids+=($!); up "$VIA"
}
via "$T"; TD=$VIA   # the target as the direct path sees it

# stock OpenSSH: sshd on loopback with its own config, ssh -D with AES-GCM
export ALKNET_HOME="$work/home"; mkdir -p "$ALKNET_HOME"
"$alknet" keygen >/dev/null 2>&1
cp "$ALKNET_HOME/id_ed25519.pub" "$ALKNET_HOME/authorized_keys"
ssh-keygen -q -t ed25519 -N "" -f "$work/sshd_host"
SP=$(port); mkdir -p /run/sshd
cat >"$work/sshd_config" <<CFG
Port $SP
ListenAddress 127.0.0.1
HostKey $work/sshd_host
AuthorizedKeysFile $ALKNET_HOME/authorized_keys
PidFile $work/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
CFG
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & pids+=($!); up "$SP"
SSHD=$(port); via "$SP"; SPV=$VIA
ssh -N -D "127.0.0.1:$SSHD" -c aes128-gcm@openssh.com -i "$ALKNET_HOME/id_ed25519" -p "$SPV" -F /dev/null \
  -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes "$(whoami)@127.0.0.1" \
  2>"$work/ssh.log" & pids+=($!); up "$SSHD"

declare -A socks=([direct]="" [ssh]="127.0.0.1:$SSHD") spid=() cpid=()
# CPU ticks of a JVM's event-loop threads (alknet-io-*), or 0 for a process that is not ours
loopcpu() {
  local t n=0
  [[ -n ${1:-} ]] || { echo 0; return; }
  for t in /proc/$1/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == alknet-io* ]] && n=$((n + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)))
  done
  echo $n
}
tck=$(getconf CLK_TCK)
paths=(direct ssh)
for v in "${variants[@]}"; do
  IFS='|' read -r label launcher opts <<<"$v"
  name=alknet${label:+-$label}
  declare -A AP=(); listen=(); for t in $transports; do AP[$t]=$(port); listen+=(--listen "$t://127.0.0.1:${AP[$t]}"); done
  ALKNET_JAVA_OPTS="$opts" "$launcher" serve "${listen[@]}" $("$launcher" serve --help 2>&1 | grep -q -- --allow && echo --allow loopback) 2>"$work/serve-$name.log" & pids+=($!); serve=$!
  for t in $transports; do
    [[ $t != quic ]] && up "${AP[$t]}"
    S=$(port)
    [[ $t == quic ]] && ((relay_delay > 0)) && { echo "the relay is TCP only: no quic with --relay-delay-ms" >&2; exit 2; }
    via "${AP[$t]}"
    ALKNET_JAVA_OPTS="$opts" "$launcher" connect "$t://127.0.0.1:$VIA" --socks "127.0.0.1:$S" \
      2>"$work/connect-$name-$t.log" & pids+=($!)
    spid[$name-$t]=$serve; cpid[$name-$t]=$!
    up "$S"; socks[$name-$t]="127.0.0.1:$S"; paths+=("$name-$t")
  done
done
sleep 2

out="$work/results.jsonl"
for ((r = 1 - warmup; r <= rounds; r++)); do
  for p in "${paths[@]}"; do
    s=(); [[ -n ${socks[$p]} ]] && s=(--socks "${socks[$p]}")
    run() {
      [[ " $cases " == *" $1 "* ]] || return 0
      local tgt=$T; [[ $p == direct ]] && tgt=$TD
      local s0 c0 res s1 c1
      s0=$(loopcpu "${spid[$p]:-}"); c0=$(loopcpu "${cpid[$p]:-}")
      res=$(sb "${@:2}" --target "127.0.0.1:$tgt" "${s[@]}")
      s1=$(loopcpu "${spid[$p]:-}"); c1=$(loopcpu "${cpid[$p]:-}")
      res="${res%\}},\"loop_cpu_ms\":$(( (s1 - s0 + c1 - c0) * 1000 / tck ))}"
      ((r >= 1)) && echo "{\"path\":\"$p\",\"case\":\"$1\",\"round\":$r,\"r\":$res}" >>"$out"
      [[ -n ${BENCH_LOG:-} ]] && echo "{\"path\":\"$p\",\"case\":\"$1\",\"round\":$r,\"r\":$res}" >>"$BENCH_LOG"
      return 0
    }
    run bulk_down bulk --mib "$mib" --dir down
    run bulk_up bulk --mib "$mib" --dir up
    run bulk_8 bulk --mib "$mib" --streams 8
    run connect connect --conns "$conns" --parallel "$parallel"
    run rtt rtt --rounds 20000
    echo "round $r $p done" >&2
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
metric = {"bulk_down": ("mib_per_s", "MiB/s"), "bulk_up": ("mib_per_s", "MiB/s"), "bulk_8": ("mib_per_s", "MiB/s"),
          "connect": ("per_s", "conn/s"), "rtt": ("p50_us", "µs p50")}
paths = list(dict.fromkeys(r["path"] for r in rows))
metric = {c: m for c, m in metric.items() if any(x["case"] == c for x in rows)}
med = {(r0, c): statistics.median(x["r"][metric[c][0]] for x in rows if x["path"] == r0 and x["case"] == c)
       for r0 in paths for c in metric}
print("| case | unit | " + " | ".join(paths) + " | " + " | ".join(f"{p}/ssh" for p in paths if p.startswith("alknet")) + " |")
print("|---" * (2 + len(paths) + sum(p.startswith("alknet") for p in paths)) + "|")
for c, (k, unit) in metric.items():
    vals = [f"{med[(p, c)]:.1f}" for p in paths]
    ratios = [f"{med[(p, c)] / med[('ssh', c)]:.2f}x" for p in paths if p.startswith("alknet")]
    print(f"| {c} | {unit} | " + " | ".join(vals) + " | " + " | ".join(ratios) + " |")
print()
# event-loop CPU (serve + connect) per MiB of the bulk cases: [x] is the ratio to alknet tcp of the same build
bulk = [c for c in metric if c.startswith("bulk") and any(x["case"] == c and x["r"].get("loop_cpu_ms") for x in rows)]
alk = [p for p in paths if p.startswith("alknet")]
if bulk and alk:
    cpu = {(p, c): statistics.median(x["r"]["loop_cpu_ms"] / x["r"]["mib"] for x in rows if x["path"] == p and x["case"] == c)
           for p in alk for c in bulk}
    print("| case | loop CPU ms/MiB | " + " | ".join(alk) + " |")
    print("|---" * (2 + len(alk)) + "|")
    for c in bulk:
        def cell(p):
            tcp = p.rsplit("-", 1)[0] + "-tcp"
            ratio = f" [{cpu[(p, c)] / cpu[(tcp, c)]:.2f}x]" if (tcp, c) in cpu and cpu[(tcp, c)] > 0 and p != tcp else ""
            return f"{cpu[(p, c)]:.2f}{ratio}"
        print(f"| {c} | ms/MiB | " + " | ".join(cell(p) for p in alk) + " |")
    print()
for c, (k, unit) in metric.items():   # the rounds behind each median, in order: spread and drift show here
    for p in paths:
        each = [f"{x['r'][k]:.0f}" for x in rows if x["path"] == p and x["case"] == c]
        print(f"  {c} {p}: " + " / ".join(each), file=sys.stderr)
PY
