# Sourced by launch.sh and train.sh: which java runs vigil and with which flags. Shell
# builtins only (a fork costs about a millisecond of every client call). The flags were chosen
# by measurement; bench/README.md has the figures.

# java: $JAVA_HOME/bin/java when JAVA_HOME is set, else the first java on PATH.
if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
  old_ifs=$IFS
  IFS=:
  for dir in $PATH; do
    if [ -x "${dir:-.}/java" ]; then
      java=${dir:-.}/java
      break
    fi
  done
  IFS=$old_ifs
fi

# Clients run for a few milliseconds of their own: C1 only, serial GC, no perf-data file, and
# the interpreter alone is faster than compiling. VIGIL_JAVA_OPTS adds flags of your own.
client_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -Xint"
# supervise idles for days: a small, quiet JVM (bench/README.md). Interpreted: its restart path is
# never hot enough to be compiled, and the compiler's memory goes (52.7 -> 40.7 MB RSS). A 4 MB
# first heap. No periodic safepoints or monitor deflation: the JVM's own wake-ups drop from 5.7
# to 0.3 a second. Those two are diagnostic options a later JDK may drop, hence
# IgnoreUnrecognizedVMOptions. jnr-ffi without its ASM code generator (less memory, no cost).
supervise_flags="--enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:+UseSerialGC -XX:-UsePerfData
  -Xint -Xms4m -Xmx32m -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions
  -XX:GuaranteedSafepointInterval=0 -XX:AsyncDeflationInterval=0"
# svscan: supervise's small, quiet JVM, with room for thousands of services (the heap grows
# only as far as they need: bench/README.md).
svscan_flags="--enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:+UseSerialGC -XX:-UsePerfData
  -Xint -Xms4m -Xmx512m -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions
  -XX:GuaranteedSafepointInterval=0 -XX:AsyncDeflationInterval=0"
# sipid: a short run that needs the native door (flock, pidfds) and, for wait-until-healthy, may
# do a TLS handshake: C1 only (interpreted alone, a loopback HTTPS check took 1.4x as long), serial GC.
sipid_flags="--enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  -XX:-UsePerfData -Xshare:auto"
