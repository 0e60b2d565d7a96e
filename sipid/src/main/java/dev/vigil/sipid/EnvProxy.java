package dev.vigil.sipid;

import dev.vigil.common.Die;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy for a health check URL, chosen from the environment as Go's
 * http.ProxyFromEnvironment chooses it for sipid: {@code HTTPS_PROXY} for https, {@code
 * HTTP_PROXY} for http (upper case first, then lower), a value without a scheme taken as
 * {@code http://}, {@code socks5://} for SOCKS; none for a loopback host, for {@code NO_PROXY=*},
 * or for a host {@code NO_PROXY} lists: {@code foo.com} matches foo.com and its subdomains,
 * {@code .foo.com} (or {@code *.foo.com}) its subdomains only, an IP its own address, a CIDR its
 * range; an entry with {@code :PORT} only that port. Proxy credentials (user:password@) are not
 * supported, nor an {@code https://} proxy (TLS to the proxy itself): both are refused at once.
 */
final class EnvProxy {
  private EnvProxy() {}

  static Proxy choose(URL url, boolean loopback, Map<String, String> env) {
    if (loopback) {
      return Proxy.NO_PROXY;
    }
    boolean https = url.getProtocol().equalsIgnoreCase("https");
    String value = get(env, https ? "HTTPS_PROXY" : "HTTP_PROXY");
    if (value == null || value.isEmpty() || excluded(url, get(env, "NO_PROXY"))) {
      return Proxy.NO_PROXY;
    }
    URI proxy;
    try {
      proxy = new URI(value.contains("://") ? value : "http://" + value);
    } catch (URISyntaxException e) {
      throw Die.fatal(Main.FAILED, "poll failed: invalid proxy address " + GoSyntax.quote(value));
    }
    String scheme = proxy.getScheme().toLowerCase(Locale.ROOT);
    if (proxy.getHost() == null || proxy.getUserInfo() != null || !(scheme.equals("http") || scheme.equals("socks5"))) {
      throw Die.fatal(Main.FAILED, "poll failed: unsupported proxy " + GoSyntax.quote(value)
          + " (http:// or socks5://, without credentials)");
    }
    boolean socks = scheme.equals("socks5");
    int port = proxy.getPort() >= 0 ? proxy.getPort() : socks ? 1080 : 80;
    return new Proxy(socks ? Proxy.Type.SOCKS : Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), port));
  }

  private static String get(Map<String, String> env, String upper) {
    String v = env.get(upper);
    return v != null && !v.isEmpty() ? v : env.get(upper.toLowerCase(Locale.ROOT));
  }

  private static boolean excluded(URL url, String noProxy) {
    if (noProxy == null || noProxy.isEmpty()) {
      return false;
    }
    String host = url.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
    for (String raw : noProxy.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return true;
      }
      if (entry.contains("/")) {
        if (inCidr(host, entry)) {
          return true;
        }
        continue;
      }
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon && !entry.endsWith("]")) {
        try {
          if (Integer.parseInt(entry.substring(colon + 1)) != port) {
            continue;
          }
        } catch (NumberFormatException e) {
          continue;
        }
        entry = entry.substring(0, colon);
      }
      if (entry.startsWith("[") && entry.endsWith("]")) {
        entry = entry.substring(1, entry.length() - 1);
      }
      if (entry.startsWith("*.")) {
        entry = entry.substring(1);
      }
      if (entry.startsWith(".") ? host.endsWith(entry) : host.equals(entry) || host.endsWith("." + entry)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code host}, an IP literal, lies in {@code cidr}; a name never does (Go looks no name up). */
  private static boolean inCidr(String host, String cidr) {
    try {
      if (!host.matches("[0-9.]+|[0-9a-f:.]+")) {
        return false;
      }
      byte[] address = InetAddress.getByName(host).getAddress();
      int slash = cidr.indexOf('/');
      byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      if (address.length != network.length || bits < 0 || bits > address.length * 8) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException | NumberFormatException e) {
      return false;
    }
  }
}
