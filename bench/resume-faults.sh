#!/usr/bin/env bash
# Resume on real network faults, measured: runs NetworkFaultsEndToEndTest (real serve/connect on network namespaces
# with a NAT router; refused, blackholed, NAT rebinding, client address replaced, cuts every 2 s, server restart;
# 100 MiB curl downloads) ROUNDS times and reports, per transport, the time from the path being usable again to data
# flowing (p50, p99, max over every fault and cut) and the time to notice a silent (blackholed) carrier.
#   bench/resume-faults.sh [ROUNDS] [FILTER]     FILTER as -Dalknet.faults: e.g. "tcp:,tls:BLACKHOLE" (default: all)
# Needs root, nftables and conntrack (.ci/run installs them). Each round takes about 4 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-1}"; filter="${2:-}"
out="$(mktemp -d /tmp/alknet-resume-faults-XXXXXX)"
for r in $(seq "$rounds"); do
  (cd "$root" && mvn -B -o -q -pl alknet-cli -am test -Dtest=NetworkFaultsEndToEndTest \
     -Dsurefire.failIfNoSpecifiedTests=false -Dalknet.faults="$filter") >"$out/mvn-$r.log" 2>&1 \
     || echo "round $r: some cases failed (see $out/mvn-$r.log)" >&2
  # cases run in parallel, so their lines may land in other classes' output files
  grep -h '^fault ' "$root"/alknet-cli/target/surefire-reports/*-output.txt \
    >>"$out/figures.txt" || true
done
python3 - "$out/figures.txt" <<'PY'
import re, sys
heal, detect, restart = {}, {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'fault (\S+)\s+(\S+)\s+(.*)', line)
    if not m:
        continue
    fault, transport, rest = m.groups()
    h = re.search(r'heal->data (\[[^\]]*\]|-?\d+) ms', rest)
    if h:
        vals = [int(v) for v in re.findall(r'-?\d+', h.group(1))]
        if fault.startswith('CUT'):
            vals = [v for v in vals if v > 0]   # 0: the download had already finished
        heal.setdefault(transport, []).extend(vals)
    d = re.search(r'detected in (\d+) ms', rest)
    if d:
        detect.setdefault(transport, []).append(int(d.group(1)))
    u = re.search(r'tunnel up again (\d+) ms', rest)
    if u:
        restart.setdefault(transport, []).append(int(u.group(1)))
def q(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))] if v else None
print("| transport | path back -> data: samples | p50 ms | p99 ms | max ms | silent carrier noticed (ms) | server restart -> tunnel up (ms) |")
print("|---|---|---|---|---|---|---|")
for t in sorted(heal):
    h = heal[t]
    print(f"| {t} | {len(h)} | {q(h,.5)} | {q(h,.99)} | {max(h)} | {sorted(detect.get(t, []))} | {restart.get(t, [])} |")
PY
echo "raw lines: $out/figures.txt"
