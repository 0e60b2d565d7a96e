package dev.vigil.sipid;

import dev.vigil.common.Die;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One command's flags, parsed as Go's flag package parses them (sipid is a Go program, and its
 * users' scripts were written against that): {@code -name} and {@code --name} alike, the value
 * as {@code --name=value} or as the next argument (even one that starts with a dash), a boolean
 * as {@code --name} or {@code --name=false}, the last of a repeated flag wins, parsing stops at
 * the first argument that is not a flag or after {@code --}, and what follows is ignored, as
 * sipid ignores it. Errors are Go's words, exit 2 as Go's flag.ExitOnError; {@code -h} and
 * {@code -help} print the command's synopsis and exit 0.
 */
final class Flags {
  /** Go's exit code for a command line its flag package refuses. */
  static final int BAD_FLAG = 2;

  enum Kind { INT, STRING, BOOL, DURATION }

  private final String synopsis;
  private final Map<String, Kind> kinds = new LinkedHashMap<>();
  private final Map<String, Object> values = new LinkedHashMap<>();

  Flags(String synopsis) {
    this.synopsis = synopsis;
  }

  /** Declares a flag with its default (a Long for INT and DURATION, in nanoseconds for the latter). */
  Flags define(String name, Kind kind, Object defaultValue) {
    kinds.put(name, kind);
    values.put(name, defaultValue);
    return this;
  }

  /** Parses {@code args}, or throws the {@link Die} Go's flag package would exit with. */
  Flags parse(List<String> args) {
    int i = 0;
    while (i < args.size()) {
      String s = args.get(i);
      if (s.length() < 2 || s.charAt(0) != '-') {
        break;
      }
      int minuses = 1;
      if (s.charAt(1) == '-') {
        minuses = 2;
        if (s.length() == 2) {
          break; // "--" ends the flags
        }
      }
      String name = s.substring(minuses);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        throw bad("bad flag syntax: " + s);
      }
      i++;
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      Kind kind = kinds.get(name);
      if (kind == null) {
        if (name.equals("h") || name.equals("help")) {
          throw Die.usage(0, synopsis);
        }
        throw bad("flag provided but not defined: -" + name);
      }
      if (kind == Kind.BOOL) {
        try {
          values.put(name, value == null || GoSyntax.bool(value));
        } catch (GoSyntax.Invalid e) {
          throw bad("invalid boolean value " + GoSyntax.quote(value) + " for -" + name + ": " + e.getMessage());
        }
        continue;
      }
      if (value == null) {
        if (i == args.size()) {
          throw bad("flag needs an argument: -" + name);
        }
        value = args.get(i++);
      }
      try {
        values.put(name, convert(kind, value));
      } catch (GoSyntax.Invalid e) {
        throw bad("invalid value " + GoSyntax.quote(value) + " for flag -" + name + ": " + e.getMessage());
      }
    }
    return this;
  }

  private static Object convert(Kind kind, String value) throws GoSyntax.Invalid {
    switch (kind) {
      case INT:
        return GoSyntax.integer(value);
      case DURATION:
        return GoSyntax.duration(value);
      default:
        return value;
    }
  }

  private Die bad(String what) {
    return Die.fatal(BAD_FLAG, what + " (usage: " + synopsis + ")");
  }

  long integer(String name) {
    return (Long) values.get(name);
  }

  String string(String name) {
    return (String) values.get(name);
  }

  boolean bool(String name) {
    return (Boolean) values.get(name);
  }

  /** A duration in nanoseconds. */
  long duration(String name) {
    return (Long) values.get(name);
  }
}
