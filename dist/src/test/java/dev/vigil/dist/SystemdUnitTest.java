package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit the tree ships ({@code lib/systemd/vigil-svscan.service}) passes
 * {@code systemd-analyze verify} once its paths point at this tree, and says what doc/svscan.md
 * says it must. Skipped, visibly, without systemd-analyze (Debian package systemd).
 */
class SystemdUnitTest {
  private static final Path HOME = Path.of(System.getProperty("vigil.home"));
  private static final Path UNIT = HOME.resolve("lib/systemd/vigil-svscan.service");

  @TempDir Path dir;

  @Test
  void theShippedUnitIsValidAndStopsSvscanAlone() throws IOException {
    String unit = Files.readString(UNIT);
    assertTrue(unit.contains("\nKillMode=mixed\n"), "svscan takes its services down itself");
    assertTrue(unit.contains("\nTimeoutStopSec=30s\n"), "longer than svscan's slowest shutdown");
    assertTrue(unit.contains("\nExecStart=/opt/vigil/bin/svscan /etc/service\n"));

    Path analyze = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(Files.isExecutable(analyze),
        "peer missing: /usr/bin/systemd-analyze (install the Debian package systemd)");
    Path service = Files.createDirectory(dir.resolve("service"));
    Path copy = dir.resolve("vigil-svscan.service");
    Files.writeString(copy, unit.replace("/opt/vigil", HOME.toString()).replace("/etc/service", service.toString()));
    Captured c = Processes.run(dir, List.of(analyze.toString(), "verify", copy.toString()));
    assertEquals(new Captured(0, "", ""), c);
  }

  @Test
  void theSuperviseTemplateIsValidAndStopsSuperviseAlone() throws IOException {
    String unit = Files.readString(HOME.resolve("lib/systemd/vigil-supervise@.service"));
    assertTrue(unit.contains("\nKillMode=mixed\n"), "supervise takes its child's group down itself");
    assertTrue(unit.contains("\nExecStart=/opt/vigil/bin/supervise /etc/service/%I\n"));

    Path analyze = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(Files.isExecutable(analyze),
        "peer missing: /usr/bin/systemd-analyze (install the Debian package systemd)");
    Path service = Files.createDirectories(dir.resolve("service/app"));
    Path instance = dir.resolve("vigil-supervise@app.service");
    Files.writeString(instance, unit.replace("/opt/vigil", HOME.toString()).replace("/etc/service", service.getParent().toString()));
    Captured c = Processes.run(dir, List.of(analyze.toString(), "verify", instance.toString()));
    assertEquals(new Captured(0, "", ""), c);
  }

  /**
   * The inittab lines of doc/init.md: four fields, an id of at most four characters, runlevels,
   * respawn, and a program of this tree (its path under /opt/vigil) that runs.
   */
  @Test
  void theInittabLinesOfTheDocsNameProgramsOfTheTree() throws IOException {
    String page = Files.readString(Path.of(System.getProperty("vigil.docs"), "init.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?m)^([A-Za-z0-9]{1,4}):([0-6sS]+):respawn:/opt/vigil/(bin/\\w+) (/etc/service\\S*)$").matcher(page);
    int lines = 0;
    while (m.find()) {
      lines++;
      assertTrue(Files.isExecutable(HOME.resolve(m.group(3))), m.group(0));
    }
    assertEquals(2, lines, "svscan's and supervise's inittab lines");
  }
}
