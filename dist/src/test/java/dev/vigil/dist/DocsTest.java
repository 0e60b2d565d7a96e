package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals("svc [-" + Command.letters() + "] dir ...", synopsis(page("svc")));
    assertEquals("svstat dir ...", synopsis(page("svstat")));
    assertEquals("svok dir", synopsis(page("svok")));
    assertEquals("supervise dir", synopsis(page("supervise")));
  }

  @Test
  void everyCommandLetterIsDocumented() throws IOException {
    String svcOptions = section(page("svc"), "Options");
    String supervise = section(page("supervise"), "Interface");
    for (Command c : Command.values()) {
      assertTrue(svcOptions.contains("| `-" + c.letter + "` | " + c.word + " |"), "svc.md lacks -" + c.letter);
      assertTrue(supervise.contains(String.valueOf(c.letter)), "supervise.md lacks " + c.letter);
    }
  }

  @Test
  void everyExitCodeIsDocumented() throws IOException {
    Map<String, List<Integer>> codes = Map.of(
        "svc", List.of(0, 100),
        "svstat", List.of(0),
        "svok", List.of(0, 100, 111),
        "supervise", List.of(0, 100, 111));
    for (Map.Entry<String, List<Integer>> e : codes.entrySet()) {
      String section = section(page(e.getKey()), "Exit codes");
      for (int code : e.getValue()) {
        assertTrue(section.contains("| " + code + " |"), e.getKey() + ".md lacks exit code " + code);
      }
    }
  }
}
