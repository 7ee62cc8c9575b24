package dev.kyanite.server.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code fd00::/8}, or a single address).
 * Immutable.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses {@code address[/prefix]}; only IP literals are accepted (no DNS lookup). */
  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (!addr.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an IP block: " + s);
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP block: " + s, e);
    }
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
    if (prefix < 0 || prefix > bytes.length * 8) throw new IllegalArgumentException("bad prefix length: " + s);
    return new Cidr(bytes, prefix, t);
  }

  /** Whether the address lies in this block (addresses of the other family never do). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) return false;
    int full = prefix / 8;
    for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
    int rest = prefix % 8;
    if (rest == 0) return true;
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
