package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.GermanLocale;
import dev.vigil.fixtures.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * supervise's fatals and warnings in daemontools' words in a German locale, where the JVM's own
 * reasons read "Ist kein Verzeichnis": the reasons come from errno numbers, never from text.
 */
class SuperviseLocaleTest extends ServiceTest {
  @Test
  void superviseSpeaksDaemontoolsInGerman() throws Exception {
    GermanLocale german = GermanLocale.build(Files.createDirectory(root.resolve("locale")));
    Files.writeString(root.resolve("afile"), "hi\n");
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(services.empty("downloop").down(), Path.of("down"));
    Files.createFile(services.empty("supfile").supervise());
    Map<String, String> fatals = new LinkedHashMap<>();
    fatals.put("missing", "unable to chdir to missing: file does not exist");
    fatals.put("afile/x", "unable to chdir to afile/x: not a directory");
    fatals.put("loop", "unable to chdir to loop: symbolic link loop");
    fatals.put("downloop", "unable to stat downloop/down: symbolic link loop");
    fatals.put("supfile", "unable to acquire supfile/supervise/lock: not a directory");
    Map<String, Captured> got = new LinkedHashMap<>();
    Map<String, Captured> expected = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : fatals.entrySet()) {
      got.put(e.getKey(), german.java(root, SuperviseProcess.MAIN, e.getKey()));
      expected.put(e.getKey(), new Captured(111, "", "supervise: fatal: " + e.getValue() + "\n"));
    }
    assertEquals(expected, got);
  }
}
