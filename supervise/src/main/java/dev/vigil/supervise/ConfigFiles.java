package dev.vigil.supervise;

import static dev.vigil.common.ServiceDir.BACKOFF_MAX;
import static dev.vigil.common.ServiceDir.BACKOFF_RESET;
import static dev.vigil.common.ServiceDir.CHECK;
import static dev.vigil.common.ServiceDir.CHECK_INTERVAL;
import static dev.vigil.common.ServiceDir.DOWN_SIGNAL;
import static dev.vigil.common.ServiceDir.FINISH;
import static dev.vigil.common.ServiceDir.NOTIFICATION_FD;
import static dev.vigil.common.ServiceDir.NOTIFY_SOCKET;
import static dev.vigil.common.ServiceDir.PIDFILE;
import static dev.vigil.common.ServiceDir.STOP_SCHEDULE;
import static dev.vigil.common.ServiceDir.TIMEOUT_FINISH;
import static dev.vigil.common.ServiceDir.TIMEOUT_KILL;

import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.FileStat;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a service directory's settings (doc/service-dir.md) into a {@link Config}. A file that is
 * absent gives the default; one that is unreadable or malformed gives a warning naming it, once
 * for each content it has, and the default.
 */
final class ConfigFiles {
  private static final int LIMIT = 512;

  private final Os os;
  private final int dir;
  private final String name;
  private final Consumer<String> warn;
  /**
   * What each troubled file held (or why it could not be read) when it was warned about: the
   * same trouble is not warned about twice in a row. A file found fine is forgotten, so that
   * it is warned about again if it breaks again.
   */
  private final Map<String, String> warned = new HashMap<>();
  /** The files found troubled by the read under way. */
  private final Set<String> troubled = new HashSet<>();

  ConfigFiles(Os os, int dir, String name, Consumer<String> warn) {
    this.os = os;
    this.dir = dir;
    this.name = name;
    this.warn = warn;
  }

  Config read() {
    troubled.clear();
    Config d = Config.DEFAULT;
    boolean finish = isFile(FINISH);
    long finishTimeout = millis(TIMEOUT_FINISH, d.finishTimeoutNanos());
    Optional<String> signalText = text(DOWN_SIGNAL);
    Signal downSignal = Signal.TERM;
    if (signalText.isPresent()) {
      Signal s = Signal.named(signalText.get());
      if (s == null) {
        bad(DOWN_SIGNAL, signalText.get(), "no signal");
      } else {
        downSignal = s;
      }
    }
    Optional<StopPlan> stop = Optional.empty();
    Optional<String> schedule = text(STOP_SCHEDULE);
    if (schedule.isPresent()) {
      StringBuilder why = new StringBuilder();
      stop = StopPlan.parse(schedule.get(), downSignal, why);
      if (stop.isEmpty()) {
        bad(STOP_SCHEDULE, schedule.get(), why.toString());
      }
    }
    if (stop.isEmpty()) {
      Optional<String> killText = text(TIMEOUT_KILL);
      long timeoutKill = millis(TIMEOUT_KILL, killText, 0);
      if (signalText.isPresent() || killText.isPresent()) {
        stop = Optional.of(StopPlan.s6(downSignal, timeoutKill));
      }
    }
    Config c = new Config(finish, finishTimeout, stop, millis(BACKOFF_MAX, d.backoffMaxNanos()),
        millis(BACKOFF_RESET, d.backoffResetNanos()), ready(), pidfile());
    warned.keySet().retainAll(troubled);
    return c;
  }

  /**
   * The readiness protocol asked for. Of several, notification-fd wins over notify-socket, which
   * wins over check (the more direct word first); each one left unused is warned about.
   */
  private ReadyWhen ready() {
    Optional<ReadyWhen> ready = Optional.empty();
    Optional<String> fdText = text(NOTIFICATION_FD);
    if (fdText.isPresent()) {
      int fd = fdNumber(fdText.get());
      if (fd < 0) {
        bad(NOTIFICATION_FD, fdText.get(), "not a descriptor number from 3 to " + MAX_NOTIFICATION_FD);
      } else {
        ready = Optional.of(new ReadyWhen.Notification(fd));
      }
    }
    if (isFile(NOTIFY_SOCKET)) {
      ready = ready.isPresent() ? unused(NOTIFY_SOCKET, ready) : Optional.of(new ReadyWhen.NotifySocket());
    }
    if (isFile(CHECK)) {
      long interval = millis(CHECK_INTERVAL, Config.CHECK_INTERVAL);
      if (interval == 0) {
        bad(CHECK_INTERVAL, "0", "not a number of milliseconds above 0");
        interval = Config.CHECK_INTERVAL;
      }
      long every = interval;
      ready = ready.isPresent() ? unused(CHECK, ready) : Optional.of(new ReadyWhen.Check(every));
    }
    return ready.orElse(ReadyWhen.UP);
  }

  /** Where the daemon writes its pid: the file's first line; empty if there is no such file. */
  private Optional<String> pidfile() {
    Optional<String> t = text(PIDFILE);
    if (t.isEmpty()) {
      return t;
    }
    String path = t.get().lines().findFirst().orElse("").trim();
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      bad(PIDFILE, t.get(), "no path");
      return Optional.empty();
    }
    return Optional.of(path);
  }

  /** The highest notification-fd taken: descriptors above it may not exist in the child. */
  static final int MAX_NOTIFICATION_FD = 1023;

  private static int fdNumber(String text) {
    try {
      int fd = Integer.parseInt(text);
      // 0, 1 and 2 are the child's stdio: s6 refuses them too
      return fd >= 3 && fd <= MAX_NOTIFICATION_FD ? fd : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A second protocol, ignored for the one in use: warned about once. */
  private Optional<ReadyWhen> unused(String file, Optional<ReadyWhen> used) {
    troubled.add(file);
    String winner = used.get() instanceof ReadyWhen.Notification ? NOTIFICATION_FD : NOTIFY_SOCKET;
    String why = "ignored: " + winner + " says when " + name + " is ready";
    if (!why.equals(warned.put(file, why))) {
      warn.accept("unable to use " + name + "/" + file + ": " + why);
    }
    return used;
  }

  private boolean isFile(String file) {
    try {
      return os.stat(dir, file).kind() == FileStat.Kind.REGULAR;
    } catch (ErrnoException e) {
      String why = Errno.text(e);
      if (e.errno != Errno.ENOENT.number) {
        troubled.add(file);
        if (!why.equals(warned.put(file, why))) {
          warn.accept("unable to stat " + name + "/" + file + ": " + why);
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** The file's text, trimmed; empty if it is absent (or unreadable: warned). */
  private Optional<String> text(String file) {
    try {
      return Optional.of(new String(os.readFile(dir, file, LIMIT), StandardCharsets.UTF_8).trim());
    } catch (ErrnoException e) {
      if (e.errno != Errno.ENOENT.number) {
        bad(file, "", Errno.text(e));
      }
      return Optional.empty();
    } catch (IOException e) {
      bad(file, "", Errno.text(e));
      return Optional.empty();
    }
  }

  /** A whole number of milliseconds, as nanoseconds; {@code otherwise} if absent or malformed. */
  private long millis(String file, long otherwise) {
    return millis(file, text(file), otherwise);
  }

  private long millis(String file, Optional<String> t, long otherwise) {
    if (t.isEmpty()) {
      return otherwise;
    }
    try {
      long ms = Long.parseLong(t.get());
      if (ms >= 0 && ms <= Long.MAX_VALUE / Config.MILLI) {
        return ms * Config.MILLI;
      }
    } catch (NumberFormatException e) {
      // below
    }
    bad(file, t.get(), "not a number of milliseconds");
    return otherwise;
  }

  private void bad(String file, String content, String why) {
    troubled.add(file);
    if (!content.equals(warned.put(file, content))) {
      warn.accept("unable to use " + name + "/" + file + ": " + why + "; using the default");
    }
  }
}
