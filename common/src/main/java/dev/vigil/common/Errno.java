package dev.vigil.common;

import java.io.IOException;

/**
 * Linux errno values with daemontools' wording for them (spec §1.2), which is what every vigil
 * message prints after the last colon, in every locale. Only numbers lead to words here: the JDK's
 * own reason text is glibc's strerror in the user's language, so it is never read (DESIGN §7).
 * {@link #of(IOException)} finds the number behind a JDK exception through {@link Diagnosis}.
 */
public enum Errno {
  EPERM(1, "permission denied"),
  ENOENT(2, "file does not exist"),
  ESRCH(3, "no such process"),
  EINTR(4, "interrupted system call"),
  EIO(5, "input/output error"),
  ENXIO(6, "device not configured"),
  E2BIG(7, "argument list too long"),
  ENOEXEC(8, "exec format error"),
  EBADF(9, "file descriptor not open"),
  ECHILD(10, "no child processes"),
  EAGAIN(11, "temporary failure"),
  ENOMEM(12, "out of memory"),
  EACCES(13, "access denied"),
  EFAULT(14, "bad address"),
  ENOTBLK(15, "not a block device"),
  EBUSY(16, "device busy"),
  EEXIST(17, "file already exists"),
  EXDEV(18, "cross-device link"),
  ENODEV(19, "device does not support operation"),
  ENOTDIR(20, "not a directory"),
  EISDIR(21, "is a directory"),
  EINVAL(22, "invalid argument"),
  ENFILE(23, "system cannot open more files"),
  EMFILE(24, "process cannot open more files"),
  ENOTTY(25, "not a tty"),
  ETXTBSY(26, "text busy"),
  EFBIG(27, "file too big"),
  ENOSPC(28, "out of disk space"),
  ESPIPE(29, "unseekable descriptor"),
  EROFS(30, "read-only file system"),
  EMLINK(31, "too many links"),
  EPIPE(32, "broken pipe"),
  EDOM(33, "input out of range"),
  ERANGE(34, "output out of range"),
  EDEADLK(35, "operation would cause deadlock"),
  ENAMETOOLONG(36, "file name too long"),
  ENOLCK(37, "no locks available"),
  ENOSYS(38, "system call not available"),
  ENOTEMPTY(39, "directory not empty"),
  ELOOP(40, "symbolic link loop"),
  ENOMSG(42, "no message of desired type"),
  EIDRM(43, "identifier removed"),
  ENOSTR(60, "not a stream device"),
  ETIME(62, "timer expired"),
  ENOSR(63, "out of stream resources"),
  ENONET(64, "machine not on network"),
  EREMOTE(66, "too many levels of remote in path"),
  ENOLINK(67, "link severed"),
  EADV(68, "advertise error"),
  ESRMNT(69, "srmount error"),
  ECOMM(70, "communication error"),
  EPROTO(71, "protocol error"),
  EMULTIHOP(72, "multihop attempted"),
  EBADMSG(74, "bad message type"),
  EREMCHG(78, "remote address changed"),
  EUSERS(87, "too many users"),
  ENOTSOCK(88, "not a socket"),
  EDESTADDRREQ(89, "destination address required"),
  EMSGSIZE(90, "message too long"),
  EPROTOTYPE(91, "incorrect protocol type"),
  ENOPROTOOPT(92, "protocol not available"),
  EPROTONOSUPPORT(93, "protocol not supported"),
  ESOCKTNOSUPPORT(94, "socket type not supported"),
  EOPNOTSUPP(95, "operation not supported"),
  EPFNOSUPPORT(96, "protocol family not supported"),
  EAFNOSUPPORT(97, "address family not supported"),
  EADDRINUSE(98, "address already used"),
  EADDRNOTAVAIL(99, "address not available"),
  ENETDOWN(100, "network down"),
  ENETUNREACH(101, "network unreachable"),
  ENETRESET(102, "network reset"),
  ECONNABORTED(103, "connection aborted"),
  ECONNRESET(104, "connection reset"),
  ENOBUFS(105, "out of buffer space"),
  EISCONN(106, "already connected"),
  ENOTCONN(107, "not connected"),
  ESHUTDOWN(108, "socket shut down"),
  ETOOMANYREFS(109, "too many references"),
  ETIMEDOUT(110, "timed out"),
  ECONNREFUSED(111, "connection refused"),
  EHOSTDOWN(112, "host down"),
  EHOSTUNREACH(113, "host unreachable"),
  EALREADY(114, "operation already in progress"),
  EINPROGRESS(115, "operation in progress"),
  ESTALE(116, "stale NFS file handle"),
  EDQUOT(122, "disk quota exceeded");

  /** daemontools' text for an errno it has no entry for. */
  public static final String UNKNOWN = "unknown error";

  public final int number;
  public final String text;

  Errno(int number, String text) {
    this.number = number;
    this.text = text;
  }

  /** daemontools' wording for a raw errno from native code; {@link #UNKNOWN} if it has none. */
  public static String text(int errno) {
    if (errno == 0) {
      return "no error";
    }
    Errno e = byNumber(errno);
    return e == null ? UNKNOWN : e.text;
  }

  /** The constant for a raw errno, or null if daemontools has no words for it. */
  public static Errno byNumber(int errno) {
    for (Errno e : values()) {
      if (e.number == errno) {
        return e;
      }
    }
    return null;
  }

  /**
   * daemontools' wording for the errno behind a JDK I/O exception, {@link #UNKNOWN} when it cannot
   * be told (see {@link #of(IOException)}); the exception's message is never read.
   */
  public static String text(IOException e) {
    if (e instanceof ErrnoException) {
      return text(((ErrnoException) e).errno);
    }
    Errno errno = of(e);
    return errno == null ? UNKNOWN : errno.text;
  }

  /**
   * The errno behind a JDK I/O exception, or null when it cannot be told: the exception's type
   * when it names one, else what the file it names shows ({@link Diagnosis#errno}), which may
   * look at the file system. A java.io exception names no file: pass the path the failed call
   * was given to {@link Diagnosis#errno} instead.
   */
  public static Errno of(IOException e) {
    return Diagnosis.errno(e, null);
  }

  /** An exception that carries this errno, for code that detects the condition itself. */
  public ErrnoException exception(String file) {
    return new ErrnoException(file, number);
  }
}
