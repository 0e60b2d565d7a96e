package dev.vigil.controller;

/** The stop command failed (or the service could not be told to stop); its output is in the message. */
public final class StopError extends ControllerFailure {
  private static final long serialVersionUID = 1L;

  public StopError(String message) {
    super(message);
  }
}
