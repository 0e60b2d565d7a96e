package dev.vigil.common;

/**
 * DJB-style single-letter options: letters may be bundled ({@code -dx}); parsing stops at the
 * first argument that does not start with {@code -}, at a lone {@code -} (an operand) and after
 * {@code --}. A letter followed by {@code :} in the option string takes a value, as in getopt(3):
 * the rest of its argument ({@code -t500}) or else the next argument ({@code -t 500}).
 */
public final class Getopt {
  private final String[] args;
  private final String letters;
  private int index;
  private int within;
  private String value;

  /** Thrown for a letter not in the option string, or one whose value is missing. */
  public static final class IllegalOption extends Exception {
    private static final long serialVersionUID = 1L;

    public final char option;

    IllegalOption(char option, String message) {
      super(message + " -- " + option, null, false, false);
      this.option = option;
    }
  }

  public Getopt(String[] args, String letters) {
    this.args = args;
    this.letters = letters;
  }

  /** The next option letter, or -1 when the options are over. */
  public int next() throws IllegalOption {
    value = null;
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
    int at = option == ':' ? -1 : letters.indexOf(option);
    boolean takesValue = at >= 0 && at + 1 < letters.length() && letters.charAt(at + 1) == ':';
    if (takesValue) {
      // the value is the rest of this argument, else the whole next one (even "-x" or "--")
      if (within < arg.length()) {
        value = arg.substring(within);
      } else if (index + 1 < args.length) {
        value = args[++index];
      }
      within = arg.length();
    }
    if (within == arg.length()) {
      index++;
      within = 0;
    }
    if (at < 0) {
      throw new IllegalOption(option, "illegal option");
    }
    if (takesValue && value == null) {
      throw new IllegalOption(option, "option requires an argument");
    }
    return option;
  }

  /** The value of the option {@link #next()} just returned, if it takes one; else null. */
  public String value() {
    return value;
  }

  /** Index of the first operand; valid once {@link #next()} has returned -1. */
  public int operands() {
    return index;
  }
}
