package dev.vigil.controller;

/**
 * Why a {@link DaemonController} operation failed: daemon_controller's {@code
 * DaemonController::Error}, the base of every failure type below. Unchecked, as daemon_controller's
 * are exceptions a caller may let through: a test suite's set-up fails with the daemon's own words.
 */
public class ControllerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ControllerFailure(String message) {
    super(message);
  }

  public ControllerFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
