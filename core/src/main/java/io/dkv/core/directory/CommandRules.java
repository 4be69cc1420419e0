package io.dkv.core.directory;

import static io.dkv.core.directory.NodeState.DOWN;
import static io.dkv.core.directory.NodeState.JOINING;
import static io.dkv.core.directory.NodeState.LEAVING;
import static io.dkv.core.directory.NodeState.REMOVED;
import static io.dkv.core.directory.NodeState.UP;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryState.Transition;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules of {@link DirectoryState#apply}: validate a command against the state, then build the
 * next state. Every check runs before anything is built, so a rejected command changes nothing.
 */
final class CommandRules {
  /** The bounds of a cluster's partition count and replication factor (as a node's config). */
  static final int MAX_PARTITIONS = 65_536;
  static final int MAX_REPLICATION = 15;

  private CommandRules() {}

  static Transition apply(DirectoryState s, DirectoryCommand command) {
    return switch (command) {
      case Initialize i -> onInitialize(s, i);
      case Join j -> onJoin(s, j);
      case MarkUp u -> move(s, u.nodeId(), "mark up", UP, EnumSet.of(JOINING, DOWN));
      case MarkDown d -> move(s, d.nodeId(), "mark down", DOWN, EnumSet.of(JOINING, UP, LEAVING));
      case Leave l -> move(s, l.nodeId(), "drain (leave)", LEAVING, EnumSet.of(JOINING, UP, DOWN));
      case Remove r -> move(s, r.nodeId(), "remove", REMOVED, EnumSet.of(LEAVING, DOWN));
      case CreateNamespace c -> onCreateNamespace(s, c);
      case DropNamespace d -> onDropNamespace(s, d);
    };
  }

  private static Transition onInitialize(DirectoryState s, Initialize init) {
    if (!s.memberMap().isEmpty()) {
      return reject(s, "the directory is already initialized (epoch " + s.epoch() + ", members "
          + s.memberMap().keySet() + "); a new node joins an existing cluster instead");
    }
    if (init.members().isEmpty()) {
      return reject(s, "a cluster needs at least one member");
    }
    if (init.partitionCount() < 1 || init.partitionCount() > MAX_PARTITIONS) {
      return reject(s, "partition count " + init.partitionCount() + " is outside 1.." + MAX_PARTITIONS);
    }
    if (init.replicationFactor() < 1 || init.replicationFactor() > MAX_REPLICATION) {
      return reject(s, "replication factor " + init.replicationFactor() + " is outside 1.."
          + MAX_REPLICATION);
    }
    SortedMap<String, Member> members = new TreeMap<>();
    for (Join join : init.members()) {
      String problem = checkJoin(join);
      if (problem != null) {
        return reject(s, problem);
      }
      if (members.put(join.nodeId(), new Member(join.nodeId(), join.address(), UP)) != null) {
        return reject(s, "node '" + join.nodeId() + "' is listed twice; each member once");
      }
    }
    PartitionMap empty = PartitionMap.empty(init.partitionCount(), init.replicationFactor());
    SortedMap<String, Namespace> namespaces = new TreeMap<>();
    namespaces.put(Namespace.DEFAULT, Namespace.defaultFor(init.replicationFactor()));
    return accept(s.next(members,
        rebalance(empty, DirectoryState.replicaHolders(members), s.epoch() + 1), namespaces));
  }

  private static Transition onJoin(DirectoryState s, Join join) {
    String problem = checkJoin(join);
    if (problem != null) {
      return reject(s, problem);
    }
    Member existing = s.memberMap().get(join.nodeId());
    if (existing != null && existing.state() != REMOVED) {
      String how = existing.address().equals(join.address()) ? ""
          : " with address " + existing.address() + "; it cannot join again at " + join.address();
      return reject(s, "node '" + join.nodeId() + "' already joined" + how + " (state "
          + existing.state() + "); a node joins once, or again after it is removed");
    }
    SortedMap<String, Member> members = new TreeMap<>(s.memberMap());
    members.put(join.nodeId(), new Member(join.nodeId(), join.address(), JOINING));
    return withMembers(s, members);
  }

  /** What is wrong with a joining node's id or address, or null. */
  private static String checkJoin(Join join) {
    String problem = DirectoryNames.checkNodeId(join.nodeId());
    return problem != null ? problem : DirectoryNames.checkAddress(join.address());
  }

  private static Transition move(DirectoryState s, String nodeId, String verb, NodeState target,
                                 Set<NodeState> allowedFrom) {
    Member m = s.memberMap().get(nodeId);
    if (m == null) {
      return reject(s, "cannot " + verb + " node '" + nodeId + "': unknown node; the directory"
          + " knows " + s.memberMap().keySet());
    }
    if (!allowedFrom.contains(m.state())) {
      String hint = m.state() == REMOVED ? "; a removed node must join again" : "";
      return reject(s, "cannot " + verb + " node '" + nodeId + "': it is " + m.state()
          + "; allowed only from " + allowedFrom + hint);
    }
    SortedMap<String, Member> members = new TreeMap<>(s.memberMap());
    members.put(nodeId, m.withState(target));
    if (DirectoryState.replicaHolders(members).isEmpty()) {
      return reject(s, "cannot " + verb + " node '" + nodeId + "': it is the last member holding"
          + " replicas (joining or up) and the map needs one; join or mark up another node first");
    }
    return withMembers(s, members);
  }

  private static Transition onCreateNamespace(DirectoryState s, CreateNamespace c) {
    String problem = DirectoryNames.checkNamespaceName(c.name());
    int replicationFactor = s.map().replicationFactor();
    int holders = s.replicaHolders().size();
    if (problem != null) {
      return reject(s, problem);
    }
    if (s.namespaceMap().containsKey(c.name())) {
      return reject(s, "namespace '" + c.name() + "' already exists");
    }
    if (c.n() < 1 || c.n() > replicationFactor) {
      return reject(s, "N = " + c.n() + " is outside 1.." + replicationFactor
          + " (the cluster's replication factor)");
    }
    if (c.n() > holders) {
      return reject(s, "N = " + c.n() + " is larger than the " + holders
          + " members holding replicas (joining or up)");
    }
    problem = switch (c.mode()) {
      case STRONG -> c.w() == c.n() && c.r() == 1 ? null
          : "a strong namespace writes every replica and reads one: W must equal N (" + c.n()
              + ") and R must be 1, got W = " + c.w() + ", R = " + c.r();
    };
    if (problem != null) {
      return reject(s, problem);
    }
    SortedMap<String, Namespace> namespaces = new TreeMap<>(s.namespaceMap());
    namespaces.put(c.name(), new Namespace(c.name(), c.mode(), c.n(), c.w(), c.r(), s.epoch() + 1));
    return accept(s.next(new TreeMap<>(s.memberMap()), s.map(), namespaces));
  }

  private static Transition onDropNamespace(DirectoryState s, DropNamespace d) {
    if (d.name().equals(Namespace.DEFAULT)) {
      return reject(s, "the namespace '" + Namespace.DEFAULT + "' cannot be dropped");
    }
    if (!s.namespaceMap().containsKey(d.name())) {
      return reject(s, "unknown namespace '" + d.name() + "'; existing: "
          + s.namespaceMap().keySet());
    }
    SortedMap<String, Namespace> namespaces = new TreeMap<>(s.namespaceMap());
    namespaces.remove(d.name());
    return accept(s.next(new TreeMap<>(s.memberMap()), s.map(), namespaces));
  }

  /** The next state with these members; the map is recomputed only if its holders changed. */
  private static Transition withMembers(DirectoryState s, SortedMap<String, Member> members) {
    List<String> holders = DirectoryState.replicaHolders(members);
    PartitionMap map = holders.equals(s.map().members()) ? s.map()
        : rebalance(s.map(), holders, s.epoch() + 1);
    return accept(s.next(members, map, new TreeMap<>(s.namespaceMap())));
  }

  /**
   * The claim function's map for {@code holders}, re-stamped with the directory's epoch: the map
   * and every partition whose replica list changed get {@code epoch}, the others keep theirs.
   */
  private static PartitionMap rebalance(PartitionMap previous, List<String> holders, long epoch) {
    PartitionMap next = Placement.rebalance(previous, holders);
    int partitions = next.partitionCount();
    List<List<String>> replicas = new ArrayList<>(partitions);
    long[] epochs = new long[partitions];
    for (int p = 0; p < partitions; p++) {
      replicas.add(next.replicas(p));
      epochs[p] = next.replicas(p).equals(previous.replicas(p)) ? previous.partitionEpoch(p) : epoch;
    }
    return PartitionMap.of(epoch, next.replicationFactor(), next.members(), replicas, epochs);
  }

  private static Transition accept(DirectoryState next) {
    return new Transition(next, new CommandResult.Accepted(next.epoch()));
  }

  private static Transition reject(DirectoryState s, String reason) {
    return new Transition(s, new CommandResult.Rejected(s.epoch(), reason));
  }
}
