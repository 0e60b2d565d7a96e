package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class DieTest {
  /** What a program's run does with {@code body}: its code, or what Die.report makes of a throw. */
  private static String[] guard(IntSupplier body) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int exit;
    try {
      exit = body.getAsInt();
    } catch (RuntimeException thrown) {
      exit = Die.report("prog", e, thrown);
    }
    return new String[] {Integer.toString(exit), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void aDieIsItsOneLineAndItsCode() {
    IOException cause = new NoSuchFileException("x");
    assertEquals("111|prog: fatal: unable to open x: file does not exist\n",
        String.join("|", guard(() -> {
          throw Die.fatal(Exit.TEMPORARY, "unable to open x", cause);
        })));
    assertEquals("100|prog: usage: prog dir\n", String.join("|", guard(() -> {
      throw Die.usage("prog dir");
    })));
  }

  @Test
  void aBugIsOneLineAnd111NeverAStackTrace() {
    assertEquals("111|prog: fatal: internal error: java.lang.IllegalStateException: oops\n",
        String.join("|", guard(() -> {
          throw new IllegalStateException("oops");
        })));
  }

  @Test
  void aNormalRunReturnsItsCode() {
    assertEquals("0|", String.join("|", guard(() -> 0)));
  }
}
