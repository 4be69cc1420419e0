package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.Routing;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every data command shares: where the cluster is, how to route, how to print. */
final class ClientOptions {
  static final String DEFAULT_CLUSTER = "127.0.0.1:7401";

  @Option(names = "--cluster", paramLabel = "HOST:PORT[,...]",
      description = "Nodes to contact (default: $DKV_CLUSTER, else " + DEFAULT_CLUSTER + ").")
  String cluster;

  @Option(names = "--routing", paramLabel = "recursive|iterative", defaultValue = "recursive",
      converter = RoutingConverter.class,
      description = "recursive: any node serves the request; iterative: route by the partition map.")
  Routing routing;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long one request may take, retries included (default ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;

  String clusterOrDefault() {
    if (cluster != null) {
      return cluster;
    }
    String env = System.getenv("DKV_CLUSTER");
    return env != null && !env.isBlank() ? env : DEFAULT_CLUSTER;
  }

  /** A client for the cluster's {@code default} namespace (see {@link #connect(String)}). */
  DkvClient connect() {
    return connect("default");
  }

  /**
   * A client for the cluster, working in {@code namespace}. Empty parts of the endpoint list
   * ({@code a,,b}, a trailing comma) are skipped; a list without any endpoint is a usage error.
   */
  DkvClient connect(String namespace) {
    if (!(timeoutSeconds > 0) || timeoutSeconds > 3600) {
      throw new IllegalArgumentException("--timeout must be between 0 and 3600 seconds, got " + timeoutSeconds);
    }
    String endpoints = clusterOrDefault();
    try {
      return DkvClient.builder()
          .endpoints(endpoints)
          .routing(routing)
          .namespace(namespace)
          .requestTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
          .build();
    } catch (IllegalArgumentException e) { // the timeout is checked above: this is the endpoint list
      String source = cluster != null ? "--cluster" : "DKV_CLUSTER";
      throw new IllegalArgumentException(source + " '" + endpoints + "': " + e.getMessage(), e);
    }
  }

  /** Accepts routing names in any case. */
  static final class RoutingConverter implements picocli.CommandLine.ITypeConverter<Routing> {
    @Override
    public Routing convert(String value) {
      try {
        return Routing.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a routing mode; use recursive or iterative");
      }
    }
  }
}
