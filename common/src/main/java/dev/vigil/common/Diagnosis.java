package dev.vigil.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The errno behind a failed file operation, found without the JDK's reason text. That text is
 * glibc's strerror in the user's language (the JVM calls {@code setlocale(LC_ALL, "")}), so it
 * tells nothing a program can rely on; and the clients load no native code that could ask errno.
 *
 * <p>First the exception's type: the NIO exceptions that name an errno, and our own
 * {@link ErrnoException}. For the rest (a plain {@code FileSystemException}, a java.io
 * {@code FileNotFoundException}) the path that failed is looked at the way the kernel resolves
 * it ({@link #walk}): a name too long, a component that is no directory, a symlink loop, a
 * directory that cannot be searched, a missing component. What is not a property of the path
 * (EISDIR or EACCES from opening an existing file) callers check before the call, so that it
 * never has to be told from an exception; anything else is {@code unknown error}.
 */
public final class Diagnosis {
  /** The kernel refuses a path of this many bytes or more (PATH_MAX counts the NUL). */
  static final int PATH_MAX = 4096;
  /** The longest name a Linux file system stores (NAME_MAX). */
  static final int NAME_MAX = 255;
  /** How many symlinks one lookup follows before it fails with ELOOP (MAXSYMLINKS). */
  static final int MAX_SYMLINKS = 40;

  private static final Path ROOT = Path.of("/");
  private static final Path HERE = Path.of(".");

  private Diagnosis() {}

  /**
   * The errno behind {@code e}, or null when neither its type nor the path tells it.
   *
   * @param path the path the failed call was given; the file a {@code FileSystemException} names
   *     takes precedence. Null when unknown: then only the type counts.
   */
  public static Errno errno(IOException e, Path path) {
    if (e instanceof NoSuchFileException) {
      return noSuchFile(failed(e, path));
    }
    if (e instanceof ErrnoException) {
      return Errno.byNumber(((ErrnoException) e).errno);
    }
    if (e instanceof AccessDeniedException) {
      return Errno.EACCES;
    }
    if (e instanceof FileAlreadyExistsException) {
      return Errno.EEXIST;
    }
    if (e instanceof NotDirectoryException) {
      return Errno.ENOTDIR;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return Errno.ENOTEMPTY;
    }
    if (e instanceof FileSystemLoopException) {
      return Errno.ELOOP;
    }
    Path failed = failed(e, path);
    return failed == null ? null : walk(failed);
  }

  /**
   * {@code e} as an exception whose errno is known without text: {@code e} itself when it is an
   * {@link ErrnoException} or a {@code NoSuchFileException} that is ENOENT indeed (callers catch
   * that type), an {@link ErrnoException} with the errno {@link #errno} finds otherwise, and
   * {@code e} unchanged when none is found (it then reads {@code unknown error}).
   */
  public static IOException explain(IOException e, Path path) {
    if (e instanceof ErrnoException) {
      return e;
    }
    Errno errno = errno(e, path);
    if (errno == null || (errno == Errno.ENOENT && e instanceof NoSuchFileException)) {
      return e;
    }
    Path failed = failed(e, path);
    return errno.exception(failed == null ? "" : failed.toString());
  }

  /**
   * A NoSuchFileException is ENOENT, except that newer JDKs (25) report ENOTDIR, a path through
   * something that is no directory, with it too. A missing file in a directory is the common case
   * (no {@code down} file), so it costs one stat; only otherwise is the whole path walked.
   */
  private static Errno noSuchFile(Path path) {
    if (path == null) {
      return Errno.ENOENT;
    }
    Path parent = path.getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return Errno.ENOENT;
    }
    return walk(path) == Errno.ENOTDIR ? Errno.ENOTDIR : Errno.ENOENT;
  }

  /** The path a failure concerns: the file the exception names, else the one the caller gave. */
  private static Path failed(IOException e, Path path) {
    if (e instanceof FileSystemException) {
      String file = ((FileSystemException) e).getFile();
      if (file != null) {
        try {
          return Path.of(file);
        } catch (InvalidPathException notAPath) {
          return path;
        }
      }
    }
    return path;
  }

  /**
   * Why resolving {@code path} as stat(2) or open(2) would (following every symlink, the last one
   * included) fail, in the kernel's order, or null if it resolves or the walk cannot tell: the
   * whole path of PATH_MAX bytes or more; then component by component, one after something that
   * is no directory (ENOTDIR), in a directory that cannot be searched (EACCES), longer than
   * NAME_MAX (ENAMETOOLONG), missing (ENOENT), or the 41st symlink followed (ELOOP). Each step is
   * an lstat of a path without symlinks, whose expected failures (ENOENT, EACCES) the JDK names by
   * type; any other failure of the walk itself leaves the answer unknown.
   *
   * <p>Byte lengths are counted in UTF-8, the encoding of file names in the locales vigil runs
   * in; the empty path is ENOENT, as for the system calls.
   */
  public static Errno walk(Path path) {
    String rest = path.toString();
    if (rest.isEmpty()) {
      return Errno.ENOENT;
    }
    if (utf8Length(rest) >= PATH_MAX) {
      return Errno.ENAMETOOLONG;
    }
    Path current = rest.charAt(0) == '/' ? ROOT : HERE;
    boolean directory = true;
    int links = 0;
    while (true) {
      int start = 0;
      while (start < rest.length() && rest.charAt(start) == '/') {
        start++;
      }
      if (start == rest.length()) {
        return null;
      }
      int end = rest.indexOf('/', start);
      if (end < 0) {
        end = rest.length();
      }
      String name = rest.substring(start, end);
      rest = rest.substring(end);
      if (!directory) {
        return Errno.ENOTDIR;
      }
      if (utf8Length(current.toString()) >= PATH_MAX) {
        return null; // deeper than our own calls can reach; the kernel's walk went through
      }
      if (!Files.isExecutable(current)) {
        return Errno.EACCES;
      }
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        current = parent(current);
        continue;
      }
      if (utf8Length(name) > NAME_MAX) {
        return Errno.ENAMETOOLONG;
      }
      Path next = current.resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Errno.ENOENT;
      } catch (AccessDeniedException e) {
        return Errno.EACCES;
      } catch (IOException e) {
        return null;
      }
      if (a.isSymbolicLink()) {
        if (links++ >= MAX_SYMLINKS) {
          return Errno.ELOOP;
        }
        String target;
        try {
          target = Files.readSymbolicLink(next).toString();
        } catch (IOException e) {
          return null;
        }
        if (target.startsWith("/")) {
          current = ROOT;
        }
        rest = target + rest; // rest is empty or starts with '/'
        continue;
      }
      current = next;
      directory = a.isDirectory();
    }
  }

  /** The directory {@code ..} leads to from {@code dir}, a path without symlinks. */
  private static Path parent(Path dir) {
    Path name = dir.getFileName();
    if (name == null) {
      return dir; // "/.." is "/"
    }
    if (name.toString().equals(".") || name.toString().equals("..")) {
      return dir.resolve("..");
    }
    Path parent = dir.getParent();
    return parent == null ? HERE : parent;
  }

  /** How many bytes {@code s} takes in UTF-8; an unpaired surrogate is encoded as one '?'. */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++; // encoded as '?'
      } else {
        n += 3;
      }
    }
    return n;
  }
}
