package dev.vigil.common;

/**
 * DJB-style single-letter options: letters may be bundled ({@code -dx}); parsing stops at the
 * first argument that does not start with {@code -}, at a lone {@code -} (an operand) and after
 * {@code --}. No option takes a value.
 */
public final class Getopt {
  private final String[] args;
  private final String letters;
  private int index;
  private int within;

  /** Thrown for a letter not in the option string. */
  public static final class IllegalOption extends Exception {
    private static final long serialVersionUID = 1L;

    public final char option;

    IllegalOption(char option) {
      super("illegal option -- " + option, null, false, false);
      this.option = option;
    }
  }

  public Getopt(String[] args, String letters) {
    this.args = args;
    this.letters = letters;
  }

  /** The next option letter, or -1 when the options are over. */
  public int next() throws IllegalOption {
    if (within == 0) {
      if (index >= args.length) {
        return -1;
      }
      String arg = args[index];
      if (arg.length() < 2 || arg.charAt(0) != '-') {
        return -1;
      }
      if (arg.equals("--")) {
        index++;
        return -1;
      }
      within = 1;
    }
    String arg = args[index];
    char option = arg.charAt(within++);
    if (within == arg.length()) {
      index++;
      within = 0;
    }
    if (letters.indexOf(option) < 0) {
      throw new IllegalOption(option);
    }
    return option;
  }

  /** Index of the first operand; valid once {@link #next()} has returned -1. */
  public int operands() {
    return index;
  }
}
