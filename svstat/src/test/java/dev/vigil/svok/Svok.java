package dev.vigil.svok;

import dev.vigil.fixtures.Captured;

/** svok run in-process, for tests outside this package (svok's {@code run} is package-private). */
public final class Svok {
  private Svok() {}

  public static Captured run(String... args) {
    return Captured.of(Main::run, args);
  }
}
