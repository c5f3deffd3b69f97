#!/usr/bin/env bash
# Builds the release archive and the Debian package from the jars Maven copied into target/jars (the `package`
# phase of alknet-dist runs it):
#   target/alknet-VERSION-linux-x86_64.tar.gz   a tree that runs from anywhere: bin/, lib/, runtime/ (jlink), share/
#   target/alknet_DEBVERSION_amd64.deb          the same tree in /usr/lib/alknet, built without root (dpkg-deb)
# The runtime is jlinked from the newest JDK under /usr/lib/jvm (else the one running Maven); on JDK 25+ a bounded
# training run (dev.alknet.cli.training.AotTraining, quick load) writes the AOT caches of serve and connect into
# lib/aot, so an installed alknet starts nothing in the background. ALKNET_DIST_TRAINING=off skips that step.
#   build-dist.sh VERSION TARGET_DIR REPO_ROOT MAVEN_JAVA_HOME
set -euo pipefail
version=$1 target=$2 repo=$3 maven_java=$4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name=alknet-$version
stage=$target/$name
t0=$SECONDS
step() { echo "alknet-dist: $* ($((SECONDS - t0)) s)"; }

# The JDK to jlink from: the newest with jlink under /usr/lib/jvm, else Maven's own.
java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
jdk=$maven_java major=$(java_major "$maven_java")
for home in /usr/lib/jvm/*; do
  v=$(java_major "$home"); [[ -n $v && -x $home/bin/jlink && ! -L $home ]] || continue
  if ((v > ${major:-0})); then jdk=$home major=$v; fi
done
[[ -x $jdk/bin/jlink ]] || { echo "alknet-dist: no jlink in $jdk" >&2; exit 1; }

rm -rf "$stage" "$target/deb" "$target"/*.tar.gz "$target"/*.deb
mkdir -p "$stage"
cp -a "$here/src/dist/." "$stage/"
# lib/jvm/COMMAND.args: the checkout's flag files (bin/jvm/*.args, which say why each flag is there) joined per
# command, so that ./alknet and an installed alknet run with the same flags. The runtime is the JDK jlinked below.
jvm_args() {  # COMMAND FLAG-FILE...
  local out=$stage/lib/jvm/$1.args f; shift
  { echo "# JVM flags of ${out##*/} (made by alknet-dist/build-dist.sh from bin/jvm: $*)"
    for f; do cat "$repo/bin/jvm/$f.args"; done; } >"$out"
}
mkdir -p "$stage/lib/jvm"
jvm_args alknet native-access quiet quiet-aot alknet
jvm_args serve native-access quiet quiet-aot alknet long-running trim-native-heap
jvm_args connect native-access quiet quiet-aot alknet long-running trim-native-heap connect
jvm_args alknet-tun native-access quiet quiet-aot
# with the caches only (lib/launch); empty if the bundled runtime does not know the flag (it is JDK 25's, experimental)
if "$jdk/bin/java" "@$repo/bin/jvm/aot-eager.args" -version >/dev/null 2>&1; then jvm_args aot-eager aot-eager
else echo "# (this runtime has no -XX:+AOTCompileEagerly)" >"$stage/lib/jvm/aot-eager.args"; fi
mkdir -p "$stage/lib/jars" "$stage/lib/aot" "$stage/share/systemd" "$stage/share/sysusers.d" \
  "$stage/share/bash-completion/completions" "$stage/share/man/man1" "$stage/share/man/man8"
cp "$target"/jars/alknet/*.jar "$stage/lib/jars/"
cp -n "$target"/jars/alknet-tun/*.jar "$stage/lib/jars/"   # the two share slf4j-api

# lib/alknet.jar and lib/alknet-tun.jar hold only a manifest whose Class-Path names the tool's jars (relative to the
# jar, so the tree can move) and, for alknet, the build's version and commit (alknet --version).
commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
classpath_jar() {  # JAR DIR-OF-JARS [extra files dir]
  local jar=$1 dir=$2 extra=${3:-} mf; mf=$(mktemp)
  { echo "Manifest-Version: 1.0"; echo "Implementation-Version: $version"
    printf 'Class-Path:'; for f in "$dir"/*.jar; do printf ' \n jars/%s' "${f##*/}"; done; echo; } >"$mf"
  if [[ -n $extra ]]; then "$jdk/bin/jar" --create --file "$jar" --manifest "$mf" -C "$extra" .
  else "$jdk/bin/jar" --create --file "$jar" --manifest "$mf"; fi
  rm -f "$mf"
}
props=$(mktemp -d); mkdir -p "$props/dev/alknet/cli"
printf 'version=%s\ncommit=%s\n' "$version" "$commit" >"$props/dev/alknet/cli/build.properties"
classpath_jar "$stage/lib/alknet.jar" "$target/jars/alknet" "$props"
classpath_jar "$stage/lib/alknet-tun.jar" "$target/jars/alknet-tun"
rm -rf "$props"

# The runtime: the modules jdeps finds in the jars (--print-module-deps; java.desktop for java.beans, without it the
# SSH handshake stalls), plus what the JDK loads by name (logging, XML, DNS, zip). The dist tests run a tunnel on it.
# No compression: the archive and the package compress it anyway, and an uncompressed image maps faster.
step "jlink from $jdk (JDK $major)"
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.rmi,java.security.jgss
modules+=,java.sql,java.xml,jdk.crypto.cryptoki,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net
modules+=,jdk.unsupported,jdk.zipfs
((major >= 24)) || modules+=,jdk.crypto.ec
"$jdk/bin/jlink" --add-modules "$modules" --output "$stage/runtime" --strip-debug --no-man-pages \
  --no-header-files --generate-cds-archive
[[ -x $stage/runtime/bin/java ]]

if ((major >= 25)) && [[ ${ALKNET_DIST_TRAINING:-on} != off ]]; then
  step "AOT training of serve and connect (bounded)"
  # bounded: the load stops after 4,000 connections or 8 s, then 64 MiB each way; timeout caps the whole step
  ALKNET_CDS=off timeout 300 "$stage/runtime/bin/java" -Xmx128m -XX:TieredStopAtLevel=1 -cp "$stage/lib/alknet.jar" \
    dev.alknet.cli.training.AotTraining "$stage/bin/alknet" "$stage/lib/aot" "jdk$major" quick
  for c in serve connect; do mv "$stage/lib/aot/$c-jdk$major.aot" "$stage/lib/aot/$c.aot"; done
  rm -f "$stage/lib/aot"/*.log
fi

step "completion and man pages"
ALKNET_CDS=off "$stage/bin/alknet" completion bash >"$stage/share/bash-completion/completions/alknet"
ALKNET_CDS=off "$stage/runtime/bin/java" -cp "$stage/lib/alknet.jar" dev.alknet.cli.ManPage "$stage/share/man/man1/alknet.1"
ALKNET_CDS=off "$stage/bin/alknet-tun" --help | "$stage/runtime/bin/java" -cp "$stage/lib/alknet.jar" \
  dev.alknet.cli.ManPage --from-usage alknet-tun 8 "$version" "$stage/share/man/man8/alknet-tun.8"
cp "$repo"/packaging/*.service "$stage/share/systemd/"
cp "$repo/packaging/alknet.sysusers" "$stage/share/sysusers.d/alknet.conf"
cp "$repo/README.md" "$stage/"

step "archive"
tar -C "$target" --owner=0 --group=0 --numeric-owner -czf "$target/$name-linux-x86_64.tar.gz" "$name"

if ! command -v dpkg-deb >/dev/null; then
  echo "alknet-dist: no dpkg-deb here, no .deb" >&2; exit 0
fi
step "Debian package"
debversion=${version/-/\~}
root=$target/deb
mkdir -p "$root/usr/lib" "$root/usr/bin" "$root/usr/lib/systemd/system" "$root/usr/lib/sysusers.d" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/man/man1" "$root/usr/share/man/man8" \
  "$root/usr/share/doc/alknet" "$root/DEBIAN"
cp -al "$stage" "$root/usr/lib/alknet"   # hard links: the same files, mtimes (the caches check them) and all
rm -rf "$root/usr/lib/alknet/share" "$root/usr/lib/alknet/README.md"
ln -s ../lib/alknet/bin/alknet "$root/usr/bin/alknet"
ln -s ../lib/alknet/bin/alknet-tun "$root/usr/bin/alknet-tun"
cp "$stage"/share/systemd/*.service "$root/usr/lib/systemd/system/"
cp "$stage/share/sysusers.d/alknet.conf" "$root/usr/lib/sysusers.d/"
cp "$stage/share/bash-completion/completions/alknet" "$root/usr/share/bash-completion/completions/"
gzip -9n <"$stage/share/man/man1/alknet.1" >"$root/usr/share/man/man1/alknet.1.gz"
gzip -9n <"$stage/share/man/man8/alknet-tun.8" >"$root/usr/share/man/man8/alknet-tun.8.gz"
gzip -9n <"$repo/README.md" >"$root/usr/share/doc/alknet/README.md.gz"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@SIZE@/$size/" "$here/src/deb/control" >"$root/DEBIAN/control"
install -m 0755 "$here"/src/deb/{postinst,prerm,postrm} "$root/DEBIAN/"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$target/alknet_${debversion}_amd64.deb" >/dev/null
rm -rf "$root"
step "done: $(cd "$target" && du -h ./*.tar.gz ./*.deb | tr '\n\t' '  ')"
