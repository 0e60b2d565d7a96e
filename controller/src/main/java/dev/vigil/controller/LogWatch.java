package dev.vigil.controller;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's log file during one start: whether it is still being written (daemon_controller's
 * log-file activity), and what was appended to it since the start began (what a failed start
 * reports).
 *
 * <p>Unlike daemon_controller, a log file that did not exist when the start began counts as empty
 * then: its appearance is activity and all of it is the attempt's. daemon_controller sees no
 * activity and reports no lines in that case, so a first start that fails reports nothing.
 */
final class LogWatch {
  /** At most this much of the attempt's log is read into an error: its end, where the reason is. */
  static final int MAX_BYTES = 64 * 1024;

  private final Path file;
  private final long startSize;
  private long size;
  private FileTime modified;

  private LogWatch(Path file, long size, FileTime modified) {
    this.file = file;
    this.startSize = size;
    this.size = size;
    this.modified = modified;
  }

  /** Notes the file's size and time now (none: size 0); {@code file} may be null (no log). */
  static LogWatch begin(Path file) {
    BasicFileAttributes a = file == null ? null : stat(file);
    return new LogWatch(file, a == null ? 0 : a.size(), a == null ? null : a.lastModifiedTime());
  }

  /** Whether the file's size or time changed since the last look (or since {@link #begin}). */
  boolean changed() {
    BasicFileAttributes a = file == null ? null : stat(file);
    if (a == null) {
      return false;
    }
    boolean changed = a.size() != size || !a.lastModifiedTime().equals(modified);
    size = a.size();
    modified = a.lastModifiedTime();
    return changed;
  }

  /**
   * The lines appended since {@link #begin}, stripped as daemon_controller strips them; all of it
   * if the file shrank (it was truncated or replaced); none if it is no regular file (a pipe).
   */
  List<String> linesSinceStart() {
    List<String> lines = new ArrayList<>();
    if (file == null || !Files.isRegularFile(file)) {
      return lines;
    }
    String text;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      long from = end < startSize ? 0 : startSize;
      from = Math.max(from, end - MAX_BYTES);
      byte[] b = new byte[(int) (end - from)];
      in.seek(from);
      in.readFully(b);
      text = new String(b, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return lines; // the log is a help for the error, never a second error
    }
    if (!text.isEmpty()) {
      for (String line : text.split("\n", -1)) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static BasicFileAttributes stat(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }
}
