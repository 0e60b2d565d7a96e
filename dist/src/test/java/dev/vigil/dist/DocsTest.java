package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Command;
import dev.vigil.svwait.Goal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The doc pages agree with the code: synopsis, every command letter, every exit code. */
class DocsTest {
  private static final Path DOCS = Path.of(System.getProperty("vigil.docs"));

  private static String page(String program) throws IOException {
    return Files.readString(DOCS.resolve(program + ".md"));
  }

  /** The first line of the page's first code block. */
  private static String synopsis(String page) {
    int start = page.indexOf("```\n") + 4;
    return page.substring(start, page.indexOf('\n', start));
  }

  /** The text of one section, up to the next heading of its level. */
  private static String section(String page, String heading) {
    int start = page.indexOf("\n## " + heading + "\n");
    assertTrue(start >= 0, "no section " + heading);
    int end = page.indexOf("\n## ", start + 4);
    return page.substring(start, end < 0 ? page.length() : end);
  }

  @Test
  void synopsesMatchThePrograms() throws IOException {
    assertEquals("svc [-" + Command.letters() + "] [-W " + String.join("|", Goal.letters().split("")) + "] [-T ms] dir ...",
        synopsis(page("svc")));
    assertEquals("svwait [-U|-u|-D|-d|-R|-r] [-a|-o] [-t timeout] dir ...", synopsis(page("svwait")));
    assertEquals("svstat [-l | -j | -o FIELD,... | --prometheus[=FILE]] dir ...", synopsis(page("svstat")));
    assertEquals("svok dir", synopsis(page("svok")));
    assertEquals("svcheck [-w SECONDS] [-c SECONDS] dir ...", synopsis(page("svcheck")));
    assertEquals("supervise dir", synopsis(page("supervise")));
    assertEquals("svscan [dir]", synopsis(page("svscan")));
    assertEquals(dev.vigil.sipid.Main.SYNOPSIS, synopsis(page("sipid")));
    assertEquals("hadaemon config start|stop|restart|hard_restart|reload|status|fork|foreground|get_init_file",
        synopsis(page("hadaemon")));
  }

  /**
   * The letters supervise.md's command table documents, each with its effect: a row whose first
   * cell holds code spans ({@code | `u` |}, {@code | `p` / `c` |}, {@code | `h a i t k` |}),
   * each span one letter or several separated by spaces.
   */
  private static Map<Character, String> commandTable(String section) {
    Map<Character, String> rows = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      assertTrue(cells.length >= 3, "not a table row: " + line);
      String effect = cells[2].trim();
      String[] spans = cells[1].split("`");
      for (int i = 1; i < spans.length; i += 2) {
        for (String letter : spans[i].trim().split(" +")) {
          assertEquals(1, letter.length(), "not a command letter in supervise.md: " + line);
          assertNull(rows.put(letter.charAt(0), effect), "supervise.md documents " + letter + " twice");
        }
      }
    }
    return rows;
  }

  @Test
  void everyCommandLetterIsDocumented() throws IOException {
    String svcOptions = section(page("svc"), "Options");
    Map<Character, String> supervise = commandTable(section(page("supervise"), "Interface"));
    for (Command c : Command.values()) {
      assertTrue(svcOptions.contains("| `-" + c.letter + "` | " + c.word + " |"), "svc.md lacks -" + c.letter);
      String effect = supervise.remove(c.letter);
      assertTrue(effect != null && !effect.isEmpty(), "supervise.md's command table lacks " + c.letter);
    }
    assertTrue(supervise.isEmpty(), "supervise.md documents letters supervise does not know: " + supervise.keySet());
  }

  @Test
  void everyExitCodeIsDocumented() throws IOException {
    Map<String, List<Integer>> codes = Map.of(
        "svc", List.of(0, 99, 100, 102, 111),
        "svwait", List.of(0, 99, 100, 102, 111),
        "svstat", List.of(0, 100, 111),
        "svok", List.of(0, 100, 111),
        "svcheck", List.of(0, 1, 2, 3),
        "supervise", List.of(0, 100, 111),
        "svscan", List.of(0, 111),
        "sipid", List.of(0, 1, 2, 111));
    for (Map.Entry<String, List<Integer>> e : codes.entrySet()) {
      String section = section(page(e.getKey()), "Exit codes");
      for (int code : e.getValue()) {
        assertTrue(section.contains("| " + code + " |"), e.getKey() + ".md lacks exit code " + code);
      }
    }
  }

  /** Every state svwait and svc -W wait for is in both pages, with its word. */
  @Test
  void everyGoalIsDocumented() throws IOException {
    String svwait = section(page("svwait"), "Options");
    String svc = section(page("svc"), "Options");
    for (Goal g : Goal.values()) {
      assertTrue(svwait.contains("| `-" + g.letter + "` | " + g.word + " |"), "svwait.md lacks -" + g.letter);
      assertTrue(svc.contains("`-W " + g.letter + "`"), "svc.md lacks -W " + g.letter);
    }
  }

  /**
   * service-dir.md's table has a row for every name ServiceDir spells, the supervise/ files under
   * their directory's row, and no row for a name the code does not know.
   */
  @Test
  void everyFileOfAServiceDirectoryIsDocumented() throws IOException, IllegalAccessException {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (java.lang.reflect.Field f : dev.vigil.common.ServiceDir.class.getFields()) {
      if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        String name = (String) f.get(null);
        names.add(name.contains("/") ? name.substring(0, name.indexOf('/')) : name);
      }
    }
    java.util.Set<String> rows = new java.util.TreeSet<>();
    for (String line : section(page("service-dir"), "Files").split("\n")) {
      if (line.startsWith("| `")) {
        String name = line.substring(3, line.indexOf('`', 3));
        rows.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
      }
    }
    assertEquals(names, rows, "service-dir.md's Files table against ServiceDir's names");
  }

  /** svstat.md's field table lists exactly the fields svstat -o takes, in their order. */
  @Test
  void everySvstatFieldIsDocumented() throws Exception {
    java.lang.reflect.Field f = Class.forName("dev.vigil.svstat.Report").getDeclaredField("FIELDS");
    f.setAccessible(true);
    List<String> fields = List.of((String[]) f.get(null));
    List<String> rows = new java.util.ArrayList<>();
    String options = section(page("svstat"), "Options");
    String table = options.substring(options.indexOf("| Field |"));
    for (String line : table.split("\n")) {
      if (line.startsWith("| `")) {
        rows.add(line.substring(3, line.indexOf('`', 3)));
      }
    }
    assertEquals(fields, rows, "svstat.md's field table against Report.FIELDS");
  }

  /** Every key hadaemon reads is in its page's configuration table, in a code span. */
  @Test
  void everyHadaemonKeyIsDocumented() throws IOException {
    String table = section(page("hadaemon"), "Configuration");
    for (String key : dev.vigil.hadaemon.Config.keys()) {
      assertTrue(table.contains("`" + key + "`"), "doc/hadaemon.md does not document " + key);
    }
  }
}
