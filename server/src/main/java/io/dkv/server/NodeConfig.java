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
 * <p>A node either founds a new cluster ({@code members} and {@code voters}) or joins an existing
 * one through a member ({@code join}), never both.
 *
 * @param members            every node of a new cluster, this one included: the directory's
 *                           first members (see {@code docs/directory.md}); after that the
 *                           directory owns membership. Empty for a joining node
 * @param voters             the directory's Raft voters (1, 3 or 5 of the members), each with
 *                           its Raft address, which is not its dkv address; the same on every node.
 *                           Empty for a joining node, which gets them from the member it joins through
 * @param partitionCount     Q of a new cluster, the number of partitions of the hash ring; must be
 *                           equal on all its nodes (a joining node takes the cluster's)
 * @param replicationFactor  RF of a new cluster, replicas per partition (capped at the number of
 *                           members; a joining node takes the cluster's)
 * @param requestTimeoutMillis deadline of a client request when the client sets none
 * @param failureDetection   heartbeat period, read lease, down-after time and the fewest replicas
 *                           a partition keeps when a node is evicted ({@code docs/directory.md} §8)
 * @param join               the dkv address of a member of the cluster this node joins, or null
 *                           for a node of a new cluster
 * @param repairIntervalMillis how often the node repairs the eventual namespaces' partitions it
 *                           replicates with their other replicas and purges old tombstones
 *                           ({@code docs/eventual.md} §10)
 * @param tombstoneGraceMillis how long a delete's tombstone is kept at least, and after every
 *                           replica was seen holding it; must exceed the eventual request window
 *                           (60 s), the longest request deadline and the oldest hint
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
    FailureDetection failureDetection,
    MemberAddress.HostPort join,
    long repairIntervalMillis,
    long tombstoneGraceMillis) {

  public static final int DEFAULT_PARTITIONS = 256;
  public static final int DEFAULT_REPLICATION = 3;
  public static final int DEFAULT_MAX_KEY_BYTES = 256;
  public static final int DEFAULT_MAX_VALUE_BYTES = 128 << 20;
  public static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 5_000;
  public static final long DEFAULT_REPAIR_INTERVAL_MILLIS = 600_000;
  public static final long DEFAULT_TOMBSTONE_GRACE_MILLIS = 3_600_000;

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
  private static final Range REPAIR_INTERVAL_MS = new Range("repair-interval-ms", 1_000, 86_400_000);
  // Above the eventual core's request window (60 s: a retry is sent under its first version that long)
  // and a hint's life (10 s of handoff and 30 min of age): either could bring a purged value back.
  private static final Range TOMBSTONE_GRACE_MS = new Range("tombstone-grace-ms", 1_810_001, 2_592_000_000L);
  private static final Set<String> KEYS = Set.of("node-id", "listen", "data", "members", "voters", "join",
      "partitions", "replication", "max-key-bytes", "max-value-bytes", "request-timeout-ms",
      "heartbeat-ms", "lease-ms", "down-after-ms", "min-replicas", "repair-interval-ms", "tombstone-grace-ms");
  /** The addresses that listen on every interface: no other node can reach a node there. */
  private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "[::]", "*");

  public NodeConfig {
    requireNodeId(nodeId);
    if (join == null) {
      requireMembers(nodeId, members);
      requireVoters(voters, members);
    } else {
      requireJoinAlone(join, listen, members, voters);
    }
    PARTITIONS.check(partitionCount);
    REPLICATION.check(replicationFactor);
    MAX_KEY_BYTES.check(maxKeyBytes);
    MAX_VALUE_BYTES.check(maxValueBytes);
    REQUEST_TIMEOUT_MS.check(requestTimeoutMillis);
    requireFailureDetection(failureDetection);
    REPAIR_INTERVAL_MS.check(repairIntervalMillis);
    TOMBSTONE_GRACE_MS.check(tombstoneGraceMillis);
    members = List.copyOf(members);
    voters = List.copyOf(voters);
  }

  /** Default repair interval and tombstone grace period. */
  public NodeConfig(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                    List<MemberAddress> members, List<MemberAddress> voters, int partitionCount,
                    int replicationFactor, int maxKeyBytes, int maxValueBytes,
                    long requestTimeoutMillis, FailureDetection failureDetection, MemberAddress.HostPort join) {
    this(nodeId, listen, dataDir, members, voters, partitionCount, replicationFactor, maxKeyBytes,
        maxValueBytes, requestTimeoutMillis, failureDetection, join, DEFAULT_REPAIR_INTERVAL_MILLIS,
        DEFAULT_TOMBSTONE_GRACE_MILLIS);
  }

  /** A node of a new cluster (no {@code join}). */
  public NodeConfig(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                    List<MemberAddress> members, List<MemberAddress> voters, int partitionCount,
                    int replicationFactor, int maxKeyBytes, int maxValueBytes,
                    long requestTimeoutMillis, FailureDetection failureDetection) {
    this(nodeId, listen, dataDir, members, voters, partitionCount, replicationFactor, maxKeyBytes,
        maxValueBytes, requestTimeoutMillis, failureDetection, null);
  }

  /** A config with defaults for everything but identity, address, data, members and voters. */
  public static NodeConfig of(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                              List<MemberAddress> members, List<MemberAddress> voters) {
    return new NodeConfig(nodeId, listen, dataDir, members, voters, DEFAULT_PARTITIONS, DEFAULT_REPLICATION,
        DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, DEFAULT_REQUEST_TIMEOUT_MILLIS,
        FailureDetection.DEFAULTS);
  }

  /**
   * A joining node with defaults for everything but identity, address, data and the member it
   * joins through.
   */
  public static NodeConfig joining(String nodeId, MemberAddress.HostPort listen, Path dataDir,
                                   MemberAddress.HostPort join) {
    return new NodeConfig(nodeId, listen, dataDir, List.of(), List.of(), DEFAULT_PARTITIONS,
        DEFAULT_REPLICATION, DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES,
        DEFAULT_REQUEST_TIMEOUT_MILLIS, FailureDetection.DEFAULTS, join);
  }

  /**
   * Reads a properties file: {@code node-id}, {@code listen}, {@code data}, and either
   * {@code members} and {@code voters} (a new cluster) or {@code join} (an existing one) are
   * required; {@code partitions} and {@code replication} (a new cluster only),
   * {@code max-key-bytes}, {@code max-value-bytes}, {@code request-timeout-ms},
   * {@code heartbeat-ms}, {@code lease-ms}, {@code down-after-ms}, {@code min-replicas},
   * {@code repair-interval-ms}, {@code tombstone-grace-ms} are optional. Unknown keys are an error, so a typo never silently falls back to a default.
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
    String join = p.getProperty("join");
    if (join != null) {
      for (String key : List.of("partitions", "replication")) {
        if (p.getProperty(key) != null) {
          throw newClusterOnly("config file " + file + ": '" + key + "'");
        }
      }
    }
    return new NodeConfig(
        required(p, file, "node-id"),
        MemberAddress.parseHostPort("listen", required(p, file, "listen")),
        file.toAbsolutePath().getParent().resolve(data),
        memberList(p, file, "members", "member list", join != null),
        memberList(p, file, "voters", "voter list", join != null),
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
            MIN_REPLICAS.read(p, FailureDetection.DEFAULTS.minReplicas())),
        join == null ? null : MemberAddress.parseHostPort("join", join.trim()),
        REPAIR_INTERVAL_MS.read(p, DEFAULT_REPAIR_INTERVAL_MILLIS),
        TOMBSTONE_GRACE_MS.read(p, DEFAULT_TOMBSTONE_GRACE_MILLIS));
  }

  /** A list setting, required unless the node joins (then absent is empty; given is refused later). */
  private static List<MemberAddress> memberList(Properties p, Path file, String key, String what,
                                                boolean joining) {
    if (joining && p.getProperty(key) == null) {
      return List.of();
    }
    return MemberAddress.parseList(what, required(p, file, key));
  }

  /**
   * The error for a setting of a new cluster's placement ({@code setting} names it as the user gave
   * it) on a node that joins: it would be ignored, so it is refused.
   */
  public static ConfigException newClusterOnly(String setting) {
    return new ConfigException(setting + " sets a new cluster's partitions or replication; a node"
        + " that joins takes the cluster's, so leave it out with join");
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

  private static void requireMembers(String nodeId, List<MemberAddress> members) {
    if (members.isEmpty()) {
      throw new ConfigException("node " + nodeId + " needs either members and voters (--members,"
          + " --voters: the nodes of a new cluster and its directory voters) or join (--join"
          + " HOST:PORT: a member of an existing cluster)");
    }
    if (members.stream().noneMatch(m -> m.nodeId().equals(nodeId))) {
      throw new ConfigException("node id '" + nodeId + "' is not in the member list " + members
          + "; every node must list itself");
    }
  }

  /**
   * A joining node names no members or voters (the member it joins through gives the voters, the
   * directory the members), and its listen address is the one it gives the cluster, so the
   * other nodes must be able to reach it there.
   */
  private static void requireJoinAlone(MemberAddress.HostPort join, MemberAddress.HostPort listen,
                                       List<MemberAddress> members, List<MemberAddress> voters) {
    if (join.port() == 0) {
      throw new ConfigException("join " + join + ": port 0 is no member's address; give the HOST:PORT"
          + " a member of the cluster serves on (its --listen)");
    }
    if (!members.isEmpty() || !voters.isEmpty()) {
      throw new ConfigException("join (--join) and members/voters (--members, --voters) are"
          + " mutually exclusive: give members and voters to found a new cluster, or join alone to"
          + " enter an existing one (the member it names gives the voters)");
    }
    if (listen.port() == 0 || WILDCARD_HOSTS.contains(listen.host())) {
      throw new ConfigException("listen " + listen + ": a joining node gives its listen address to"
          + " the cluster, so it must be an address and port the other nodes reach it at, not a"
          + " wildcard address or port 0");
    }
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
