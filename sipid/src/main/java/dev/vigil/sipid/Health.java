package dev.vigil.sipid;

import dev.vigil.common.Die;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code sipid wait-until-healthy --url URL [--timeout 1m] [--polling-frequency 5s]}: GETs the
 * URL at every tick of the polling frequency (the first one period after the start, as sipid's
 * time.Ticker), until one answers 200 (exit 0) or the timeout passes (exit 1, with the last
 * attempt's outcome). Each request is bounded by 30 s (sipid's client timeout) and by what is left
 * of the timeout, opens a connection of its own (sipid disables keep-alives), and goes through
 * the proxy the environment names, as Go's ProxyFromEnvironment would choose it ({@link EnvProxy}).
 *
 * <p>On a loopback host (127.0.0.0/8, ::1, {@code localhost}) an {@code https} URL is accepted
 * with any certificate, self-signed or for another name: a job's health endpoint on its own VM
 * usually has one such, and the connection never leaves the machine (whoever could answer in
 * the job's place already runs on it). Every other host's certificate is checked against the
 * JDK's trust store and its name, as Go checks against the system's. doc/sipid.md.
 */
final class Health {
  static final String SYNOPSIS = "sipid wait-until-healthy --url HEALTHCHECK_URL"
      + " [--timeout DURATION (default 1m)] [--polling-frequency DURATION (default 5s)]";
  private static final long REQUEST_LIMIT_NANOS = 30_000_000_000L;
  private static final long MINUTE = 60_000_000_000L;
  private static final long FIVE_SECONDS = 5_000_000_000L;

  private Health() {}

  static int run(List<String> args, PrintStream err, java.util.Map<String, String> env) {
    Flags flags = new Flags(SYNOPSIS)
        .define("url", Flags.Kind.STRING, "")
        .define("timeout", Flags.Kind.DURATION, MINUTE)
        .define("polling-frequency", Flags.Kind.DURATION, FIVE_SECONDS)
        .parse(args);
    String url = flags.string("url");
    if (url.isEmpty()) {
      throw Die.usage(Main.FAILED, SYNOPSIS);
    }
    long frequency = flags.duration("polling-frequency");
    if (frequency <= 0) {
      // sipid's time.NewTicker panics on it (a stack trace and exit 2): the flag's error instead
      throw Die.fatal(Flags.BAD_FLAG, "invalid value " + GoSyntax.quote(GoSyntax.format(frequency))
          + " for flag -polling-frequency: not positive (usage: " + SYNOPSIS + ")");
    }
    // a connection per attempt, as sipid (DisableKeepAlives): read once, when the JDK's HTTP client first loads
    System.setProperty("http.keepAlive", "false");
    Target target = Target.of(url, env);
    long start = System.nanoTime();
    long deadline = start + flags.duration("timeout");
    int attempts = 0;
    String last = "no attempt within the timeout";
    long tick = start + frequency;
    while (tick - deadline < 0) {
      pause(tick);
      String outcome = target.get(Math.min(REQUEST_LIMIT_NANOS, deadline - System.nanoTime()));
      if (outcome == null) {
        return 0;
      }
      last = outcome;
      attempts++;
      // a ticker drops the ticks a slow attempt overran
      long now = System.nanoTime();
      tick += frequency;
      if (tick - now < 0) {
        tick += ((now - tick) / frequency + 1) * frequency;
      }
    }
    pause(deadline); // no tick left before the timeout: sipid fails at the timeout, not before
    throw Die.fatal(Main.FAILED, "poll failed: healthcheck unhealthy (url '" + url + "' was not healthy after "
        + attempts + " attempts); last: " + last);
  }

  /** Waits until {@code when} (System.nanoTime): the polling frequency is the point of this command. */
  private static void pause(long when) {
    long left;
    while ((left = when - System.nanoTime()) > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The health check URL, checked once, and how to reach it. */
  private static final class Target {
    private final URL url;
    private final boolean loopback;
    private final Proxy proxy;

    private Target(URL url, boolean loopback, Proxy proxy) {
      this.url = url;
      this.loopback = loopback;
      this.proxy = proxy;
    }

    static Target of(String text, java.util.Map<String, String> env) {
      URL url;
      try {
        URI uri = new URI(text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
          throw Die.fatal(Main.FAILED, "poll failed: unsupported protocol scheme " + GoSyntax.quote(scheme) + " in " + text);
        }
        if (uri.getHost() == null) {
          throw Die.fatal(Main.FAILED, "poll failed: no host in " + text);
        }
        url = uri.toURL();
      } catch (URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
        throw Die.fatal(Main.FAILED, "poll failed: not a URL: " + text);
      }
      boolean loopback = isLoopback(url.getHost());
      return new Target(url, loopback, EnvProxy.choose(url, loopback, env));
    }

    private static boolean isLoopback(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      if (h.equals("localhost") || h.endsWith(".localhost")) {
        return true; // RFC 6761: always the loopback interface
      }
      if (h.startsWith("[") || h.matches("[0-9.]+") || h.contains(":")) {
        try {
          return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (IOException e) {
          return false;
        }
      }
      return false;
    }

    /** One GET: null if it answered 200, else what happened, in one line. */
    String get(long limitNanos) {
      int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, limitNanos / 1_000_000));
      HttpURLConnection c = null;
      try {
        c = (HttpURLConnection) url.openConnection(proxy);
        if (loopback && c instanceof HttpsURLConnection) {
          HttpsURLConnection https = (HttpsURLConnection) c;
          https.setSSLSocketFactory(AnyCertificate.FACTORY);
          https.setHostnameVerifier((name, session) -> true);
        }
        c.setConnectTimeout(millis);
        c.setReadTimeout(millis);
        c.setUseCaches(false);
        int code = c.getResponseCode();
        return code == 200 ? null : "HTTP " + code;
      } catch (java.net.ConnectException e) {
        return "connection refused";
      } catch (java.net.SocketTimeoutException e) {
        return "timed out";
      } catch (java.net.UnknownHostException e) {
        return "unknown host " + url.getHost();
      } catch (javax.net.ssl.SSLException e) {
        return "TLS: " + oneLine(e.getMessage());
      } catch (IOException | RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
      } finally {
        if (c != null) {
          c.disconnect();
        }
      }
    }

    private static String oneLine(String s) {
      return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
  }

  /** TLS that accepts any certificate: for loopback hosts only (see the class comment). */
  private static final class AnyCertificate extends X509ExtendedTrustManager {
    static final SSLSocketFactory FACTORY = factory();

    private static SSLSocketFactory factory() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyCertificate()}, null);
        return context.getSocketFactory();
      } catch (GeneralSecurityException e) {
        throw Die.fatal(Main.FAILED, "poll failed: no TLS in this JVM: " + e.getMessage());
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
