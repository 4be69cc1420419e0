package io.dkv.core.directory;

import static io.dkv.core.directory.NodeState.DOWN;
import static io.dkv.core.directory.NodeState.JOINING;
import static io.dkv.core.directory.NodeState.LEAVING;
import static io.dkv.core.directory.NodeState.REMOVED;
import static io.dkv.core.directory.NodeState.UP;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryState.Transition;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules of {@link DirectoryState#apply}: validate a command against the state, then build the
 * next state. Every check runs before anything is built, so a rejected command changes nothing.
 *
 * <p>Only {@code Initialize} runs the claim function. After it, replica lists only shrink
 * ({@code Evict}); a node gets partitions only by catching up on their data, never by a
 * membership command. Every partition keeps at least one replica: {@code Evict} keeps at least
 * its floor (1 or more) and {@code Remove} refuses a node still in a list, so the map never loses
 * its last member either.
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
      case MarkUp u -> onStateChange(s, u.nodeId(), "mark up", UP, EnumSet.of(JOINING, DOWN));
      case MarkDown d -> onStateChange(s, d.nodeId(), "mark down", DOWN,
          EnumSet.of(JOINING, UP, LEAVING));
      case Evict e -> onEvict(s, e);
      case Leave l -> onStateChange(s, l.nodeId(), "drain (leave)", LEAVING,
          EnumSet.of(JOINING, UP, DOWN));
      case Remove r -> onRemove(s, r);
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
    List<String> holders = DirectoryState.replicaHolders(members);
    PartitionMap empty = PartitionMap.empty(init.partitionCount(), init.replicationFactor());
    PartitionMap first = Placement.initial(holders, init.partitionCount(), init.replicationFactor());
    SortedMap<String, Namespace> namespaces = new TreeMap<>();
    namespaces.put(Namespace.DEFAULT, Namespace.defaultFor(init.replicationFactor()));
    return accept(s.next(members,
        ReplicaLists.restamp(empty, holders, ReplicaLists.of(first), s.epoch() + 1), namespaces));
  }

  private static Transition onJoin(DirectoryState s, Join join) {
    String problem = checkJoin(join);
    if (problem != null) {
      return reject(s, problem);
    }
    if (s.memberMap().isEmpty()) {
      return reject(s, "node '" + join.nodeId() + "' cannot join: the directory is not initialized;"
          + " a new cluster starts with Initialize (its members, partition count and replication"
          + " factor)");
    }
    Member existing = s.memberMap().get(join.nodeId());
    if (existing != null && existing.state() != REMOVED) {
      String how = existing.address().equals(join.address()) ? ""
          : " with address " + existing.address() + "; it cannot join again at " + join.address();
      return reject(s, "node '" + join.nodeId() + "' already joined" + how + " (state "
          + existing.state() + "); a node joins once, or again after it is removed");
    }
    return accept(withState(s, new Member(join.nodeId(), join.address(), JOINING),
        ReplicaLists.of(s.map())));
  }

  /** What is wrong with a joining node's id or address, or null. */
  private static String checkJoin(Join join) {
    String problem = DirectoryNames.checkNodeId(join.nodeId());
    return problem != null ? problem : DirectoryNames.checkAddress(join.address());
  }

  /** A move that changes the node's state and no replica list (MarkUp, MarkDown, Leave). */
  private static Transition onStateChange(DirectoryState s, String nodeId, String verb,
                                          NodeState target, Set<NodeState> allowedFrom) {
    String problem = checkMove(s, nodeId, verb, allowedFrom);
    if (problem != null) {
      return reject(s, problem);
    }
    return accept(withState(s, s.memberMap().get(nodeId).withState(target),
        ReplicaLists.of(s.map())));
  }

  /**
   * Takes a down node out of every replica list that keeps at least the floor without it. A
   * partition at the floor keeps the node (and waits for it to come back), so eviction may be
   * partial; it is refused only when no list changes.
   */
  private static Transition onEvict(DirectoryState s, Evict e) {
    String verb = "evict";
    String problem = checkMove(s, e.nodeId(), verb, EnumSet.of(DOWN));
    if (problem != null) {
      // The hint fits only a node that can be marked down: not an unknown or removed one.
      Member m = s.memberMap().get(e.nodeId());
      boolean canGoDown = m != null && m.state() != REMOVED;
      return reject(s, canGoDown ? problem + "; mark it down first" : problem);
    }
    if (e.minReplicas() < 1 || e.minReplicas() > MAX_REPLICATION) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': minReplicas "
          + e.minReplicas() + " is outside 1.." + MAX_REPLICATION);
    }
    if (s.map().partitionsOf(e.nodeId()).isEmpty()) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': it holds no replicas");
    }
    List<List<String>> lists = ReplicaLists.withoutAboveFloor(s.map(), e.nodeId(), e.minReplicas());
    if (lists.equals(ReplicaLists.of(s.map()))) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': all its "
          + ReplicaLists.belowFloor(s.map(), e.nodeId(), e.minReplicas()) + "; the floor is "
          + e.minReplicas() + " (min replicas), so they wait for the node to come back, or for a"
          + " lower floor");
    }
    return accept(withState(s, s.memberMap().get(e.nodeId()), lists));
  }

  private static Transition onRemove(DirectoryState s, Remove r) {
    String verb = "remove";
    String problem = checkMove(s, r.nodeId(), verb, EnumSet.of(LEAVING, DOWN));
    if (problem != null) {
      return reject(s, problem);
    }
    int held = s.map().partitionsOf(r.nodeId()).size();
    if (held > 0) {
      return reject(s, "cannot " + verb + " node '" + r.nodeId() + "': it still holds replicas of "
          + held + (held == 1 ? " partition" : " partitions") + "; they must be moved to other"
          + " nodes first");
    }
    return accept(withState(s, s.memberMap().get(r.nodeId()).withState(REMOVED),
        ReplicaLists.of(s.map())));
  }

  /** Why {@code nodeId} may not {@code verb} from its state, or null. */
  private static String checkMove(DirectoryState s, String nodeId, String verb,
                                  Set<NodeState> allowedFrom) {
    Member m = s.memberMap().get(nodeId);
    if (m == null) {
      return "cannot " + verb + " node '" + nodeId + "': unknown node; the directory knows "
          + s.memberMap().keySet();
    }
    if (!allowedFrom.contains(m.state())) {
      String hint = m.state() == REMOVED ? "; a removed node must join again" : "";
      return "cannot " + verb + " node '" + nodeId + "': it is " + m.state()
          + "; allowed only from " + allowedFrom + hint;
    }
    return null;
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
          + " members of the partition map (every member not removed)");
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

  /**
   * The next state with {@code member} in its new state and these replica lists; the map moves to
   * the new epoch only if its members (the holders) or lists changed.
   */
  private static DirectoryState withState(DirectoryState s, Member member,
                                          List<List<String>> lists) {
    SortedMap<String, Member> members = new TreeMap<>(s.memberMap());
    members.put(member.nodeId(), member);
    PartitionMap map = ReplicaLists.restamp(s.map(), DirectoryState.replicaHolders(members), lists,
        s.epoch() + 1);
    return s.next(members, map, new TreeMap<>(s.namespaceMap()));
  }

  private static Transition accept(DirectoryState next) {
    return new Transition(next, new CommandResult.Accepted(next.epoch()));
  }

  private static Transition reject(DirectoryState s, String reason) {
    return new Transition(s, new CommandResult.Rejected(s.epoch(), reason));
  }
}
