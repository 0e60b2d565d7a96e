package dev.vigil.controller;

import java.util.OptionalLong;

/**
 * A daemon as the controller drives it, one way or another: by start command and pid file
 * ({@link PidFileDaemon}) or through its supervisor ({@link ServiceDaemon}). The controller holds
 * the lock around every call.
 */
interface Daemon {
  /**
   * Starts it and returns once it answers (its ping, or its supervisor's "ready"); the caller has
   * found it not running.
   *
   * @throws StartError the start failed; nothing of it is left running
   * @throws StartTimeout no answer in time; what was started has been stopped
   */
  void start();

  /**
   * Stops it and returns once it is gone.
   *
   * @throws StopError the stop command failed
   * @throws StopTimeout not gone in time, then killed
   */
  void stop();

  boolean running();

  /** Its pid as its pid file (or status record) says, whether or not it runs; empty if none. */
  OptionalLong pid();
}
