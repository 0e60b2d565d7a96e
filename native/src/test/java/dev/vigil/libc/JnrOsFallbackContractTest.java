package dev.vigil.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.os.Os;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole contract, and the same clean child, with the fallbacks a glibc older than 2.34 (no
 * closefrom file action) or 2.29 (no fchdir file action) needs, forced on this one.
 */
class JnrOsFallbackContractTest extends JnrOsContractTest {
  @Override
  protected Os newOs() throws IOException {
    return JnrOs.load(Set.of(JnrOs.ADDFCHDIR, JnrOs.ADDCLOSEFROM));
  }

  @Test
  void theSupervisorsWorkingDirectoryIsBackWhereItWasAfterASpawn() throws IOException {
    Path before = Path.of("/proc/self/cwd").toRealPath();
    spawn(sleeper());
    assertEquals(before, Path.of("/proc/self/cwd").toRealPath());
  }
}
