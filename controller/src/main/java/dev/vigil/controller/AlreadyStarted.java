package dev.vigil.controller;

/** {@link DaemonController#start()} found the daemon running already. */
public final class AlreadyStarted extends ControllerFailure {
  private static final long serialVersionUID = 1L;

  public AlreadyStarted(String message) {
    super(message);
  }
}
