# Sourced by every launcher in bin/ once it has set:
#   self  the launcher's real path    main  the class to run
#   jars  its classpath, in lib/      kind  client | supervise | svscan | sipid
set -f  # jars may hold a classpath wildcard, which is for the JVM to expand
lib=${self%/*}/../lib
. "$lib/jvm.sh"
cp=
for jar in $jars; do
  cp=$cp${cp:+:}$lib/$jar
done
case $kind in
  client) flags=$client_flags ;;
  svscan) flags=$svscan_flags ;;
  sipid) flags=$sipid_flags ;;
  *) flags=$supervise_flags ;;
esac
if [ "$kind" = client ] || [ "$kind" = sipid ]; then
  # A class-data archive made by train.sh for this very java: ~10 ms less per client call (sipid:
  # a quarter of its start-up). With any other java, or a JVM that rejects it, the program runs
  # without it, silently.
  archive=$lib/cds/${self##*/}.jsa
  if [ -r "$archive" ] && [ -r "$lib/cds/java" ]; then
    read -r trained < "$lib/cds/java"
    if [ "$java" -ef "$trained" ]; then
      flags="$flags -XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
    fi
  fi
fi
exec "$java" $flags ${VIGIL_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
