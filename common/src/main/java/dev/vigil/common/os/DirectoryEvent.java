package dev.vigil.common.os;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One event read from {@link Os#watchDirectory}'s descriptor: the kernel's {@code struct
 * inotify_event} (wd, mask, cookie, len, then len bytes of NUL-padded name), the only code that
 * knows that layout.
 *
 * @param name the entry, or empty for an event about the directory itself or the queue
 * @param mask what happened: {@link #APPEARED}, {@link #LEFT} or {@link #OVERFLOW} bits, and more
 */
public record DirectoryEvent(String name, int mask) {
  /** IN_CREATE | IN_MOVED_TO. */
  public static final int APPEARED = 0x100 | 0x80;
  /** IN_DELETE | IN_MOVED_FROM. */
  public static final int LEFT = 0x200 | 0x40;
  /** IN_Q_OVERFLOW: events were lost; only a full scan tells what changed. */
  public static final int OVERFLOW = 0x4000;
  /** IN_IGNORED: the watch is gone (the directory was removed). */
  public static final int IGNORED = 0x8000;

  private static final int HEADER = 16;

  public boolean appeared() {
    return (mask & APPEARED) != 0;
  }

  public boolean left() {
    return (mask & LEFT) != 0;
  }

  public boolean overflowed() {
    return (mask & OVERFLOW) != 0;
  }

  /** The events in the first {@code n} bytes of {@code buffer}, as one read(2) returned them. */
  public static List<DirectoryEvent> parse(byte[] buffer, int n) {
    ByteBuffer b = ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder());
    List<DirectoryEvent> events = new ArrayList<>();
    while (b.remaining() >= HEADER) {
      b.getInt();
      int mask = b.getInt();
      b.getInt();
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        break;
      }
      int start = b.position();
      int end = start;
      while (end < start + len && buffer[end] != 0) {
        end++;
      }
      events.add(new DirectoryEvent(new String(buffer, start, end - start, StandardCharsets.UTF_8), mask));
      b.position(start + len);
    }
    return events;
  }
}
