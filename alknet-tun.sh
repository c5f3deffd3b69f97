#!/usr/bin/env bash
# Runs alknet-tun (the privileged TUN helper) from this checkout, building it first when it is missing or older than
# its sources. (Not ./alknet-tun: that is the module's directory.) It talks to alknet only through the SOCKS5 port:
#   sudo ./alknet-tun.sh --socks 127.0.0.1:1080 -- curl https://example.com/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/alknet-tun/target/alknet-tun.jar"
lib="$root/alknet-tun/target/lib"

stale() {
  [[ ! -f "$jar" || ! -d "$lib" ]] && return 0
  [[ -n "$(find "$root/alknet-tun/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]] && return 0
  [[ "$root/pom.xml" -nt "$jar" || "$root/alknet-tun/pom.xml" -nt "$jar" ]]
}

if stale; then
  exec 9>"$root/.alknet-build.lock"
  flock 9
  if stale; then
    echo "alknet-tun: building (mvn install -DskipTests)..." >&2
    (cd "$root" && { mvn -q -B -o -DskipTests -pl alknet-tun -am install >/dev/null 2>&1 \
      || mvn -q -B -ntp -DskipTests -pl alknet-tun -am install >&2; }) || {
      echo "alknet-tun: build failed" >&2; exit 1; }
    touch "$jar"
  fi
  flock -u 9
fi
exec java ${ALKNET_TUN_JAVA_OPTS:-} -cp "$jar:$lib/*" dev.alknet.tun.Main "$@"
