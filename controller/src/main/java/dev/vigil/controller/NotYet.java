package dev.vigil.controller;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * The one list of failures that mean "the daemon cannot be connected to yet", daemon_controller's
 * ALLOWED_CONNECT_EXCEPTIONS in Java's words: ECONNREFUSED is {@link ConnectException},
 * ENETUNREACH/EHOSTUNREACH and EADDRNOTAVAIL {@link NoRouteToHostException}, ETIMEDOUT {@link
 * SocketTimeoutException} (and java.net.http's {@link HttpTimeoutException}), ECONNRESET a socket
 * error saying "Connection reset". The JDK's HTTP client wraps the socket's exception in an
 * IOException of its own, so the whole cause chain is looked at.
 */
final class NotYet {
  private NotYet() {}

  static boolean means(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof PortUnreachableException
          || t instanceof SocketTimeoutException
          || t instanceof HttpTimeoutException) {
        return true;
      }
      if (t instanceof IOException && t.getMessage() != null && t.getMessage().startsWith("Connection reset")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Runs {@code c}: its connection, or null for "not yet" (null, false, or a {@link #means}
   * failure). A connection that is {@link AutoCloseable} is closed when {@code close} says so (a
   * ping's socket), quietly, as daemon_controller closes what its ping returns.
   */
  static <T, E extends Exception> T attempt(Connector<T, E> c, boolean close) throws E {
    T connection;
    try {
      connection = c.connect();
    } catch (Exception e) {
      if (means(e)) {
        return null;
      }
      throw e;
    }
    if (connection == null || Boolean.FALSE.equals(connection)) {
      return null;
    }
    if (close && connection instanceof AutoCloseable) {
      try {
        ((AutoCloseable) connection).close();
      } catch (Exception e) {
        // daemon_controller ignores whatever close raises: the daemon answered, that is all
      }
    }
    return connection;
  }
}
