package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GetoptTest {
  private static final String SVC = Command.letters();

  /** The letters getopt returns, then "|" and the first operand index. */
  private static String parse(String... args) throws Getopt.IllegalOption {
    Getopt g = new Getopt(args, SVC);
    StringBuilder s = new StringBuilder();
    for (int c; (c = g.next()) != -1; ) {
      s.append((char) c);
    }
    return s.append('|').append(g.operands()).toString();
  }

  @Test
  void noArguments() throws Exception {
    assertEquals("|0", parse());
  }

  @Test
  void separateAndBundledLetters() throws Exception {
    assertEquals("dx|1", parse("-dx", "dir"));
    assertEquals("dx|2", parse("-d", "-x", "dir"));
    assertEquals("uhhaitukdx|5", parse("-u", "-hh", "-aituk", "-d", "-x"));
  }

  @Test
  void lettersComeBackInOrderWithRepeats() throws Exception {
    // svc -d -u -d -cc writes "duc": the dedup is svc's job, getopt reports every letter
    assertEquals("dudcc|4", parse("-d", "-u", "-d", "-cc", "dir"));
  }

  @Test
  void doubleDashEndsOptions() throws Exception {
    assertEquals("d|2", parse("-d", "--", "-u"));
    assertEquals("|1", parse("--", "--"));
  }

  @Test
  void loneDashIsAnOperand() throws Exception {
    assertEquals("|0", parse("-", "-u"));
    assertEquals("u|1", parse("-u", "-", "-d"));
  }

  @Test
  void firstNonDashStopsParsing() throws Exception {
    assertEquals("u|1", parse("-u", "dir", "-d"));
    assertEquals("|0", parse("dir", "-u"));
    assertEquals("|0", parse("", "-u"));
  }

  @Test
  void illegalOptionNamesTheLetter() {
    Getopt.IllegalOption e = assertThrows(Getopt.IllegalOption.class, () -> parse("-Z", "dir"));
    assertEquals('Z', e.option);
    assertEquals("illegal option -- Z", e.getMessage());
  }

  @Test
  void illegalLetterInsideABundleComesAfterTheLegalOnes() throws Exception {
    Getopt g = new Getopt(new String[] {"-dZx"}, SVC);
    assertEquals('d', g.next());
    assertEquals('Z', assertThrows(Getopt.IllegalOption.class, g::next).option);
  }

  @Test
  void dashDashIsNotALetter() {
    assertEquals('-', assertThrows(Getopt.IllegalOption.class, () -> parse("-d-")).option);
  }

  @Test
  void daemontoolsLettersOnly() {
    Getopt g = new Getopt(new String[] {"-q"}, "udopchaitkx");
    assertEquals('q', assertThrows(Getopt.IllegalOption.class, g::next).option);
  }

  /** The letters and values getopt returns ({@code t=500}), then "|" and the first operand index. */
  private static String parseValues(String letters, String... args) throws Getopt.IllegalOption {
    Getopt g = new Getopt(args, letters);
    StringBuilder s = new StringBuilder();
    for (int c; (c = g.next()) != -1; ) {
      s.append((char) c);
      if (g.value() != null) {
        s.append('=').append(g.value()).append(' ');
      }
    }
    return s.append('|').append(g.operands()).toString();
  }

  @Test
  void aValueIsTheRestOfTheArgumentOrTheNextOne() throws Exception {
    assertEquals("ut=500 |1", parseValues("uot:", "-ut500", "dir"));
    assertEquals("ut=500 o|3", parseValues("uot:", "-ut", "500", "-o", "dir"));
    assertEquals("t=-o |2", parseValues("uot:", "-t", "-o"));
    assertEquals("t=-- u|3", parseValues("uot:", "-t", "--", "-u"));
    assertEquals("t= |2", parseValues("uot:", "-t", ""));
  }

  @Test
  void aMissingValueNamesTheLetter() {
    Getopt.IllegalOption e = assertThrows(Getopt.IllegalOption.class, () -> parseValues("uot:", "-ut"));
    assertEquals('t', e.option);
    assertEquals("option requires an argument -- t", e.getMessage());
  }

  @Test
  void theColonIsNoLetter() {
    assertEquals(':', assertThrows(Getopt.IllegalOption.class, () -> parseValues("uot:", "-:")).option);
  }
}
