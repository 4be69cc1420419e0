package io.dkv.torture;

import java.net.InetSocketAddress;

/** Reads a {@code --members ID@HOST:PORT,...} value the way a dkv node does. */
final class MembersFlag {
  private MembersFlag() {}

  /** The address node {@code from} was told to use for node {@code to}. */
  static InetSocketAddress view(Network network, int from, int to) {
    String flag = network.membersFlag(from);
    for (String member : flag.split(",")) {
      String[] idAndAddress = member.split("@");
      if (idAndAddress[0].equals(NodeIds.of(to))) {
        int colon = idAndAddress[1].lastIndexOf(':');
        return new InetSocketAddress(idAndAddress[1].substring(0, colon),
            Integer.parseInt(idAndAddress[1].substring(colon + 1)));
      }
    }
    throw new AssertionError(NodeIds.of(to) + " is missing from " + flag);
  }
}
