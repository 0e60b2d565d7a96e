package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {
  @Test
  void lettersAreUnique() {
    Set<Character> seen = new HashSet<>();
    for (Command c : Command.values()) {
      assertTrue(seen.add(c.letter), "duplicate letter " + c.letter);
    }
  }

  @Test
  void ofFindsEveryCommandByItsLetter() {
    for (Command c : Command.values()) {
      assertSame(c, Command.of(c.letter));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, -128, 0, '\n', '?', 'z', 'l', 'L', '+', '=', 'U', 127, 128, 200, 255, 0x175})
  void otherBytesAreNoCommand(int b) {
    assertNull(Command.of(b));
  }

  @Test
  void everyByteMapsToAtMostTheCommandWithThatLetter() {
    int found = 0;
    for (int b = -256; b < 512; b++) {
      Command c = Command.of(b);
      if (c != null) {
        assertEquals(b, c.letter);
        found++;
      }
    }
    assertEquals(Command.values().length, found);
  }

  @Test
  void lettersAreSvcsOptionString() {
    assertEquals("udoxpchaitkq12w", Command.letters());
  }

  @Test
  void usageListsEveryLetterAndWord() {
    assertEquals("u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, "
        + "t term, k kill, q quit, 1 usr1, 2 usr2, w winch", Command.usage());
  }

  @Test
  void daemontoolsUsageIsThePrefixOfOurs() {
    // svc 0.76: "svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm,
    // i interrupt, t term, k kill" (spec §5); the runit/encore letters come after it
    assertTrue(Command.usage().startsWith("u up, d down, o once, x exit, p pause, c continue, "
        + "h hup, a alarm, i interrupt, t term, k kill, "));
  }
}
