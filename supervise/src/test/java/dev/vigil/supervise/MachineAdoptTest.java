package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What an adopted child keeps of the dead supervisor's record (doc/supervise.md, start-up). */
class MachineAdoptTest {
  private static final long NOW = 1_000_000_000_000L;
  private static final Tai64n WALL = Tai64n.ofUnix(1_795_219_200L, 0);
  private static final Tai64n UP_SINCE = Tai64n.ofUnix(1_795_219_200L - 9, 0);

  private final Machine machine = new Machine("svc", 77, 5);

  private static Status record(Want want) {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 2, UP_SINCE, Optional.empty());
    Extension.Readiness r = new Extension.Readiness(Optional.of(UP_SINCE.plusNanos(500_000_000L)), false, "serving");
    return new Status(UP_SINCE, 4321, false, want, false, Phase.RUN,
        Optional.of(new Extension(76, 7, OptionalInt.of(256), 5555, 4, Optional.of(p), Optional.of(r))));
  }

  @Test
  void theChildKeepsItsUpSinceCountsQuickDeathsAndReadiness() {
    Machine.Step step = machine.adopt(record(Want.UP), 5555, Config.DEFAULT, NOW, WALL);
    State s = step.next();
    assertEquals(Stage.UP, s.life().kind());
    assertEquals(4321, s.pid());
    assertEquals(UP_SINCE, s.stamp(), "daemontools' up-since is the first start's");
    assertEquals(7, s.counters().starts());
    assertEquals(2, s.counters().fastDeaths(), "a crash loop goes on counting across the adoption");
    assertEquals(OptionalInt.of(256), s.counters().lastExit());
    assertEquals("serving", s.life().child().readiness().text());
    assertEquals(9_000_000_000L, NOW - s.life().child().startedAt(), "its age, from the record");
    assertTrue(step.effects().get(0) instanceof Effect.WritePid, "the pid file first: " + step.effects());
    assertTrue(step.effects().get(1) instanceof Effect.WriteStatus);
  }

  @Test
  void aChildThatWasBeingTakenDownIsTakenDownAgain() {
    Machine.Step step = machine.adopt(record(Want.DOWN), 5555, Config.DEFAULT, NOW, WALL);
    assertEquals(Want.DOWN, step.next().want());
    assertTrue(step.effects().contains(new Effect.Kill(4321, dev.vigil.common.os.Signal.TERM)), step.effects().toString());
    assertEquals(List.of(Effect.WritePid.class), step.effects().stream().limit(1).map(Object::getClass).toList());
  }
}
