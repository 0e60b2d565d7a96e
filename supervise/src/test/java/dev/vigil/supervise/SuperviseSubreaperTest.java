package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a service leaves behind is supervise's (PR_SET_CHILD_SUBREAPER), not init's: a process
 * orphaned by its parent's exit is reparented to supervise and reaped when it exits, while the
 * service's own child is still reaped by its pidfd, with its exit status.
 */
class SuperviseSubreaperTest extends LiveTest {

  @Test
  void aProcessTheServiceOrphansBecomesSupervisesAndIsReapedWhenItExits() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    // a subshell starts a sleep in the background and exits at once: the sleep is orphaned
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "(sleep 100000 & echo $! >> " + services.pidLog() + "; echo $! > stray)",
        "exec sleep 100000", ""));
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    long stray = Await.value("the stray's pid", () -> TextFiles.pid(dir.resolve("stray")), p -> p > 0);
    Await.until("the stray reparented to supervise", () -> Proc.parent(stray) == s.pid());

    ProcessHandle.of(stray).ifPresent(ProcessHandle::destroyForcibly);
    Await.until("the stray reaped by supervise, not left a zombie", () -> SuperviseProcess.gone(stray));

    // the service's own child is still supervise's to reap, with its status
    s.send("k");
    s.awaitChildOtherThan(child);
    assertEquals(java.util.OptionalInt.of(9), s.status().extension().orElseThrow().lastExit());
  }
}
