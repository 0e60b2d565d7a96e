package dev.vigil.supervise;

/**
 * When ./run counts as ready (doc/service-dir.md, "Readiness"): the one protocol a service
 * directory asks for.
 */
public sealed interface ReadyWhen {
  /** No protocol: ready as soon as it runs (what every client assumes of daemontools). */
  ReadyWhen UP = new Up();

  record Up() implements ReadyWhen {}

  /** s6's {@code notification-fd}: the child gets a pipe's write end as {@code fd}; a newline on it. */
  record Notification(int fd) implements ReadyWhen {}

  /** systemd's protocol: {@code READY=1} on the socket NOTIFY_SOCKET names ({@code supervise/notify}). */
  record NotifySocket() implements ReadyWhen {}

  /** runit's {@code check}: ./check exits 0; run again every {@code intervalNanos} until it does. */
  record Check(long intervalNanos) implements ReadyWhen {}
}
