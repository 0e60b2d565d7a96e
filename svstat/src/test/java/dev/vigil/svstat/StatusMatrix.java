package dev.vigil.svstat;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.vigil.common.Want;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Spec §6.2's full matrix, as verified against daemontools svstat: pid, paused, want and whether
 * a {@code down} file exists, giving the line after {@code DIR: } for a label 5 seconds old.
 */
final class StatusMatrix {
  static final long AGE = 5;

  private StatusMatrix() {}

  static Stream<Arguments> rows() {
    return Stream.of(
        arguments(0L, false, Want.NONE, false, "down 5 seconds, normally up"),
        arguments(0L, false, Want.UP, false, "down 5 seconds, normally up, want up"),
        arguments(0L, false, Want.DOWN, false, "down 5 seconds, normally up"),
        arguments(0L, true, Want.UP, false, "down 5 seconds, normally up, want up"),
        arguments(1234L, false, Want.UP, false, "up (pid 1234) 5 seconds"),
        arguments(1234L, false, Want.DOWN, false, "up (pid 1234) 5 seconds, want down"),
        arguments(1234L, true, Want.DOWN, false, "up (pid 1234) 5 seconds, paused, want down"),
        arguments(1234L, true, Want.NONE, false, "up (pid 1234) 5 seconds, paused"),
        arguments(0L, false, Want.NONE, true, "down 5 seconds"),
        arguments(0L, false, Want.UP, true, "down 5 seconds, want up"),
        arguments(1234L, false, Want.UP, true, "up (pid 1234) 5 seconds, normally down"),
        arguments(1234L, true, Want.DOWN, true, "up (pid 1234) 5 seconds, normally down, paused, want down"));
  }
}
