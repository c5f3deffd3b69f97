# The program logic of the checkout launchers ./alknet and ./alknet-tun, sourced by both: the build when the jar is
# older than its sources, the choice of the JVM, the start-up archives of alknet. The launchers set what differs
# (root, jar, lib, modules) and pick the JVM flags, which are in argument files under bin/jvm/ (java @file).
# (The installed launcher is alknet-dist/src/dist/lib/launch: a bundled JDK, flags in lib/jvm/COMMAND.args, which
# alknet-dist/build-dist.sh joins from the same bin/jvm files; caches made at build time, nothing in the background.)

# Whether $jar or $lib is missing, or older than a file under src/main or a pom.xml of the directories in $modules
# (the root pom counts too).
launcher_stale() {
  [[ ! -f "$jar" || ! -d "$lib" ]] && return 0
  local m mains=() poms=("$root/pom.xml")
  for m in "${modules[@]}"; do
    [[ -d $m/src/main ]] && mains+=("$m/src/main")
    [[ -f $m/pom.xml ]] && poms+=("$m/pom.xml")
  done
  ((${#mains[@]})) && [[ -n "$(find "${mains[@]}" -newer "$jar" -print -quit 2>/dev/null)" ]] && return 0
  [[ -n "$(find "${poms[@]}" -newer "$jar" -print -quit)" ]]
}

# launcher_build NAME MAVEN_ARGS...: when stale, builds with `mvn MAVEN_ARGS` (offline first) under the checkout's
# build lock, which both launchers share; a failed build exits.
launcher_build() {
  local name=$1; shift
  launcher_stale || return 0
  exec 9>"$root/.alknet-build.lock"
  flock 9
  if launcher_stale; then
    echo "$name: building (mvn install -DskipTests)..." >&2
    (cd "$root" && { mvn -q -B -o "$@" >/dev/null 2>&1 || mvn -q -B -ntp "$@" >&2; }) || {
      echo "$name: build failed" >&2; exit 1; }
    touch "$jar"
  fi
  flock -u 9
}

java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }

# launcher_java NAME PLACE...: sets java (the resolved binary) and major (its major version, 0 if not known yet).
# The JVM is $ALKNET_JAVA, else the first PLACE that has one, else `java` on the PATH. Places: jvm25, the newest JDK
# >= 25 installed under /usr/lib/jvm; java_home, $JAVA_HOME/bin/java.
launcher_java() {
  local name=$1 place home v hint="set ALKNET_JAVA, or put java on PATH"
  shift
  java=${ALKNET_JAVA:-}
  major=0
  for place in "$@"; do
    [[ $place == java_home ]] && hint="set ALKNET_JAVA or JAVA_HOME, or put java on PATH"
    [[ -n $java ]] && continue
    case $place in
      jvm25)
        for home in /usr/lib/jvm/*; do
          v=$(java_major "$home"); [[ -n $v && -x $home/bin/java ]] || continue
          if ((v >= 25 && v > major)); then java=$home/bin/java; major=$v; fi
        done ;;
      java_home)
        [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && java=$JAVA_HOME/bin/java ;;
    esac
  done
  java=${java:-java}
  local real_java
  if ! real_java="$(readlink -f "$(command -v "$java")")" || [[ ! -x $real_java || -d $real_java ]]; then
    echo "$name: cannot run java '$java' ($hint)" >&2
    exit 1
  fi
  java=$real_java
}

# Sets major from the JVM itself when launcher_java could not tell it from a release file.
launcher_java_major() {
  if ((major == 0)); then
    local v
    v=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    major=${v:-17}
  fi
}

java_version() {  # full version of a java binary, from its JDK's release file; empty if unknown
  local home; home=$(dirname "$(dirname "$(readlink -f "$(command -v "$1")")")")
  sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$home/release" 2>/dev/null || true
}
trims() {  # does this JVM version have -XX:TrimNativeHeapInterval?
  local a b c; IFS=. read -r a b c _ <<<"$1.0.0"
  ((a >= 22 || (a == 21 && c >= 1) || (a == 17 && c >= 9)))
}

# launcher_cds COMMAND: adds to jvm the flags of alknet's start-up archive for COMMAND (its first argument), one per
# command and JVM major version, dropped when older than the build. On 25+ an AOT cache (classes loaded and linked,
# method profiles; serve also compiles the profiled methods at once, bin/jvm/aot-eager.args), ~0.5 s less
# to a ready tunnel. The launcher only uses a fresh cache; on a miss it starts
# dev.alknet.cli.training.LauncherCaches in the background (nice, detached), which does the rest (ADR 0017):
# - serve and connect: the training (once per build: both commands on loopback under a bounded load, ~1 minute of
#   CPU, dev.alknet.cli.training.AotTraining) writes both caches, profiles of the tunnel's hot paths included;
# - other commands: the first run records what it loads; the next (a miss too) has the cache built from that.
# Before 25, AppCDS: the first run writes the archive at exit, later runs map it (~1 s less). JVM warnings go to stderr.
# Needs root, jar, lib, cp, java, major and jvm (the flags so far, which the cache is built with).
launcher_cds() {
  local dir="$root/alknet-cli/target/cds" name=main flags="$root/bin/jvm"
  [[ ${1:-} =~ ^[a-z]+$ ]] && name=$1
  local quiet=("@$flags/quiet.args") cache record archive f pid
  fresh() { [[ -f $1 && ! ( $1 -ot $jar ) && -z "$(find "$lib" -newer "$1" -print -quit)" ]]; }
  mkdir -p "$dir" 2>/dev/null || true
  if ((major >= 25)); then
    cache="$dir/$name-jdk$major.aot"; record="$dir/$name-jdk$major.aotconf"
    quiet+=("@$flags/quiet-aot.args")
    fresh "$cache" || rm -f "$cache"
    if [[ -f $cache ]]; then
      jvm+=(-XX:AOTCache="$cache" "${quiet[@]}")
      # serve's trained cache: its hot methods compiled on first call (the flag is JDK 25's, experimental there)
      [[ $name == serve ]] && ((major == 25)) && jvm+=("@$flags/aot-eager.args")
      return 0
    fi
    [[ -w $dir ]] || return 0
    if command -v setsid >/dev/null; then
      ALKNET_JAVA="$java" setsid nice -n 10 "$java" -Xmx128m -XX:TieredStopAtLevel=1 -cp "$cp" \
        dev.alknet.cli.training.LauncherCaches "$root/alknet" "$dir" "$name" "jdk$major" "$jar" "$lib" "${jvm[@]}" \
        "${quiet[@]}" </dev/null >>"$dir/training-jdk$major.log" 2>&1 &
    fi
    # one recording per build: none while an earlier one waits for (or is in) its cache build
    if [[ $name != serve && $name != connect ]] && ! compgen -G "$record.*" >/dev/null; then
      # -DisplayVMOutput: the recording JVM would print a line about it on stdout, which scripts may parse
      jvm+=(-XX:AOTMode=record -XX:AOTConfiguration="$record.$$.tmp" -XX:+UnlockDiagnosticVMOptions
            -XX:-DisplayVMOutput "${quiet[@]}")
    fi
  else
    archive="$dir/$name-jdk$major.jsa"
    for f in "$archive".*.tmp; do
      [[ -e $f ]] || continue
      pid=${f%.tmp}; pid=${pid##*.}
      kill -0 "$pid" 2>/dev/null || mv -f "$f" "$archive" 2>/dev/null || true
    done
    fresh "$archive" || rm -f "$archive"
    if [[ -f $archive ]]; then
      jvm+=(-XX:SharedArchiveFile="$archive" -Xshare:auto "${quiet[@]}")
    elif [[ -w $dir ]]; then
      jvm+=(-XX:ArchiveClassesAtExit="$archive.$$.tmp" "${quiet[@]}")
    fi
  fi
}
