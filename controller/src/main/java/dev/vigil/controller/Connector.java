package dev.vigil.controller;

/**
 * Code that connects to the daemon: a ping, or {@link DaemonController#connect}'s block. It
 * returns a connection (anything but null and {@code Boolean.FALSE}) when the daemon answers.
 * null, {@code false}, or one of the exceptions {@link NotYet} lists (connection refused, network
 * unreachable, timed out, reset) mean "not yet"; any other exception is the caller's to handle.
 *
 * @param <T> the connection
 * @param <E> what it may throw: inferred from the lambda, so a block that throws nothing checked
 *     makes {@code connect} throw nothing checked either
 */
@FunctionalInterface
public interface Connector<T, E extends Exception> {
  T connect() throws E;
}
