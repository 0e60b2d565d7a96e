package dev.vigil.supervise;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.Optional;

/**
 * A ./run that outlived its supervisor (killed, or crashed), found through the record that
 * supervisor wrote: vigil's record names the child's pid and its kernel start time, and a process
 * with that pid and that start time is the same process (a reused pid has a later start time).
 * The pidfd is opened before the start time is compared, so it names the process that was
 * checked. daemontools' and runit's records hold no start time: nothing is found from them.
 * Neither is a ./finish (it is not the service), nor anything when the record cannot be read.
 *
 * @param record the record the dead supervisor wrote
 * @param process the orphan, with a pidfd open on it (the caller's to close)
 */
public record Orphan(Status record, Child process) {

  /** The orphan named by the record at {@code status}, relative to the directory {@code at}. */
  public static Optional<Orphan> find(Os os, int at, String status) {
    Status old;
    try {
      byte[] b = os.readFile(at, status, StatusCodec.MAX_SIZE);
      old = StatusCodec.decode(b, b.length);
    } catch (IOException e) {
      // none, unreadable, or not a record (StatusFormatException)
      return Optional.empty();
    }
    long ticks = old.extension().map(Extension::childStartTicks).orElse(0L);
    if (old.pid() == 0 || ticks == 0 || old.phase() != Phase.RUN) {
      return Optional.empty();
    }
    int pidfd;
    try {
      pidfd = os.pidfdOpen(old.pid());
    } catch (IOException gone) {
      return Optional.empty();
    }
    try {
      if (os.startTicks(old.pid()) == ticks) {
        return Optional.of(new Orphan(old, new Child(old.pid(), pidfd, ticks)));
      }
    } catch (IOException reused) {
      // gone between the two looks
    }
    os.close(pidfd);
    return Optional.empty();
  }
}
