package dev.kyanite.server.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Refuses webhook targets on addresses a server-side request must never reach: loopback,
 * link-local (which holds the cloud metadata service 169.254.169.254), private (RFC 1918), CGNAT,
 * unique-local IPv6, multicast, unspecified, reserved, the IPv4-mapped/compatible IPv6 forms of
 * those, and the known cloud metadata addresses — unless the address is in an allow-list, or
 * private targets are allowed altogether (development, tests, benchmarks).
 *
 * <p>Checked at registration and again on every address a host resolves to at delivery time; the
 * delivery then connects to the checked address, so a DNS answer that changes in between (DNS
 * rebinding) cannot bypass the guard. Thread-safe.
 */
public final class SsrfGuard {
  private static final List<Cidr> FORBIDDEN = List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
      "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "64:ff9b::/96", "2001:db8::/32",
      // cloud metadata services outside the blocks above (AWS IPv6 IMDS, Alibaba)
      "fd00:ec2::254/128", "100.100.100.200/32").stream().map(Cidr::parse).toList();

  /** Resolves a host name to all its addresses (blocking). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowPrivate;
  private final List<Cidr> allowList;
  private final Resolver resolver;

  public SsrfGuard(boolean allowPrivate, List<Cidr> allowList, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.allowList = List.copyOf(allowList);
    this.resolver = resolver;
  }

  /** The guard with the system resolver. */
  public SsrfGuard(boolean allowPrivate, List<Cidr> allowList) {
    this(allowPrivate, allowList, InetAddress::getAllByName);
  }

  public boolean allowsPrivate() {
    return allowPrivate;
  }

  /** Why this address is refused, or empty when it may be contacted. */
  public Optional<String> refusal(InetAddress address) {
    if (allowPrivate) return Optional.empty();
    for (Cidr c : allowList) if (c.contains(address)) return Optional.empty();
    InetAddress effective = embeddedIpv4(address);
    if (effective != address && refusal(effective).isPresent()) {
      return Optional.of(address.getHostAddress() + " embeds a forbidden IPv4 address");
    }
    for (Cidr c : FORBIDDEN) {
      if (c.contains(address)) return Optional.of(address.getHostAddress() + " is in forbidden block " + c);
    }
    return Optional.empty();
  }

  /**
   * Resolves {@code host} and checks every address; returns the first one to connect to.
   *
   * @throws UnknownHostException when the name does not resolve
   * @throws SsrfRefusedException when any resolved address is forbidden
   */
  public InetAddress resolve(String host) throws UnknownHostException {
    InetAddress[] all = resolver.resolve(host);
    if (all.length == 0) throw new UnknownHostException(host);
    for (InetAddress a : all) {
      Optional<String> why = refusal(a);
      if (why.isPresent()) throw new SsrfRefusedException(host + " resolves to " + why.get());
    }
    return all[0];
  }

  /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or -compatible IPv6 address. */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) return address;
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) if (b[i] != 0) return address;
    boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    boolean compatible = b[10] == 0 && b[11] == 0;
    if (!mapped && !compatible) return address;
    try {
      return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (UnknownHostException e) {
      return address;
    }
  }

  /** A target refused by the guard. */
  public static final class SsrfRefusedException extends RuntimeException {
    public SsrfRefusedException(String message) {
      super(message, null, false, false);
    }
  }
}
