package dev.vigil.svstat;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every way spec §6.1 lets a service directory fail svstat, each with the line svstat prints
 * after {@code DIR: }, and whether daemontools prints the same (it prints garbage for a status
 * that is a directory; we say what is wrong).
 */
final class BrokenServices {
  private BrokenServices() {}

  /** Makes the broken directory {@code name} under the services' root and returns its path. */
  @FunctionalInterface
  interface Layout {
    Path make(Services services, Processes processes, String name) throws Exception;
  }

  static Stream<Arguments> all() {
    return Stream.of(
        arguments("missing dir", layout((s, p, n) -> s.root().resolve(n)),
            "unable to chdir: file does not exist", true),
        arguments("dir is a file", layout((s, p, n) -> Files.createFile(s.root().resolve(n))),
            "unable to chdir: not a directory", true),
        arguments("dir is a symlink loop", layout((s, p, n) ->
            Files.createSymbolicLink(s.root().resolve(n), Path.of(n))),
            "unable to chdir: symbolic link loop", true),
        arguments("dir name too long", layout((s, p, n) -> s.root().resolve(n + "n".repeat(300))),
            "unable to chdir: file name too long", true),
        arguments("down is a symlink loop", layout((s, p, n) -> {
          Path dir = s.empty(n).path();
          Files.createSymbolicLink(dir.resolve("down"), Path.of("down"));
          return dir;
        }), "unable to stat down: symbolic link loop", true),
        arguments("no supervise/", layout((s, p, n) -> s.empty(n).path()),
            "unable to open supervise/ok: file does not exist", true),
        arguments("supervise/ without ok", layout((s, p, n) -> {
          ServiceDir dir = s.empty(n);
          Files.createDirectory(dir.supervise());
          return dir.path();
        }), "unable to open supervise/ok: file does not exist", true),
        arguments("supervise is a file", layout((s, p, n) -> {
          ServiceDir dir = s.empty(n);
          Files.createFile(dir.supervise());
          return dir.path();
        }), "unable to open supervise/ok: not a directory", true),
        arguments("ok is a directory", layout((s, p, n) -> {
          ServiceDir dir = s.empty(n);
          Files.createDirectories(dir.ok());
          return dir.path();
        }), "unable to open supervise/ok: is a directory", true),
        arguments("supervisor gone, stale status", layout((s, p, n) -> {
          ServiceDir dir = s.empty(n);
          FakeSupervisor gone = FakeSupervisor.start(dir, p);
          Files.write(dir.status(), StatusCodec.encode(Status.daemontools(Tai64n.now(), 4321, false, Want.UP)));
          gone.close();
          return dir.path();
        }), "supervise not running", true),
        arguments("ok is a FIFO nobody reads", layout((s, p, n) -> {
          ServiceDir dir = s.empty(n);
          Files.createDirectory(dir.supervise());
          Services.fifo(dir.ok());
          return dir.path();
        }), "supervise not running", true),
        arguments("no status", layout((s, p, n) -> supervised(s, p, n).path()),
            "unable to open supervise/status: file does not exist", true),
        arguments("17-byte status", layout((s, p, n) -> {
          ServiceDir dir = supervised(s, p, n);
          Files.write(dir.status(), new byte[17]);
          return dir.path();
        }), "unable to read supervise/status: bad format", true),
        arguments("empty status", layout((s, p, n) -> {
          ServiceDir dir = supervised(s, p, n);
          Files.write(dir.status(), new byte[0]);
          return dir.path();
        }), "unable to read supervise/status: bad format", true),
        arguments("status is a FIFO", layout((s, p, n) -> {
          ServiceDir dir = supervised(s, p, n);
          Services.fifo(dir.status());
          return dir.path();
        }), "unable to read supervise/status: bad format", true),
        arguments("status is a directory", layout((s, p, n) -> {
          ServiceDir dir = supervised(s, p, n);
          Files.createDirectory(dir.status());
          return dir.path();
        }), "unable to read supervise/status: is a directory", false));
  }

  /** An empty service directory with a fake supervisor on it. */
  static ServiceDir supervised(Services services, Processes processes, String name) throws Exception {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    return dir;
  }

  private static Layout layout(Layout l) {
    return l;
  }
}
