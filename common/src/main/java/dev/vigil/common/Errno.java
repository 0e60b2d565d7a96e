package dev.vigil.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Linux errno values with daemontools' wording for them (spec §1.2), which is what every vigil
 * message prints after the last colon. Each constant also carries glibc's strerror text, because
 * that is all the JDK keeps of an errno: {@link #of(IOException)} maps an exception back.
 */
public enum Errno {
  EPERM(1, "permission denied", "Operation not permitted"),
  ENOENT(2, "file does not exist", "No such file or directory"),
  ESRCH(3, "no such process", "No such process"),
  EINTR(4, "interrupted system call", "Interrupted system call"),
  EIO(5, "input/output error", "Input/output error"),
  ENXIO(6, "device not configured", "No such device or address"),
  E2BIG(7, "argument list too long", "Argument list too long"),
  ENOEXEC(8, "exec format error", "Exec format error"),
  EBADF(9, "file descriptor not open", "Bad file descriptor"),
  ECHILD(10, "no child processes", "No child processes"),
  EAGAIN(11, "temporary failure", "Resource temporarily unavailable"),
  ENOMEM(12, "out of memory", "Cannot allocate memory"),
  EACCES(13, "access denied", "Permission denied"),
  EFAULT(14, "bad address", "Bad address"),
  ENOTBLK(15, "not a block device", "Block device required"),
  EBUSY(16, "device busy", "Device or resource busy"),
  EEXIST(17, "file already exists", "File exists"),
  EXDEV(18, "cross-device link", "Invalid cross-device link"),
  ENODEV(19, "device does not support operation", "No such device"),
  ENOTDIR(20, "not a directory", "Not a directory"),
  EISDIR(21, "is a directory", "Is a directory"),
  EINVAL(22, "invalid argument", "Invalid argument"),
  ENFILE(23, "system cannot open more files", "Too many open files in system"),
  EMFILE(24, "process cannot open more files", "Too many open files"),
  ENOTTY(25, "not a tty", "Inappropriate ioctl for device"),
  ETXTBSY(26, "text busy", "Text file busy"),
  EFBIG(27, "file too big", "File too large"),
  ENOSPC(28, "out of disk space", "No space left on device"),
  ESPIPE(29, "unseekable descriptor", "Illegal seek"),
  EROFS(30, "read-only file system", "Read-only file system"),
  EMLINK(31, "too many links", "Too many links"),
  EPIPE(32, "broken pipe", "Broken pipe"),
  EDOM(33, "input out of range", "Numerical argument out of domain"),
  ERANGE(34, "output out of range", "Numerical result out of range"),
  EDEADLK(35, "operation would cause deadlock", "Resource deadlock avoided"),
  ENAMETOOLONG(36, "file name too long", "File name too long"),
  ENOLCK(37, "no locks available", "No locks available"),
  ENOSYS(38, "system call not available", "Function not implemented"),
  ENOTEMPTY(39, "directory not empty", "Directory not empty"),
  ELOOP(40, "symbolic link loop", "Too many levels of symbolic links"),
  ENOMSG(42, "no message of desired type", "No message of desired type"),
  EIDRM(43, "identifier removed", "Identifier removed"),
  ENOSTR(60, "not a stream device", "Device not a stream"),
  ETIME(62, "timer expired", "Timer expired"),
  ENOSR(63, "out of stream resources", "Out of streams resources"),
  ENONET(64, "machine not on network", "Machine is not on the network"),
  EREMOTE(66, "too many levels of remote in path", "Object is remote"),
  ENOLINK(67, "link severed", "Link has been severed"),
  EADV(68, "advertise error", "Advertise error"),
  ESRMNT(69, "srmount error", "Srmount error"),
  ECOMM(70, "communication error", "Communication error on send"),
  EPROTO(71, "protocol error", "Protocol error"),
  EMULTIHOP(72, "multihop attempted", "Multihop attempted"),
  EBADMSG(74, "bad message type", "Bad message"),
  EREMCHG(78, "remote address changed", "Remote address changed"),
  EUSERS(87, "too many users", "Too many users"),
  ENOTSOCK(88, "not a socket", "Socket operation on non-socket"),
  EDESTADDRREQ(89, "destination address required", "Destination address required"),
  EMSGSIZE(90, "message too long", "Message too long"),
  EPROTOTYPE(91, "incorrect protocol type", "Protocol wrong type for socket"),
  ENOPROTOOPT(92, "protocol not available", "Protocol not available"),
  EPROTONOSUPPORT(93, "protocol not supported", "Protocol not supported"),
  ESOCKTNOSUPPORT(94, "socket type not supported", "Socket type not supported"),
  EOPNOTSUPP(95, "operation not supported", "Operation not supported"),
  EPFNOSUPPORT(96, "protocol family not supported", "Protocol family not supported"),
  EAFNOSUPPORT(97, "address family not supported", "Address family not supported by protocol"),
  EADDRINUSE(98, "address already used", "Address already in use"),
  EADDRNOTAVAIL(99, "address not available", "Cannot assign requested address"),
  ENETDOWN(100, "network down", "Network is down"),
  ENETUNREACH(101, "network unreachable", "Network is unreachable"),
  ENETRESET(102, "network reset", "Network dropped connection on reset"),
  ECONNABORTED(103, "connection aborted", "Software caused connection abort"),
  ECONNRESET(104, "connection reset", "Connection reset by peer"),
  ENOBUFS(105, "out of buffer space", "No buffer space available"),
  EISCONN(106, "already connected", "Transport endpoint is already connected"),
  ENOTCONN(107, "not connected", "Transport endpoint is not connected"),
  ESHUTDOWN(108, "socket shut down", "Cannot send after transport endpoint shutdown"),
  ETOOMANYREFS(109, "too many references", "Too many references: cannot splice"),
  ETIMEDOUT(110, "timed out", "Connection timed out"),
  ECONNREFUSED(111, "connection refused", "Connection refused"),
  EHOSTDOWN(112, "host down", "Host is down"),
  EHOSTUNREACH(113, "host unreachable", "No route to host"),
  EALREADY(114, "operation already in progress", "Operation already in progress"),
  EINPROGRESS(115, "operation in progress", "Operation now in progress"),
  ESTALE(116, "stale NFS file handle", "Stale file handle"),
  EDQUOT(122, "disk quota exceeded", "Disk quota exceeded");

  /** daemontools' text for an errno it has no entry for. */
  public static final String UNKNOWN = "unknown error";

  public final int number;
  public final String text;
  private final String strerror;

  Errno(int number, String text, String strerror) {
    this.number = number;
    this.text = text;
    this.strerror = strerror;
  }

  /** daemontools' wording for a raw errno from native code; {@link #UNKNOWN} if it has none. */
  public static String text(int errno) {
    if (errno == 0) {
      return "no error";
    }
    Errno e = byNumber(errno);
    return e == null ? UNKNOWN : e.text;
  }

  private static Errno byNumber(int errno) {
    for (Errno e : values()) {
      if (e.number == errno) {
        return e;
      }
    }
    return null;
  }

  /** daemontools' wording for the errno behind a JDK I/O exception. */
  public static String text(IOException e) {
    if (e instanceof ErrnoException) {
      return text(((ErrnoException) e).errno);
    }
    Errno errno = of(e);
    return errno == null ? UNKNOWN : errno.text;
  }

  /**
   * The errno behind a JDK I/O exception, or null when the exception carries none. The NIO
   * exceptions name some errnos by type and give glibc's strerror as the reason for the rest;
   * java.io puts strerror in parentheses after the path, or alone as the message.
   */
  public static Errno of(IOException e) {
    if (e instanceof NoSuchFileException) {
      return ENOENT;
    }
    if (e instanceof AccessDeniedException) {
      return EACCES;
    }
    if (e instanceof FileAlreadyExistsException) {
      return EEXIST;
    }
    if (e instanceof NotDirectoryException) {
      return ENOTDIR;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return ENOTEMPTY;
    }
    if (e instanceof FileSystemLoopException) {
      return ELOOP;
    }
    if (e instanceof ErrnoException) {
      return byNumber(((ErrnoException) e).errno);
    }
    String reason = e instanceof FileSystemException
        ? ((FileSystemException) e).getReason()
        : e.getMessage();
    if (reason == null) {
      return null;
    }
    int open = reason.lastIndexOf('(');
    if (open >= 0 && reason.endsWith(")")) {
      Errno inParentheses = byStrerror(reason.substring(open + 1, reason.length() - 1));
      if (inParentheses != null) {
        return inParentheses;
      }
      // not java.io's "PATH (strerror)": a NOFOLLOW open reads
      // "Too many levels of symbolic links (NOFOLLOW_LINKS specified)"
    }
    return byStrerror(reason);
  }

  private static Errno byStrerror(String reason) {
    for (Errno errno : values()) {
      // ELOOP from stat reads "Too many levels of symbolic links or unable to ..."
      if (reason.startsWith(errno.strerror)) {
        return errno;
      }
    }
    return null;
  }

  /** An exception that carries this errno, for code that detects the condition itself. */
  public ErrnoException exception(String file) {
    return new ErrnoException(file, number);
  }
}
