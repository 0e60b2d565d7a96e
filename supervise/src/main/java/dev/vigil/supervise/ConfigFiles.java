package dev.vigil.supervise;

import static dev.vigil.common.ServiceDir.BACKOFF_MAX;
import static dev.vigil.common.ServiceDir.BACKOFF_RESET;
import static dev.vigil.common.ServiceDir.DOWN_SIGNAL;
import static dev.vigil.common.ServiceDir.FINISH;
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
        millis(BACKOFF_RESET, d.backoffResetNanos()));
    warned.keySet().retainAll(troubled);
    return c;
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
