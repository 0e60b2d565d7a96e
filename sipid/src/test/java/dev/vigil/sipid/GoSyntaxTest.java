package dev.vigil.sipid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Go's parsers, value by value, with the answers Go 1.19 gives. */
class GoSyntaxTest {
  private static final long S = 1_000_000_000L;

  @Test
  void durationsAsTimeParseDuration() throws GoSyntax.Invalid {
    assertEquals(60 * S, GoSyntax.duration("1m"));
    assertEquals(5 * S, GoSyntax.duration("5s"));
    assertEquals(2 * 60 * S, GoSyntax.duration("2m"));
    assertEquals(500_000_000L, GoSyntax.duration("500ms"));
    assertEquals(1_500_000_000L, GoSyntax.duration("1.5s"));
    assertEquals(500_000_000L, GoSyntax.duration(".5s"));
    assertEquals(S, GoSyntax.duration("1.s"));
    assertEquals(3723 * S, GoSyntax.duration("1h2m3s"));
    assertEquals(-S, GoSyntax.duration("-1s"));
    assertEquals(S, GoSyntax.duration("+1s"));
    assertEquals(0, GoSyntax.duration("0"));
    assertEquals(0, GoSyntax.duration("-0"));
    assertEquals(2_000L, GoSyntax.duration("2us"));
    assertEquals(2_000L, GoSyntax.duration("2\u00b5s"));
    assertEquals(2_000L, GoSyntax.duration("2\u03bcs"));
    assertEquals(7L, GoSyntax.duration("7ns"));
    assertEquals(Long.MAX_VALUE, GoSyntax.duration("9223372036854775807ns"));
  }

  @Test
  void durationsGoRefuses() {
    assertEquals("missing unit in duration \"5\"", assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.duration("5")).getMessage());
    assertEquals("unknown unit \"d\" in duration \"5d\"", assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.duration("5d")).getMessage());
    for (String bad : new String[] {"", "-", "s", ".s", "1m ", " 1m", "1..5s", "9223372036854775808ns", "1e3s"}) {
      assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.duration(bad), bad);
    }
  }

  @Test
  void integersAsParseIntBaseZero() throws GoSyntax.Invalid {
    assertEquals(123, GoSyntax.integer("123"));
    assertEquals(8, GoSyntax.integer("010"));
    assertEquals(16, GoSyntax.integer("0x10"));
    assertEquals(5, GoSyntax.integer("0b101"));
    assertEquals(8, GoSyntax.integer("0o10"));
    assertEquals(16, GoSyntax.integer("0x1_0"));
    assertEquals(1000, GoSyntax.integer("1_000"));
    assertEquals(7, GoSyntax.integer("0_7"));
    assertEquals(0, GoSyntax.integer("00"));
    assertEquals(-1, GoSyntax.integer("-1"));
    assertEquals(0, GoSyntax.integer("0"));
    assertEquals("value out of range", assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.integer("9223372036854775808")).getMessage());
    for (String bad : new String[] {"", "abc", "_1", "0_", "08", "0x", "1.0", " 1", "0x_", "0x1__0", "0x10_", "\u0661\u0662"}) {
      assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.integer(bad), bad);
    }
  }

  @Test
  void pidfileContentsAsAtoiAfterTrimSpace() throws GoSyntax.Invalid {
    assertEquals(42, GoSyntax.decimal("42"));
    assertEquals(42, GoSyntax.decimal(" 42\n"));
    assertEquals(42, GoSyntax.decimal("042"));
    assertEquals(42, GoSyntax.decimal("+42"));
    for (String bad : new String[] {"", "\n", "0x2a", "42 43", "forty-two"}) {
      assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.decimal(bad), bad);
    }
  }

  @Test
  void booleansAsParseBool() throws GoSyntax.Invalid {
    for (String t : new String[] {"1", "t", "T", "TRUE", "true", "True"}) {
      assertEquals(true, GoSyntax.bool(t));
    }
    for (String f : new String[] {"0", "f", "F", "FALSE", "false", "False"}) {
      assertEquals(false, GoSyntax.bool(f));
    }
    assertThrows(GoSyntax.Invalid.class, () -> GoSyntax.bool("yes"));
  }

  @Test
  void durationsPrintedAsGoPrintsThem() {
    assertEquals("1m0s", GoSyntax.format(60 * S));
    assertEquals("5s", GoSyntax.format(5 * S));
    assertEquals("0s", GoSyntax.format(0));
    assertEquals("-1s", GoSyntax.format(-S));
    assertEquals("100ms", GoSyntax.format(100_000_000L));
    assertEquals("1h2m3.5s", GoSyntax.format(3723 * S + S / 2));
  }
}
