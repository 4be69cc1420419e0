package io.dkv.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a node needs to start. Built from command-line flags or a properties file; every value
 * is validated here so that a bad configuration fails at start-up with a message that names the
 * setting, the bad value and what is allowed.
 *
 * @param members            every node of the cluster, this one included (fixed membership for
 *                           now; the replicated directory will own it later)
 * @param partitionCount     Q, the number of partitions of the hash ring; must be equal on all nodes
 * @param replicationFactor  N, replicas per partition (capped at the number of members)
 * @param requestTimeoutMillis deadline of a client request when the client sets none
 */
public record NodeConfig(
    String nodeId,
    MemberAddress.HostPort listen,
    Path dataDir,
    List<MemberAddress> members,
    int partitionCount,
    int replicationFactor,
    int maxKeyBytes,
    int maxValueBytes,
    long requestTimeoutMillis) {

  public static final int DEFAULT_PARTITIONS = 256;
  public static final int DEFAULT_REPLICATION = 3;
  public static final int DEFAULT_MAX_KEY_BYTES = 256;
  public static final int DEFAULT_MAX_VALUE_BYTES = 128 << 20;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Set<String> KEYS = Set.of("node-id", "listen", "data", "members", "partitions",
      "replication", "max-key-bytes", "max-value-bytes", "request-timeout-ms");

  public NodeConfig {
    requireNodeId(nodeId);
    if (members.stream().noneMatch(m -> m.nodeId().equals(nodeId))) {
      throw new ConfigException("node id '" + nodeId + "' is not in the member list " + members
          + "; every node must list itself");
    }
    requireRange("partitions", partitionCount, 1, 65_536);
    requireRange("replication", replicationFactor, 1, 15);
    requireRange("max-key-bytes", maxKeyBytes, 1, 65_535);
    requireRange("max-value-bytes", maxValueBytes, 0, 128 << 20);
    requireRange("request-timeout-ms", requestTimeoutMillis, 1, 3_600_000);
    members = List.copyOf(members);
  }

  /** A config with defaults for everything but identity, address, data and members. */
  public static NodeConfig of(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                              List<MemberAddress> members) {
    return new NodeConfig(nodeId, listen, dataDir, members, DEFAULT_PARTITIONS, DEFAULT_REPLICATION,
        DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, DEFAULT_REQUEST_TIMEOUT_MILLIS);
  }

  public MemberAddress self() {
    return members.stream().filter(m -> m.nodeId().equals(nodeId)).findFirst().orElseThrow();
  }

  /**
   * Reads a properties file: {@code node-id}, {@code listen}, {@code data}, {@code members} are
   * required; {@code partitions}, {@code replication}, {@code max-key-bytes},
   * {@code max-value-bytes}, {@code request-timeout-ms} are optional. Unknown keys are an error,
   * so a typo never silently falls back to a default.
   */
  public static NodeConfig load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Set<String> unknown = new HashSet<>(p.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigException("config file " + file + ": unknown setting(s) " + unknown
          + "; allowed: " + KEYS);
    }
    String data = required(p, file, "data");
    return new NodeConfig(
        required(p, file, "node-id"),
        MemberAddress.parseHostPort("listen", required(p, file, "listen")),
        file.toAbsolutePath().getParent().resolve(data),
        MemberAddress.parseList(required(p, file, "members")),
        (int) number(p, "partitions", DEFAULT_PARTITIONS),
        (int) number(p, "replication", DEFAULT_REPLICATION),
        (int) number(p, "max-key-bytes", DEFAULT_MAX_KEY_BYTES),
        (int) number(p, "max-value-bytes", DEFAULT_MAX_VALUE_BYTES),
        number(p, "request-timeout-ms", DEFAULT_REQUEST_TIMEOUT_MILLIS));
  }

  static void requireNodeId(String id) {
    if (id == null || !NODE_ID.matcher(id).matches()) {
      throw new ConfigException("node id '" + id + "' is invalid; use 1-64 characters of "
          + "letters, digits, '_', '.', '-', starting with a letter or digit");
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(name + " = " + value + " is outside the allowed range " + min
          + ".." + max);
    }
  }

  private static String required(Properties p, Path file, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException("config file " + file + ": required setting '" + key + "' is missing");
    }
    return v.trim();
  }

  private static long number(Properties p, String key, long fallback) {
    String v = p.getProperty(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " = '" + v + "' is not a whole number");
    }
  }
}
