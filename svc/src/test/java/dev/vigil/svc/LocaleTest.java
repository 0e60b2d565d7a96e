package dev.vigil.svc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.GermanLocale;
import dev.vigil.fixtures.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * svc words every error in daemontools' words in any locale: run in a German one (where the JVM's
 * own reasons read "Ist kein Verzeichnis" and so on) on directories broken in every way that
 * reaches a system error, each warning must be daemontools'.
 */
class LocaleTest extends ServiceTest {
  private static final String LONG = "n".repeat(300);

  @Test
  void svcSpeaksDaemontoolsInGerman() throws Exception {
    GermanLocale german = GermanLocale.build(Files.createDirectory(root.resolve("locale")));
    Files.writeString(root.resolve("afile"), "hi\n");
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(services.empty("downloop").down(), Path.of("down"));
    Files.createFile(services.empty("supfile").supervise());
    ServiceDir controldir = services.empty("controldir");
    FakeSupervisor.start(controldir, processes);
    Files.delete(controldir.control());
    Files.createDirectory(controldir.control());

    Map<String, String> warnings = new LinkedHashMap<>();
    warnings.put("missing", "unable to chdir to missing: file does not exist");
    warnings.put("afile/x", "unable to chdir to afile/x: not a directory");
    warnings.put("loop", "unable to chdir to loop: symbolic link loop");
    warnings.put("downloop", "unable to control downloop: file does not exist");
    warnings.put(LONG, "unable to chdir to " + LONG + ": file name too long");
    warnings.put("supfile", "unable to control supfile: not a directory");
    warnings.put("controldir", "unable to control controldir: is a directory");

    List<String> args = new ArrayList<>(List.of("-u"));
    args.addAll(warnings.keySet());
    StringBuilder err = new StringBuilder();
    for (String w : warnings.values()) {
      err.append("svc: warning: ").append(w).append('\n');
    }
    assertEquals(new Captured(0, "", err.toString()),
        german.java(root, Main.class.getName(), args.toArray(new String[0])));
  }
}
