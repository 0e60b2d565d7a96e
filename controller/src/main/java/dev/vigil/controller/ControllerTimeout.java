package dev.vigil.controller;

/** daemon_controller's {@code TimeoutError}: a start or a stop took longer than its timeout. */
public class ControllerTimeout extends ControllerFailure {
  private static final long serialVersionUID = 1L;

  public ControllerTimeout(String message) {
    super(message);
  }
}
