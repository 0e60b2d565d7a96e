package dev.vigil.svstat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Captured;
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
 * svstat and svok word every error in daemontools' words in any locale: run in a German one
 * (where the JVM's own reasons read "Ist kein Verzeichnis" and so on) on directories broken in
 * every way that reaches a system error, each line must be daemontools'.
 */
class LocaleTest extends ServiceTest {
  private static final String LONG = "n".repeat(300);

  /** Broken directories (relative to the root) with svstat's and svok's answers in daemontools' words. */
  private final Map<String, String> svstat = new LinkedHashMap<>();
  private final Map<String, Captured> svok = new LinkedHashMap<>();

  private void broken() throws Exception {
    Files.writeString(root.resolve("afile"), "hi\n");
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(services.empty("downloop").down(), Path.of("down"));
    Files.createFile(services.empty("supfile").supervise());
    ServiceDir statdir = BrokenServices.supervised(services, processes, "statdir");
    Files.createDirectory(statdir.status());

    expect("missing", "unable to chdir: file does not exist",
        fatal("unable to chdir to missing: file does not exist"));
    expect("afile/x", "unable to chdir: not a directory", fatal("unable to chdir to afile/x: not a directory"));
    expect("loop", "unable to chdir: symbolic link loop", fatal("unable to chdir to loop: symbolic link loop"));
    expect("downloop", "unable to stat down: symbolic link loop", new Captured(100, "", ""));
    expect(LONG, "unable to chdir: file name too long", fatal("unable to chdir to " + LONG + ": file name too long"));
    expect("supfile", "unable to open supervise/ok: not a directory",
        fatal("unable to open supfile/supervise/ok: not a directory"));
    // daemontools prints garbage here (spec §6.1); vigil says what is wrong, in the same words
    expect("statdir", "unable to read supervise/status: is a directory", new Captured(0, "", ""));
  }

  private void expect(String dir, String line, Captured svokAnswer) {
    svstat.put(dir, line);
    svok.put(dir, svokAnswer);
  }

  private static Captured fatal(String message) {
    return new Captured(111, "", "svok: fatal: " + message + "\n");
  }

  @Test
  void svstatAndSvokSpeakDaemontoolsInGerman() throws Exception {
    GermanLocale german = GermanLocale.build(Files.createDirectory(root.resolve("locale")));
    broken();

    List<String> args = new ArrayList<>(svstat.keySet());
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, String> e : svstat.entrySet()) {
      lines.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    assertEquals(new Captured(0, lines.toString(), ""),
        german.java(root, Main.class.getName(), args.toArray(new String[0])), "svstat");

    for (Map.Entry<String, Captured> e : svok.entrySet()) {
      assertEquals(e.getValue(), german.java(root, dev.vigil.svok.Main.class.getName(), e.getKey()),
          "svok " + e.getKey());
    }
  }
}
