package dev.vigil.svc;

import dev.vigil.common.ServiceDir;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;

/**
 * Holds supervise/control open read-write, as a supervisor does (so nothing written is lost
 * when svc closes it), and hands back what has arrived without blocking: FIONREAD, then read.
 */
final class ControlTap implements AutoCloseable {
  private final RandomAccessFile fifo;
  private final FileInputStream in;

  ControlTap(ServiceDir dir) throws IOException {
    fifo = new RandomAccessFile(dir.control().toFile(), "rw");
    in = new FileInputStream(fifo.getFD());
  }

  String drain() throws IOException {
    byte[] b = new byte[in.available()];
    for (int got = 0; got < b.length; ) {
      got += in.read(b, got, b.length - got); // never blocks: the bytes are there
    }
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    fifo.close();
  }
}
