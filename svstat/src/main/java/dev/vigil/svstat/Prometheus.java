package dev.vigil.svstat;

import java.util.List;

/**
 * svstat {@code --prometheus}: the reports in Prometheus' text exposition format 0.0.4, the one
 * node_exporter's textfile collector reads. Each family's {@code # HELP} and {@code # TYPE} come
 * once, before its samples, and a family's samples stay together, one per service, labelled
 * {@code service="DIR as given"}. A metric the service's record cannot tell (daemontools' has no
 * starts) has no sample for that service: never a made-up value. No sample carries a timestamp,
 * which the textfile collector refuses. Values are svstat's fields (doc/svstat.md), so that each
 * concept has one definition.
 */
final class Prometheus {
  /**
   * The families in the order they are written: name, type, help. The name of a counter ends in
   * {@code _total}; its TYPE line names it so in format 0.0.4.
   */
  private static final String[][] FAMILIES = {
    {"vigil_svstat_scrape_error", "gauge",
        "1 if svstat could not read the service directory or its record (svstat prints why), else 0."},
    {"vigil_service_supervised", "gauge", "1 if a supervisor runs on the service directory, 0 if none does."},
    {"vigil_service_up", "gauge", "1 while the service has a child (svstat's up), else 0."},
    {"vigil_service_ready", "gauge",
        "1 while the service is up and ready (svstat's ready: up, where the record has no readiness), else 0."},
    {"vigil_service_wanted_up", "gauge", "1 if the supervisor wants the service up, else 0."},
    {"vigil_service_updown_timestamp_seconds", "gauge",
        "Unix time at which the service last went up or down (svstat's updownsince)."},
    {"vigil_service_starts_total", "counter", "Starts of ./run since the supervisor began."},
    {"vigil_service_last_exit_code", "gauge",
        "Exit code of the last ./run that exited, -1 if a signal ended it or none has exited yet."},
    {"vigil_service_backoff_seconds", "gauge",
        "Seconds until the next start that is owed (the backoff), 0 if none is."},
    {"vigil_service_fast_deaths", "gauge", "Quick deaths of ./run in a row (the backoff's count)."},
  };

  private Prometheus() {}

  /** One directory as given, and its report or why there is none. */
  record Service(String name, Report report, Report.Unreportable problem) {}

  /**
   * The exposition for {@code services}, whose names must differ (a series given twice makes the
   * collector reject the whole file). A family without samples is left out; no services give the
   * empty text, which the collector accepts.
   */
  static String exposition(List<Service> services) {
    StringBuilder b = new StringBuilder();
    for (String[] family : FAMILIES) {
      boolean described = false;
      for (Service s : services) {
        String value = value(family[0], s);
        if (value == null) {
          continue;
        }
        if (!described) {
          b.append("# HELP ").append(family[0]).append(' ').append(family[2]).append('\n');
          b.append("# TYPE ").append(family[0]).append(' ').append(family[1]).append('\n');
          described = true;
        }
        b.append(family[0]).append("{service=\"");
        escape(b, s.name());
        b.append("\"} ").append(value).append('\n');
      }
    }
    return b.toString();
  }

  /** The family's sample for one service, or null for none. */
  private static String value(String family, Service s) {
    Report r = s.report();
    boolean notSupervised = r == null && s.problem().notSupervised;
    switch (family) {
      case "vigil_svstat_scrape_error":
        return r != null || notSupervised ? "0" : "1";
      case "vigil_service_supervised":
        return r != null ? "1" : notSupervised ? "0" : null;
      default:
        break;
    }
    if (r == null) {
      return null; // nothing is known of a service without a (live) record
    }
    switch (family) {
      case "vigil_service_up":
        return flag(r.isUp());
      case "vigil_service_ready":
        return flag(r.isReady());
      case "vigil_service_wanted_up":
        return flag(r.wantsUp());
      case "vigil_service_updown_timestamp_seconds":
        return r.updownUnixTime();
      case "vigil_service_starts_total":
        return r.value("starts");
      case "vigil_service_last_exit_code":
        return r.value("exitcode");
      case "vigil_service_backoff_seconds":
        String next = r.value("nextstart");
        return "-1".equals(next) ? "0" : next;
      case "vigil_service_fast_deaths":
        return r.value("fastdeaths");
      default:
        throw new IllegalArgumentException(family);
    }
  }

  private static String flag(boolean b) {
    return b ? "1" : "0";
  }

  /** A label value as the format escapes it: backslash, double quote and line feed. */
  private static void escape(StringBuilder b, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '"') {
        b.append('\\').append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else {
        b.append(c);
      }
    }
  }
}
