package dev.vigil.sipid;

/**
 * The value syntaxes sipid's flags take, as Go parses them, so that every command line the real
 * sipid accepts means the same here: durations (time.ParseDuration: {@code 1m}, {@code 1.5s},
 * {@code 1h2m3s}, {@code 500ms}; a bare number other than 0 has no unit and is refused),
 * integers (strconv.ParseInt with base 0: {@code 010} is 8, {@code 0x10} is 16) and booleans
 * (strconv.ParseBool). Each parser returns the value or throws {@link Invalid} with Go's reason.
 */
final class GoSyntax {
  /** A value Go would refuse, with the reason Go gives. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }

  private GoSyntax() {}

  /** time.ParseDuration, in nanoseconds. */
  static long duration(String text) throws Invalid {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw new Invalid("invalid duration " + quote(text));
    }
    // the sum in nanoseconds, as an unsigned 63-bit number (Go's bound is 1<<63 for -, 1<<63-1 for +)
    java.math.BigInteger total = java.math.BigInteger.ZERO;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(c == '.' || isDigit(c))) {
        throw new Invalid("invalid duration " + quote(text));
      }
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      String whole = s.substring(start, i);
      String fraction = "";
      if (i < s.length() && s.charAt(i) == '.') {
        int f = ++i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        fraction = s.substring(f, i);
      }
      if (whole.isEmpty() && fraction.isEmpty()) {
        throw new Invalid("invalid duration " + quote(text));
      }
      int u = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(u, i);
      if (unit.isEmpty()) {
        throw new Invalid("missing unit in duration " + quote(text));
      }
      long scale = unitNanos(unit);
      if (scale == 0) {
        throw new Invalid("unknown unit " + quote(unit) + " in duration " + quote(text));
      }
      java.math.BigDecimal value = new java.math.BigDecimal((whole.isEmpty() ? "0" : whole)
          + (fraction.isEmpty() ? "" : "." + fraction));
      // Go truncates the fraction's nanoseconds toward zero
      total = total.add(value.multiply(java.math.BigDecimal.valueOf(scale)).toBigInteger());
      if (total.bitLength() > 63) {
        throw new Invalid("invalid duration " + quote(text));
      }
    }
    return negative ? -total.longValue() : total.longValue();
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s": // micro sign
      case "\u03bcs": // Greek mu
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        return 0;
    }
  }

  /** strconv.ParseInt(text, 0, 64): a sign, then 0x, 0o, 0b or a leading 0 (octal), underscores between digits. */
  static long integer(String text) throws Invalid {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    int radix = 10;
    boolean prefixed = false;
    if (s.length() >= 2 && s.charAt(0) == '0') {
      char p = Character.toLowerCase(s.charAt(1));
      if (p == 'x' || p == 'o' || p == 'b') {
        radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        s = s.substring(2);
      } else {
        radix = 8;
        s = s.substring(1);
      }
      prefixed = true;
    }
    if (s.contains("_")) {
      // Go (base 0): each underscore between two digits, or right after a base prefix
      if (!s.matches((prefixed ? "_?" : "") + "[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*")) {
        throw new Invalid("parse error");
      }
      s = s.replace("_", "");
    }
    if (s.isEmpty()) {
      throw new Invalid("parse error");
    }
    java.math.BigInteger value;
    try {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) > 'z' || Character.digit(s.charAt(i), radix) < 0) { // ASCII digits only, as Go
          throw new Invalid("parse error");
        }
      }
      value = new java.math.BigInteger(s, radix);
    } catch (NumberFormatException e) {
      throw new Invalid("parse error");
    }
    if (negative) {
      value = value.negate();
    }
    if (value.bitLength() > 63) {
      throw new Invalid("value out of range");
    }
    return value.longValue();
  }

  /** strconv.ParseBool. */
  static boolean bool(String text) throws Invalid {
    switch (text) {
      case "1": case "t": case "T": case "TRUE": case "true": case "True":
        return true;
      case "0": case "f": case "F": case "FALSE": case "false": case "False":
        return false;
      default:
        throw new Invalid("parse error");
    }
  }

  /** strconv.Atoi after strings.TrimSpace, as sipid reads a pidfile: decimal, an optional sign. */
  static long decimal(String text) throws Invalid {
    String s = text.strip();
    if (!s.matches("[-+]?[0-9]+")) {
      throw new Invalid("parse error");
    }
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      throw new Invalid("value out of range");
    }
  }

  /** Go's %q for the plain ASCII this program quotes. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Go's Duration.String, for the few values this program prints (1m0s, 5s, 100ms). */
  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long n = Math.abs(nanos);
    if (nanos < 0) {
      b.append('-');
    }
    if (n < 1_000_000_000L) {
      if (n % 1_000_000L == 0) {
        return b.append(n / 1_000_000L).append("ms").toString();
      }
      if (n % 1_000L == 0) {
        return b.append(n / 1_000L).append("\u00b5s").toString();
      }
      return b.append(n).append("ns").toString();
    }
    long hours = n / 3_600_000_000_000L;
    long minutes = n / 60_000_000_000L % 60;
    long seconds = n / 1_000_000_000L % 60;
    long rest = n % 1_000_000_000L;
    if (hours > 0) {
      b.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      b.append(minutes).append('m');
    }
    b.append(seconds);
    if (rest != 0) {
      String f = String.format("%09d", rest).replaceAll("0+$", "");
      b.append('.').append(f);
    }
    return b.append('s').toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
