package dev.vigil.sipid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wait-until-healthy against a real HTTPS endpoint with a self-signed certificate (keytool, as
 * a job's health endpoint would have): accepted on loopback, refused on any other address;
 * 200 ends the wait, anything else until the timeout is a failure naming the last outcome.
 */
class WaitUntilHealthyTest {
  @TempDir static Path keys;
  private static SSLContext selfSigned;
  private HttpServer server;
  private final java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void makeASelfSignedCertificate() throws IOException, GeneralSecurityException {
    Path store = keys.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Captured made = Processes.run(keys, List.of(keytool, "-genkeypair", "-alias", "health", "-keyalg", "RSA",
        "-keysize", "2048", "-dname", "CN=health.example", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"));
    assertEquals(0, made.exit(), made::err);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    selfSigned = SSLContext.getInstance("TLS");
    selfSigned.init(kmf.getKeyManagers(), null, null);
  }

  @AfterEach
  void stopTheServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** An HTTPS server on {@code address} answering 503 to the first {@code sick} requests, then 200. */
  private AtomicInteger serve(InetAddress address, int sick) throws IOException {
    HttpsServer https = HttpsServer.create(new InetSocketAddress(address, 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(selfSigned));
    AtomicInteger requests = new AtomicInteger();
    https.createContext("/healthcheck", exchange -> {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      int code = requests.incrementAndGet() > sick ? 200 : 503;
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
    });
    https.start();
    server = https;
    return requests;
  }

  private String url(String host) {
    return "https://" + host + ":" + server.getAddress().getPort() + "/healthcheck";
  }

  private static Captured sipid(String... args) {
    return Captured.of((a, out, err) -> Main.run(a, out, err, () -> {
      throw new AssertionError("wait-until-healthy loaded the native door");
    }), args);
  }

  @Test
  void aSelfSignedEndpointOnLoopbackBecomesHealthy() throws IOException {
    AtomicInteger requests = serve(InetAddress.getLoopbackAddress(), 2);
    Captured c = sipid("wait-until-healthy", "--url", url("127.0.0.1"), "--timeout", "20s", "--polling-frequency", "50ms");
    assertEquals(new Captured(0, "", ""), c);
    assertEquals(3, requests.get(), "polled until the first 200, then stopped");
    assertEquals(3, clientPorts.size(), "a connection per attempt, as sipid (no keep-alive)");
  }

  @Test
  void localhostIsLoopbackToo() throws IOException {
    serve(InetAddress.getLoopbackAddress(), 0);
    assertEquals(new Captured(0, "", ""),
        sipid("wait-until-healthy", "--url", url("localhost"), "--timeout", "20s", "--polling-frequency", "10ms"));
  }

  @Test
  void anEndpointThatStaysUnhealthyFailsAtTheTimeoutWithTheLastOutcome() throws IOException {
    AtomicInteger requests = serve(InetAddress.getLoopbackAddress(), Integer.MAX_VALUE);
    long start = System.nanoTime();
    Captured c = sipid("wait-until-healthy", "--url", url("127.0.0.1"), "--timeout", "1s", "--polling-frequency", "100ms");
    long took = (System.nanoTime() - start) / 1_000_000;
    assertEquals(1, c.exit());
    assertEquals("sipid: fatal: poll failed: healthcheck unhealthy (url '" + url("127.0.0.1") + "' was not healthy after "
        + requests.get() + " attempts); last: HTTP 503\n", c.err());
    assertTrue(requests.get() >= 2 && requests.get() <= 9, requests + " requests in 1 s at 100 ms");
    assertTrue(took >= 1000 && took < 5000, "took " + took + " ms");
  }

  @Test
  void nothingListeningIsConnectionRefused() throws IOException {
    serve(InetAddress.getLoopbackAddress(), 0);
    String closed = url("127.0.0.1");
    server.stop(0);
    server = null;
    Captured c = sipid("wait-until-healthy", "--url", closed, "--timeout", "300ms", "--polling-frequency", "100ms");
    assertEquals(1, c.exit());
    assertTrue(c.err().endsWith("); last: connection refused\n") && c.err().split("\n").length == 1, c.err());
  }

  @Test
  void aSelfSignedCertificateOffLoopbackIsRefused() throws IOException {
    Optional<InetAddress> own = ownAddress();
    Assumptions.assumeTrue(own.isPresent(), "this machine has no non-loopback IPv4 address to serve on");
    AtomicInteger requests = serve(own.get(), 0);
    Captured c = sipid("wait-until-healthy", "--url", url(own.get().getHostAddress()), "--timeout", "500ms",
        "--polling-frequency", "100ms");
    assertEquals(1, c.exit());
    assertTrue(c.err().contains("); last: TLS: ") && c.err().split("\n").length == 1, c.err());
    assertEquals(0, requests.get(), "no request sent over an unverified connection");
  }

  /** HTTP_PROXY, as sipid reads it: the request goes to the proxy, for a host nobody could resolve. */
  @Test
  void aNonLoopbackHostGoesThroughTheProxyTheEnvironmentNames() throws IOException {
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    proxy.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().toString());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    proxy.start();
    server = proxy;
    String url = "http://health.invalid/healthcheck";
    java.util.Map<String, String> env = java.util.Map.of("HTTP_PROXY", "127.0.0.1:" + proxy.getAddress().getPort());
    Captured through = Captured.of((a, out, err) -> {
      try {
        return Health.run(List.of(a), err, env);
      } catch (RuntimeException e) {
        return dev.vigil.common.Die.report(Main.PROGRAM, err, e);
      }
    }, "--url", url, "--timeout", "20s", "--polling-frequency", "10ms");
    assertEquals(new Captured(0, "", ""), through);
    assertEquals(List.of(url), seen, "the proxy was asked for the URL");

    Captured direct = Captured.of((a, out, err) -> {
      try {
        return Health.run(List.of(a), err, java.util.Map.of("HTTP_PROXY", env.get("HTTP_PROXY"), "NO_PROXY", "invalid"));
      } catch (RuntimeException e) {
        return dev.vigil.common.Die.report(Main.PROGRAM, err, e);
      }
    }, "--url", url, "--timeout", "300ms", "--polling-frequency", "100ms");
    assertEquals(1, direct.exit());
    assertTrue(direct.err().endsWith("); last: unknown host health.invalid\n"), direct.err());
    assertEquals(1, seen.size(), "NO_PROXY: not through the proxy");
  }

  /** The real sipid checks every certificate against the system's roots, loopback or not. */
  @Test
  void theRealSipidRefusesTheSelfSignedCertificateEvenOnLoopback() throws IOException {
    String real = Peers.requireSipid();
    AtomicInteger requests = serve(InetAddress.getLoopbackAddress(), 0);
    Captured c = Processes.run(keys, List.of(real, "wait-until-healthy", "--url", url("127.0.0.1"),
        "--timeout", "300ms", "--polling-frequency", "100ms"));
    assertEquals(1, c.exit());
    assertEquals(0, requests.get());
  }

  private static Optional<InetAddress> ownAddress() throws IOException {
    for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
