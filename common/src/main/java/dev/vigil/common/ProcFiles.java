package dev.vigil.common;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the small text files of /proc through java.io, never NIO channels: those need a class
 * whose first use opens a descriptor, and that first use failing (EMFILE) breaks NIO channels
 * for the rest of the JVM's life. Just when a process runs short of descriptors it must still
 * be able to ask /proc why.
 */
public final class ProcFiles {
  private ProcFiles() {}

  public static String read(String path) throws IOException {
    try (InputStream in = new FileInputStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** The value of the first line of {@code text} that starts with {@code key}, trimmed; null if none. */
  public static String field(String text, String key) {
    for (String line : text.split("\n")) {
      if (line.startsWith(key)) {
        return line.substring(key.length()).trim();
      }
    }
    return null;
  }
}
