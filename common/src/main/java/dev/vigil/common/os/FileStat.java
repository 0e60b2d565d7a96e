package dev.vigil.common.os;

/**
 * What stat(2) says of a file, as far as the supervisor cares.
 *
 * @param kind what it is
 * @param device the device it lives on, encoded as glibc's makedev encodes it (what the JDK's
 *     {@code unix:dev} attribute gives)
 * @param inode its inode number; with the device it names one file
 */
public record FileStat(Kind kind, long device, long inode) {
  /** The file types the supervisor tells apart. */
  public enum Kind {
    DIRECTORY,
    REGULAR,
    FIFO,
    SOCKET,
    OTHER;

    /** The kind an {@code st_mode} encodes. */
    public static Kind ofMode(int mode) {
      switch (mode & 0170000) {
        case 0040000:
          return DIRECTORY;
        case 0100000:
          return REGULAR;
        case 0010000:
          return FIFO;
        case 0140000:
          return SOCKET;
        default:
          return OTHER;
      }
    }
  }

  /** dev_t from a major and minor number, as glibc's makedev(3). */
  public static long device(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }
}
