package dev.vigil.common;

import java.io.IOException;

/**
 * A failure talking to a service that says which step failed, since the clients word each step
 * differently ({@code unable to open supervise/status} versus {@code unable to read ...}).
 */
public final class ServiceIOException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The step that failed. */
  public enum Step {
    OPEN,
    READ,
    WRITE
  }

  public final Step step;
  /** daemontools' wording of the cause. */
  public final String reason;
  /** The errno behind the failure, or null (for example a short status file). */
  public final transient Errno errno;

  ServiceIOException(Step step, IOException cause) {
    super(cause.getMessage(), cause);
    this.step = step;
    this.reason = cause instanceof StatusFormatException ? cause.getMessage() : Errno.text(cause);
    this.errno = Errno.of(cause);
  }
}
