package dev.vigil.sipid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.common.Die;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Go's ProxyFromEnvironment, case by case (golang.org/x/net/http/httpproxy's rules). */
class EnvProxyTest {
  private static Proxy choose(String url, Map<String, String> env) throws MalformedURLException {
    URL u = new URL(url);
    boolean loopback = u.getHost().equals("127.0.0.1") || u.getHost().equals("localhost");
    return EnvProxy.choose(u, loopback, env);
  }

  private static Proxy http(String host, int port) {
    return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
  }

  @Test
  void theSchemesOwnVariableUpperCaseFirst() throws MalformedURLException {
    Map<String, String> env = Map.of("HTTP_PROXY", "http://p1:3128", "http_proxy", "http://p2:3128", "https_proxy", "p3:8080");
    assertEquals(http("p1", 3128), choose("http://health.example/x", env));
    assertEquals(http("p3", 8080), choose("https://health.example/x", env), "no scheme: http://");
    assertEquals(Proxy.NO_PROXY, choose("http://health.example/x", Map.of()));
    assertEquals(http("p", 80), choose("http://health.example/x", Map.of("HTTP_PROXY", "http://p")));
    assertEquals(new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("s", 1080)),
        choose("http://health.example/x", Map.of("HTTP_PROXY", "socks5://s")));
  }

  @Test
  void loopbackIsNeverProxied() throws MalformedURLException {
    Map<String, String> env = Map.of("HTTP_PROXY", "http://p:3128", "HTTPS_PROXY", "http://p:3128");
    assertEquals(Proxy.NO_PROXY, choose("https://127.0.0.1:58074/healthcheck", env));
    assertEquals(Proxy.NO_PROXY, choose("http://localhost/", env));
  }

  @Test
  void noProxyAsGoReadsIt() throws MalformedURLException {
    Proxy p = http("p", 3128);
    String[][] cases = {
        // NO_PROXY, URL, proxied?
        {"*", "http://a.example/", "no"},
        {"example.com", "http://example.com/", "no"},
        {"example.com", "http://sub.example.com/", "no"},
        {"example.com", "http://notexample.com/", "yes"},
        {".example.com", "http://example.com/", "yes"},
        {".example.com", "http://sub.example.com/", "no"},
        {"*.example.com", "http://sub.example.com/", "no"},
        {"example.com:8080", "http://example.com:8080/", "no"},
        {"example.com:8080", "http://example.com/", "yes"},
        {"10.0.0.0/8", "http://10.1.2.3/", "no"},
        {"10.0.0.0/8", "http://11.1.2.3/", "yes"},
        {"10.1.2.3", "http://10.1.2.3/", "no"},
        {" other.org , example.com ", "http://example.com/", "no"},
        {"", "http://example.com/", "yes"},
    };
    for (String[] c : cases) {
      Proxy chosen = choose(c[1], Map.of("HTTP_PROXY", "http://p:3128", "NO_PROXY", c[0]));
      assertEquals(c[2].equals("yes") ? p : Proxy.NO_PROXY, chosen, c[0] + " for " + c[1]);
    }
    assertEquals(Proxy.NO_PROXY, choose("http://example.com/", Map.of("HTTP_PROXY", "http://p:3128", "no_proxy", "example.com")));
  }

  @Test
  void aProxyItCannotUseIsRefusedAtOnce() {
    Die d = assertThrows(Die.class, () -> choose("http://a.example/", Map.of("HTTP_PROXY", "http://user:secret@p:3128")));
    assertEquals(1, d.exit);
    assertThrows(Die.class, () -> choose("http://a.example/", Map.of("HTTP_PROXY", "https://p:3128")));
  }
}
