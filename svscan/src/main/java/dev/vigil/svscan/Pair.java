package dev.vigil.svscan;

import dev.vigil.supervise.Service;
import dev.vigil.supervise.Timer;

/**
 * One entry of the scanned directory: its service, and its logger when the entry has a
 * {@code log}, joined by a pipe that svscan holds for the pair's whole life, so that neither
 * side's restart loses what the other wrote. A slot is null while that service is not running
 * (it exited, or could not be taken in charge and waits for the next scan).
 */
final class Pair {
  /** The directory's identity: a symlink to it and the directory itself are one service. */
  record Identity(long device, long inode) {}

  final String name;
  final Identity identity;
  final boolean logged;
  /** Read end, write end; null until made, and again once closed at shutdown. */
  int[] pipe;
  Service main;
  Service log;
  /** It could not be started for want of descriptors, and was warned about. */
  boolean starved;
  /** At shutdown: when the logger, its input closed, is asked to go if it has not. */
  Timer drain;

  Pair(String name, Identity identity, boolean logged) {
    this.name = name;
    this.identity = identity;
    this.logged = logged;
  }

  boolean isGone() {
    return main == null && log == null;
  }
}
