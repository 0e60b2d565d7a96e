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
# supervise idles for days: a small, quiet JVM; jnr-ffi without its ASM code generator.
supervise_flags="--enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:+UseSerialGC -XX:-UsePerfData"
