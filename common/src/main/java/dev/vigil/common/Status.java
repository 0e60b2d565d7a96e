package dev.vigil.common;

import java.util.Optional;

/**
 * One status record, as found in {@code supervise/status}. Bytes 0–17 are daemontools', bytes 18
 * and 19 runit's, and the rest vigil's {@link Extension}. {@link StatusCodec} is the only code
 * that knows where each field lives.
 *
 * @param stamp when the pid last changed
 * @param pid the child's pid, 0 when there is none (unsigned 32 bits on disk)
 * @param paused whether the child was sent SIGSTOP by {@code svc -p}
 * @param want what the supervisor wants
 * @param termSent runit's "got TERM": a SIGTERM was sent to this child
 * @param phase runit's state; derived from the pid for a daemontools file
 * @param extension vigil's extension, absent in files written by daemontools or runit
 */
public record Status(
    Tai64n stamp,
    long pid,
    boolean paused,
    Want want,
    boolean termSent,
    Phase phase,
    Optional<Extension> extension) {

  /** A record as daemontools would write it. */
  public static Status daemontools(Tai64n stamp, long pid, boolean paused, Want want) {
    return new Status(stamp, pid, paused, want, false, pid == 0 ? Phase.DOWN : Phase.RUN, Optional.empty());
  }

  public boolean isUp() {
    return pid != 0;
  }
}
