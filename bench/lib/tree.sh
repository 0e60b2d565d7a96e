# Sourced by every bench script once it has set $here (the bench directory): $vigil becomes the
# installed tree dist/target/vigil (built when missing), and jvm.sh gives $java and the flags
# the launchers use.
vigil=$here/../dist/target/vigil
[ -x "$vigil/bin/supervise" ] && [ -x "$vigil/bin/svstat" ] || (cd "$here/.." && mvn -q -B package -DskipTests)
vigil=$(cd "$vigil" && pwd)
. "$vigil/lib/jvm.sh"
