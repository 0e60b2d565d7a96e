# Sourced by every launcher in bin/ once it has set:
#   self  the launcher's real path    main  the class to run
#   jars  its classpath, in lib/      kind  client | supervise
# Shell builtins only on the way to exec (a fork costs about a millisecond, and a client is
# meant to start as fast as a JVM can). The JVM flags below were chosen by measurement:
# see bench/README.md.
set -f  # jars may hold a classpath wildcard, which is for the JVM to expand
lib=${self%/*}/../lib
if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
cp=
for jar in $jars; do
  cp=$cp${cp:+:}$lib/$jar
done
case $kind in
  client)
    flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto"
    ;;
  supervise)
    flags="--enable-native-access=ALL-UNNAMED -Djnr.ffi.asm.enabled=false -XX:+UseSerialGC -XX:-UsePerfData"
    ;;
esac
exec "$java" $flags -cp "$cp" "$main" "$@"
