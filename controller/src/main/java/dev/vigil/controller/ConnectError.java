package dev.vigil.controller;

/**
 * {@link DaemonController#connect} found the daemon running (or started it) and still could not
 * connect: it froze, something forbids the connection, or the connection code is wrong.
 */
public final class ConnectError extends ControllerFailure {
  private static final long serialVersionUID = 1L;

  public ConnectError(String message, Throwable cause) {
    super(message, cause);
  }
}
