package dev.vigil.controller;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Ready-made pings: daemon_controller's {@code [:tcp, host, port]} and {@code [:unix, path]}.
 * A ping command (a shell command that exits 0 when the daemon answers) is given to the builder
 * as a string; any other ping is a {@link Connector}.
 */
public final class Ping {
  /** How long a TCP connect may take before it counts as "not yet": daemon_controller's 0.1 s. */
  static final int CONNECT_TIMEOUT_MILLIS = 100;

  private Ping() {}

  /** Answers when a TCP connection to {@code host:port} is accepted (and closes it at once). */
  public static Connector<Boolean, IOException> tcp(String host, int port) {
    return () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        return true;
      }
    };
  }

  /** Answers when a connection to the Unix domain socket {@code path} is accepted. */
  public static Connector<Boolean, IOException> unix(Path path) {
    return () -> {
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        c.connect(UnixDomainSocketAddress.of(path));
        return true;
      } catch (java.nio.file.NoSuchFileException | java.net.SocketException e) {
        return false; // no socket yet, or nobody accepts on it (ECONNREFUSED)
      }
    };
  }
}
