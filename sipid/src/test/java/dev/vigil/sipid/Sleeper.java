package dev.vigil.sipid;

/**
 * A JVM daemon for the kill tests: says "ready" on stdout and waits for ever. Started with SIGTERM
 * ignored (the JVM then leaves it ignored), it is a process that does not stop on TERM; like every
 * JVM it prints a thread dump on SIGQUIT and carries on.
 */
public final class Sleeper {
  private Sleeper() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("ready");
    System.out.flush();
    Object never = new Object();
    synchronized (never) {
      while (true) {
        never.wait();
      }
    }
  }
}
