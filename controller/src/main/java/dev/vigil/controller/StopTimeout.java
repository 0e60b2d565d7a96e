package dev.vigil.controller;

/** The daemon did not exit within the stop timeout; it has been killed (SIGKILL) since. */
public final class StopTimeout extends ControllerTimeout {
  private static final long serialVersionUID = 1L;

  public StopTimeout(String message) {
    super(message);
  }
}
