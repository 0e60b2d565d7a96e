package dev.vigil.hadaemon;

import dev.vigil.common.Die;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who the program runs as: HADaemon::Control's {@code user}, {@code group}, {@code uid},
 * {@code gid} and {@code umask} (doc/hadaemon.md). Only the program changes: the keeper, which
 * holds the lock and writes the pid files, stays the user hadaemon runs as. posix_spawn can
 * change neither user nor umask, so the program's command is prefixed: util-linux setpriv for the
 * user and group (it execs, so the pid stays the program's), then {@code /bin/sh -c 'umask M && exec
 * "$@"'} for the umask.
 */
final class RunAs {
  static final Path PASSWD = Path.of("/etc/passwd");
  static final Path GROUP = Path.of("/etc/group");
  private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

  /** The uid the program gets; null: hadaemon's. */
  final Integer uid;
  /** The gid the program gets; null: hadaemon's. */
  final Integer gid;
  /** The user's name and home, for USER and HOME (as the original sets them); null without a user. */
  final String user;
  final String home;
  /** null: hadaemon's. */
  final Integer umask;
  /** Whether uid or gid differ from hadaemon's own: only then is setpriv needed, and root. */
  private final boolean switches;
  private final long ownUid;
  private final String setpriv;

  private RunAs(Integer uid, Integer gid, String user, String home, Integer umask, long ownUid, long ownGid) {
    this.uid = uid;
    this.gid = gid;
    this.user = user;
    this.home = home;
    this.umask = umask;
    this.ownUid = ownUid;
    this.switches = (uid != null && uid != ownUid) || (gid != null && gid != ownGid);
    this.setpriv = switches ? setpriv() : null;
  }

  /**
   * Reads the five keys of {@code v}. As in the original: {@code user} and {@code uid} must name
   * a user of /etc/passwd, whose primary group is the program's unless {@code group} or {@code gid}
   * says otherwise; {@code group} must name a group of /etc/group; a numeric {@code gid} is taken
   * as it is. Given both, a name and its number must agree.
   */
  static RunAs of(Map<String, String> v) {
    String[] byName = v.containsKey("user") ? entry(PASSWD, "user", v.get("user"), 0) : null;
    if (v.containsKey("user") && byName == null) {
      throw bad("user", "no such user: " + v.get("user"));
    }
    String[] byUid = null;
    if (v.containsKey("uid")) {
      int uid = number(v, "uid");
      byUid = entry(PASSWD, "uid", Integer.toString(uid), 2);
      if (byUid == null) {
        throw bad("uid", "no user has uid " + uid);
      }
      if (byName != null && !byName[2].equals(byUid[2])) {
        throw bad("uid", uid + " is not user " + byName[0] + "'s uid " + byName[2]);
      }
    }
    String[] account = byName != null ? byName : byUid;
    Integer gid = account == null ? null : Integer.valueOf(account[3]);
    if (v.containsKey("group")) {
      String[] group = entry(GROUP, "group", v.get("group"), 0);
      if (group == null) {
        throw bad("group", "no such group: " + v.get("group"));
      }
      gid = Integer.valueOf(group[2]);
    }
    if (v.containsKey("gid")) {
      int number = number(v, "gid");
      if (v.containsKey("group") && number != gid) {
        throw bad("gid", number + " is not group " + v.get("group") + "'s gid " + gid);
      }
      gid = number;
    }
    Integer umask = null;
    if (v.containsKey("umask")) {
      String value = v.get("umask");
      if (!value.matches("[0-7]{1,4}") || Integer.parseInt(value, 8) > 0777) {
        throw bad("umask", "not an octal mode from 0 to 0777: " + value);
      }
      umask = Integer.parseInt(value, 8);
    }
    // hadaemon's own ids matter only when the program is to get others
    long[] own = account == null && gid == null ? new long[] {-1, -1} : own();
    return new RunAs(account == null ? null : Integer.valueOf(account[2]), gid,
        account == null ? null : account[0], account == null ? null : account[5], umask, own[0], own[1]);
  }

  /**
   * Refuses (one line, 6) to start the program as another user unless hadaemon is root: setpriv
   * would fail in every keeper, each logging it, and nothing would run. Checked by the actions that
   * start the program, not by status or get_init_file, which anyone may run.
   */
  void checkCanSwitch() {
    if (switches && ownUid != 0) {
      throw bad(user != null ? "user" : "group", "hadaemon runs as uid " + ownUid
          + ", not root: it cannot start the program as " + (uid != null ? "uid " + uid + " " : "") + "gid " + gid);
    }
  }

  /** {@code argv} (the program and its arguments) with the steps that change user and umask before it. */
  List<String> command(List<String> argv) {
    List<String> command = new ArrayList<>();
    if (switches) {
      command.add(setpriv);
      if (uid != null) {
        // the user's supplementary groups, as login does; the original kept hadaemon's (root's)
        command.addAll(List.of("--reuid=" + uid, "--regid=" + gid, "--init-groups"));
      } else {
        // a group alone: the original's setgid(2), which leaves the supplementary groups as they are
        command.addAll(List.of("--regid=" + gid, "--keep-groups"));
      }
      command.add("--");
    }
    if (umask != null) {
      command.addAll(List.of("/bin/sh", "-c", String.format("umask %04o && exec \"$@\"", umask), "sh"));
    }
    command.addAll(argv);
    return command;
  }

  /** USER and HOME of the user, as the original sets them; nothing without a user. */
  List<String> environment() {
    return user == null ? List.of() : List.of("USER=" + user, "HOME=" + home);
  }

  /** The line of {@code file} (passwd or group format) whose field {@code field} is {@code value}. */
  private static String[] entry(Path file, String key, String value, int field) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw bad(key, "unable to read " + file + ": " + e.getMessage());
    }
    for (String line : lines) {
      String[] fields = line.split(":", -1);
      int least = file.equals(PASSWD) ? 7 : 4;
      if (fields.length >= least && fields[field].equals(value) && !line.startsWith("#")) {
        return fields;
      }
    }
    return null;
  }

  private static int number(Map<String, String> v, String key) {
    String value = v.get(key);
    if (value.matches("[0-9]{1,9}")) {
      return Integer.parseInt(value);
    }
    throw bad(key, "not a number: " + value);
  }

  /** hadaemon's effective uid and gid, from /proc/self/status ({@code Uid:} real, effective, ...). */
  private static long[] own() {
    long[] own = {-1, -1};
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
          own[line.startsWith("Uid:") ? 0 : 1] = Long.parseLong(line.split("\\s+")[2]);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw Die.fatal(Config.NOT_CONFIGURED, "unable to read /proc/self/status: " + e.getMessage());
    }
    return own;
  }

  private static String setpriv() {
    for (Path p : SETPRIV) {
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw bad("user", "setpriv not found in /usr/bin or /bin (util-linux): hadaemon changes user with it");
  }

  private static Die bad(String key, String why) {
    return Die.fatal(Config.NOT_CONFIGURED, key + ": " + why);
  }
}
