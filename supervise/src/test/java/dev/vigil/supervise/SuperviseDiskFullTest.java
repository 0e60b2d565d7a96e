package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A service directory on a disk that fills: a small tmpfs of the test's own (mounting one needs
 * root, or CAP_SYS_ADMIN; without it the test is skipped and says why). The record cannot follow
 * the service while the disk is full; it must be current again soon after space returns, even
 * when nothing happens to the service then.
 */
class SuperviseDiskFullTest extends LiveTest {
  private Path disk;

  @AfterEach
  void unmount() throws IOException {
    if (disk != null) {
      // lazily: a descriptor still open on it (a supervise being stopped) must not keep it mounted
      Processes.run(root, List.of("umount", "-l", disk.toString()));
    }
  }

  private Path mountTmpfs(String name, String size) throws IOException {
    Path at = Files.createDirectories(root.resolve(name));
    Captured m = Processes.run(root, List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", at.toString()));
    Assumptions.assumeTrue(m.exit() == 0, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): " + m.err().strip());
    disk = at;
    return at;
  }

  /** Writes {@code file} until the disk refuses another byte. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), "the disk is full: " + full);
    }
  }

  /** The pids the run scripts have logged (the pid log lives outside the small disk). */
  private List<Long> loggedPids() {
    try {
      return Files.readAllLines(services.pidLog()).stream().map(Long::parseLong).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void aRecordThatCouldNotBeWrittenOnAFullDiskIsWrittenOnceSpaceReturns() throws IOException {
    Path disk = mountTmpfs("disk", "256k");
    services.sleeper("disk/svc");
    SuperviseProcess s = supervise("disk/svc");
    try {
      long first = s.awaitChild();
      Path filler = disk.resolve("filler");
      fill(filler);

      ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
      long second = Await.value("a new child, restarted while the disk is full",
          () -> loggedPids().stream().filter(p -> p != first && Processes.alive(p)).findFirst().orElse(0L),
          p -> p != 0);
      // supervision went on, but the record could not follow it (each rename frees a page, so
      // some of the writes of the restart fit; the last one, the new child's record, does not)
      Await.until("supervise to say it could not write the record",
          () -> s.err().contains("unable to write disk/svc/supervise/status.new: out of disk space"));
      assertNotEquals(second, s.status().pid(), "the record cannot name the new child while the disk is full");

      Files.delete(filler);
      // nothing happens to the service now: the record must catch up by itself
      Await.until("the record and supervise/pid to name " + second + " again",
          () -> s.currentChild() == second, Duration.ofSeconds(5));
    } finally {
      s.stop();
    }
  }
}
