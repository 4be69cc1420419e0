package io.dkv.torture;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which {@link Network} a torture run uses. */
public enum NetworkKind {
  /** Network namespaces with nftables when this process may create them (root), else loopback proxies. */
  AUTO,
  /** Network namespaces and nftables; fails when not root. */
  NAMESPACES,
  /** Loopback proxies between the nodes; works for any user. */
  PROXIES;

  /** A network of {@code nodeCount} nodes, the first {@code founders} of which found the cluster. */
  Network create(int nodeCount, int founders) {
    return switch (this) {
      case AUTO -> Network.create(nodeCount, founders);
      case NAMESPACES -> NamespaceNetwork.create(nodeCount, founders);
      case PROXIES -> ProxyNetwork.create(nodeCount, founders);
    };
  }

  public static NetworkKind parse(String text) {
    for (NetworkKind k : values()) {
      if (k.name().toLowerCase(Locale.ROOT).equals(text)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown network '" + text + "': allowed "
        + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
  }
}
