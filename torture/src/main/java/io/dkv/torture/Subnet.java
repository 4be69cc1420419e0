package io.dkv.torture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An IPv4 prefix such as {@code 10.213.7.0/24}, with the overlap test the namespace network uses to
 * pick a range that no route of the machine already covers.
 *
 * @param address the prefix's first address as an unsigned 32-bit value in an int
 * @param length  the prefix length, 0 to 32
 */
record Subnet(int address, int length) {
  /** Route types that `ip route` prints before the destination. */
  private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast",
      "unreachable", "blackhole", "prohibit", "throw", "nat", "anycast");

  Subnet {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("prefix length " + length + " is out of range: allowed 0 to 32");
    }
    address &= mask(length);
  }

  /** Parses {@code a.b.c.d/len} or a bare {@code a.b.c.d} (a /32). */
  static Subnet parse(String text) {
    int slash = text.indexOf('/');
    String ip = slash < 0 ? text : text.substring(0, slash);
    int length = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
    String[] parts = ip.split("\\.");
    if (parts.length != 4) {
      throw new IllegalArgumentException("bad IPv4 prefix '" + text + "': expected a.b.c.d/len");
    }
    int address = 0;
    for (String part : parts) {
      int octet = Integer.parseInt(part);
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("bad IPv4 prefix '" + text + "': octet " + octet + " is not 0 to 255");
      }
      address = (address << 8) | octet;
    }
    return new Subnet(address, length);
  }

  boolean overlaps(Subnet other) {
    int shorter = Math.min(length, other.length);
    return (address & mask(shorter)) == (other.address & mask(shorter));
  }

  /**
   * The destinations of {@code ip -4 route show table all} output, without the default route: a
   * default route is how packets leave the machine, not a range that our private addresses could
   * be confused with.
   */
  static List<Subnet> routeDestinations(String ipRouteOutput) {
    List<Subnet> destinations = new ArrayList<>();
    for (String line : ipRouteOutput.split("\n")) {
      String[] words = line.strip().split("\\s+");
      int i = words.length > 1 && ROUTE_TYPES.contains(words[0]) ? 1 : 0;
      if (words[i].isEmpty() || words[i].equals("default")) {
        continue;
      }
      destinations.add(parse(words[i]));
    }
    return destinations;
  }

  private static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  @Override
  public String toString() {
    return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
        + (address & 255) + "/" + length;
  }
}
