package io.dkv.server;

import io.dkv.server.directory.FailureDetection;
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
 * @param members            every node of a new cluster, this one included: the directory's
 *                           first members (see {@code docs/directory.md}); after that the
 *                           directory owns membership
 * @param voters             the directory's Raft voters (1, 3 or 5 of the members), each with
 *                           its Raft address, which is not its dkv address; the same on every node
 * @param partitionCount     Q, the number of partitions of the hash ring; must be equal on all nodes
 * @param replicationFactor  N, replicas per partition (capped at the number of members)
 * @param requestTimeoutMillis deadline of a client request when the client sets none
 * @param failureDetection   heartbeat period, read lease, down-after time and the fewest replicas
 *                           a partition keeps when a node is evicted ({@code docs/directory.md} §8)
 */
public record NodeConfig(
    String nodeId,
    MemberAddress.HostPort listen,
    Path dataDir,
    List<MemberAddress> members,
    List<MemberAddress> voters,
    int partitionCount,
    int replicationFactor,
    int maxKeyBytes,
    int maxValueBytes,
    long requestTimeoutMillis,
    FailureDetection failureDetection) {

  public static final int DEFAULT_PARTITIONS = 256;
  public static final int DEFAULT_REPLICATION = 3;
  public static final int DEFAULT_MAX_KEY_BYTES = 256;
  public static final int DEFAULT_MAX_VALUE_BYTES = 128 << 20;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Range PARTITIONS = new Range("partitions", 1, 65_536);
  private static final Range REPLICATION = new Range("replication", 1, 15);
  private static final Range MAX_KEY_BYTES = new Range("max-key-bytes", 1, 65_535);
  private static final Range MAX_VALUE_BYTES = new Range("max-value-bytes", 0, 128 << 20);
  private static final Range REQUEST_TIMEOUT_MS = new Range("request-timeout-ms", 1, 3_600_000);
  private static final Range HEARTBEAT_MS = new Range("heartbeat-ms", 10, 60_000);
  private static final Range LEASE_MS = new Range("lease-ms", 20, 600_000);
  private static final Range DOWN_AFTER_MS = new Range("down-after-ms", 30, 3_600_000);
  private static final Range MIN_REPLICAS = new Range("min-replicas", 1, 15);
  private static final Set<String> KEYS = Set.of("node-id", "listen", "data", "members", "voters", "partitions",
      "replication", "max-key-bytes", "max-value-bytes", "request-timeout-ms", "heartbeat-ms",
      "lease-ms", "down-after-ms", "min-replicas");

  public NodeConfig {
    requireNodeId(nodeId);
    if (members.stream().noneMatch(m -> m.nodeId().equals(nodeId))) {
      throw new ConfigException("node id '" + nodeId + "' is not in the member list " + members
          + "; every node must list itself");
    }
    requireVoters(voters, members);
    PARTITIONS.check(partitionCount);
    REPLICATION.check(replicationFactor);
    MAX_KEY_BYTES.check(maxKeyBytes);
    MAX_VALUE_BYTES.check(maxValueBytes);
    REQUEST_TIMEOUT_MS.check(requestTimeoutMillis);
    requireFailureDetection(failureDetection);
    members = List.copyOf(members);
    voters = List.copyOf(voters);
  }

  /** A config with defaults for everything but identity, address, data, members and voters. */
  public static NodeConfig of(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                              List<MemberAddress> members, List<MemberAddress> voters) {
    return new NodeConfig(nodeId, listen, dataDir, members, voters, DEFAULT_PARTITIONS, DEFAULT_REPLICATION,
        DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, DEFAULT_REQUEST_TIMEOUT_MILLIS,
        FailureDetection.DEFAULTS);
  }

  public MemberAddress self() {
    return members.stream().filter(m -> m.nodeId().equals(nodeId)).findFirst().orElseThrow();
  }

  /**
   * Reads a properties file: {@code node-id}, {@code listen}, {@code data}, {@code members} are
   * required; {@code partitions}, {@code replication}, {@code max-key-bytes},
   * {@code max-value-bytes}, {@code request-timeout-ms}, {@code heartbeat-ms}, {@code lease-ms},
   * {@code down-after-ms}, {@code min-replicas} are optional. Unknown keys are an error,
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
        MemberAddress.parseList("voter list", required(p, file, "voters")),
        // Each read checks its range before the narrowing cast, which could otherwise wrap a
        // value above Integer.MAX_VALUE into the range.
        (int) PARTITIONS.read(p, DEFAULT_PARTITIONS),
        (int) REPLICATION.read(p, DEFAULT_REPLICATION),
        (int) MAX_KEY_BYTES.read(p, DEFAULT_MAX_KEY_BYTES),
        (int) MAX_VALUE_BYTES.read(p, DEFAULT_MAX_VALUE_BYTES),
        REQUEST_TIMEOUT_MS.read(p, DEFAULT_REQUEST_TIMEOUT_MILLIS),
        failureDetection(HEARTBEAT_MS.read(p, FailureDetection.DEFAULTS.heartbeatMillis()),
            LEASE_MS.read(p, FailureDetection.DEFAULTS.leaseMillis()),
            DOWN_AFTER_MS.read(p, FailureDetection.DEFAULTS.downAfterMillis()),
            MIN_REPLICAS.read(p, FailureDetection.DEFAULTS.minReplicas())));
  }

  /**
   * The failure-detection settings, each in its range and ordered heartbeat &lt; lease &lt;
   * down-after, or a {@link ConfigException} naming the settings that are not.
   */
  public static FailureDetection failureDetection(long heartbeatMillis, long leaseMillis,
                                                  long downAfterMillis, long minReplicas) {
    HEARTBEAT_MS.check(heartbeatMillis);
    LEASE_MS.check(leaseMillis);
    DOWN_AFTER_MS.check(downAfterMillis);
    MIN_REPLICAS.check(minReplicas);
    if (leaseMillis <= heartbeatMillis || downAfterMillis <= leaseMillis) {
      throw new ConfigException("heartbeat-ms (" + heartbeatMillis + ") < lease-ms (" + leaseMillis
          + ") < down-after-ms (" + downAfterMillis + ") must hold: a node renews its lease before"
          + " it runs out, and stops reading before the directory evicts it");
    }
    return new FailureDetection(heartbeatMillis, leaseMillis, downAfterMillis, (int) minReplicas);
  }

  private static void requireFailureDetection(FailureDetection f) {
    if (f == null) {
      throw new ConfigException("failure detection settings are missing");
    }
    failureDetection(f.heartbeatMillis(), f.leaseMillis(), f.downAfterMillis(), f.minReplicas());
  }

  /** The directory needs 1, 3 or 5 voters, each a member, each once (parseList checks "once"). */
  private static void requireVoters(List<MemberAddress> voters, List<MemberAddress> members) {
    if (voters.size() != 1 && voters.size() != 3 && voters.size() != 5) {
      throw new ConfigException("the directory needs 1, 3 or 5 voters (a majority of them must be"
          + " up for membership changes), got " + voters.size() + ": " + voters);
    }
    for (MemberAddress v : voters) {
      if (members.stream().noneMatch(m -> m.nodeId().equals(v.nodeId()))) {
        throw new ConfigException("directory voter '" + v.nodeId() + "' is not in the member list "
            + members + "; voters are members that also run the directory's Raft");
      }
    }
  }

  static void requireNodeId(String id) {
    if (id == null || !NODE_ID.matcher(id).matches()) {
      throw new ConfigException("node id '" + id + "' is invalid; use 1-64 characters of "
          + "letters, digits, '_', '.', '-', starting with a letter or digit");
    }
  }

  private static String required(Properties p, Path file, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException("config file " + file + ": required setting '" + key + "' is missing");
    }
    return v.trim();
  }

  /** A whole-number setting and the values it may take. */
  private record Range(String key, long min, long max) {
    void check(long value) {
      if (value < min || value > max) {
        throw new ConfigException(key + " = " + value + " is outside the allowed range " + min
            + ".." + max);
      }
    }

    /** The setting from {@code p}, or {@code fallback} when absent; checked before any cast. */
    long read(Properties p, long fallback) {
      String v = p.getProperty(key);
      if (v == null) {
        return fallback;
      }
      long value;
      try {
        value = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key + " = '" + v.trim() + "' is not a whole number in the"
            + " allowed range " + min + ".." + max);
      }
      check(value);
      return value;
    }
  }
}
