package dev.vigil.common.os;

import java.util.List;
import java.util.SortedMap;

/**
 * What to start and how: everything {@link Os#spawner} needs, and nothing it has to guess.
 *
 * @param directory a directory descriptor: the child's working directory (fchdir)
 * @param program the program, relative to {@code directory} unless absolute; no PATH search and
 *     no shell fallback
 * @param argv the whole argument vector, argv[0] included
 * @param environment variables ({@code NAME=value}) added to, or replacing, the supervisor's own
 * @param fds the child's descriptors: child fd → the supervisor's fd that goes there, or {@link
 *     #DEV_NULL}. Every other descriptor is closed in the child.
 * @param newSession whether the child leads a new session (and so a new process group)
 */
public record SpawnSpec(
    int directory,
    String program,
    List<String> argv,
    List<String> environment,
    SortedMap<Integer, Integer> fds,
    boolean newSession) {
  /** In {@link #fds}: /dev/null, opened read-write. */
  public static final int DEV_NULL = -1;

  public SpawnSpec {
    argv = List.copyOf(argv);
    environment = List.copyOf(environment);
    fds = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(fds));
    if (!fds.isEmpty() && fds.firstKey() < 0) {
      throw new IllegalArgumentException("negative child descriptor " + fds.firstKey());
    }
  }
}
