package io.dkv.core.directory;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of a whole {@link DirectoryState}: a directory snapshot, what a non-voter fetches, and
 * the copy a node keeps in its data directory. Big-endian; a string is a u16 length then UTF-8
 * (as in {@link CommandCodec}, whose version is counted separately).
 *
 * <pre>
 * state      := version u8 = 4 | epoch i64 | partitionCount i32 | replicationFactor i32
 *             | memberCount i32    | member*
 *             | namespaceCount i32 | namespace*
 *             | mapEpoch i64       | partition * partitionCount
 * member     := nodeId string | address string | state u8 (NodeState code) | draining u8 (0 or 1)
 * namespace  := name string | mode u8 | n i32 | w i32 | r i32 | createdEpoch i64
 * partition  := partitionEpoch i64 | count u8 | replica u16 * count
 *             | hasMove u8 (0 or 1) | (to u16 | from u16 (0xFFFF: none) | since i64) if hasMove
 *             | leavingCount u8 | leaving u16 * leavingCount
 * </pre>
 * The map's members are not written: they are the members that {@linkplain
 * NodeState#holdsReplicas() hold replicas} (every state but removed), in node-id order, and a
 * replica is an index into that list. A partition's count is 1..min(replicationFactor, holders),
 * or 0 when there are no holders.
 *
 * <p>Version 3 had no draining flag: a leaving member is read as draining, any other as not.
 * Version 2 had no moves and no leaving nodes; it is read as a map with none. Version 1, still
 * read because snapshots and the nodes' cached copies outlive the code that
 * wrote them, had no count: every partition had exactly min(replicationFactor, holders) replicas,
 * and its holders were the joining and up members only. Leaving and down members of a version 1
 * state (which held no replica then) become members of the map with no replica.
 *
 * <p>Decoding checks every invariant of {@link PartitionMap#of} and {@link DirectoryState#of}.
 */
public final class StateCodec {
  static final int VERSION = 4;
  private static final int NO_DRAINING_VERSION = 3;
  private static final int NO_MOVES_VERSION = 2;
  private static final int FIXED_COUNT_VERSION = 1;
  private static final int NO_NODE = 0xFFFF;

  private StateCodec() {}

  public static byte[] encode(DirectoryState state) {
    PartitionMap map = state.map();
    RecordWriter w = new RecordWriter().u8(VERSION).u64(state.epoch())
        .u32(map.partitionCount()).u32(map.replicationFactor());
    w.u32(state.members().size());
    for (Member m : state.members()) {
      w.string(m.nodeId()).string(m.address()).u8(m.state().code()).u8(m.draining() ? 1 : 0);
    }
    w.u32(state.namespaces().size());
    for (Namespace ns : state.namespaces()) {
      w.string(ns.name()).u8(ns.mode().code()).u32(ns.n()).u32(ns.w()).u32(ns.r())
          .u64(ns.createdEpoch());
    }
    Map<String, Integer> index = new HashMap<>();
    for (String holder : map.members()) {
      index.put(holder, index.size());
    }
    w.u64(map.epoch());
    for (int p = 0; p < map.partitionCount(); p++) {
      ReplicaSet set = map.set(p);
      w.u64(map.partitionEpoch(p)).u8(set.replicas().size());
      set.replicas().forEach(replica -> w.u16(index.get(replica)));
      PartitionMove move = set.move();
      w.u8(move == null ? 0 : 1);
      if (move != null) {
        w.u16(index.get(move.to())).u16(move.from() == null ? NO_NODE : index.get(move.from()))
            .u64(move.since());
      }
      w.u8(set.leaving().size());
      set.leaving().forEach(node -> w.u16(index.get(node)));
    }
    return w.toByteArray();
  }

  /** The state in {@code bytes} (version 1 to 4); {@link IllegalArgumentException} saying what is wrong. */
  public static DirectoryState decode(byte[] bytes) {
    RecordReader r = new RecordReader(bytes, "directory state", IllegalArgumentException::new);
    int version = r.u8("version");
    if (version < FIXED_COUNT_VERSION || version > VERSION) {
      throw r.fail("version", 0, "unsupported version " + version + "; this code reads "
          + FIXED_COUNT_VERSION + " to " + VERSION);
    }
    long epoch = r.u64("epoch");
    int partitionCount = r.count("partitionCount", Long.BYTES);
    int replicationFactor = r.u32("replicationFactor");
    List<Member> members = new ArrayList<>();
    for (int i = r.count("memberCount", 6); i > 0; i--) {
      String nodeId = r.string("nodeId");
      String address = r.string("address");
      NodeState state = r.code("state", NodeState::ofCode);
      boolean draining = version > NO_DRAINING_VERSION ? flag(r, "draining")
          : state == NodeState.LEAVING;
      members.add(new Member(nodeId, address, state, draining));
    }
    List<Namespace> namespaces = new ArrayList<>();
    for (int i = r.count("namespaceCount", 23); i > 0; i--) {
      String name = r.string("name");
      namespaces.add(new Namespace(name, r.code("mode", NamespaceMode::ofCode), r.u32("n"), r.u32("w"),
          r.u32("r"), r.u64("createdEpoch")));
    }
    List<String> holders = members.stream().filter(m -> m.state().holdsReplicas())
        .map(Member::nodeId).sorted().toList();
    List<String> indexed = version != FIXED_COUNT_VERSION ? holders : members.stream()
        .filter(m -> m.state() == NodeState.JOINING || m.state() == NodeState.UP)
        .map(Member::nodeId).sorted().toList();
    long mapEpoch = r.u64("mapEpoch");
    int most = Math.max(0, Math.min(replicationFactor, indexed.size()));
    List<ReplicaSet> sets = new ArrayList<>(partitionCount);
    long[] partitionEpochs = new long[partitionCount];
    for (int p = 0; p < partitionCount; p++) {
      partitionEpochs[p] = r.u64("partitionEpoch");
      int count = version != FIXED_COUNT_VERSION ? readCount(r, most) : most;
      List<String> replicas = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        replicas.add(readNode(r, "replica", indexed));
      }
      PartitionMove move = null;
      List<String> leaving = new ArrayList<>();
      if (version > NO_MOVES_VERSION) {
        if (r.u8("hasMove") != 0) {
          String to = readNode(r, "to", indexed);
          int offset = r.position();
          int fromIndex = r.u16("from");
          String from = fromIndex == NO_NODE ? null : nodeAt(r, "from", offset, fromIndex, indexed);
          move = new PartitionMove(to, from, r.u64("since"));
        }
        for (int i = r.u8("leavingCount"); i > 0; i--) {
          leaving.add(readNode(r, "leaving", indexed));
        }
      }
      sets.add(new ReplicaSet(replicas, move, leaving));
    }
    r.end();
    PartitionMap map = PartitionMap.withSets(mapEpoch, replicationFactor, holders, sets,
        partitionEpochs);
    return DirectoryState.of(epoch, members, map, namespaces);
  }

  /** A node named by its u16 index into the members that hold replicas. */
  private static String readNode(RecordReader r, String field, List<String> indexed) {
    int offset = r.position();
    return nodeAt(r, field, offset, r.u16(field), indexed);
  }

  /** The node at {@code index} (read at {@code offset}), or a failure naming the field. */
  private static String nodeAt(RecordReader r, String field, int offset, int index,
                               List<String> indexed) {
    if (index >= indexed.size()) {
      throw r.fail(field, offset, "index " + index + " but only " + indexed.size()
          + " members hold replicas");
    }
    return indexed.get(index);
  }

  /** A partition's replica count: 1..most, or 0 when no member holds replicas (most = 0). */
  private static int readCount(RecordReader r, int most) {
    int offset = r.position();
    int count = r.u8("count");
    int least = Math.min(1, most);
    if (count < least || count > most) {
      throw r.fail("count", offset, count + " replicas; allowed: " + least + " to " + most
          + " (1 to min(replication factor, members holding replicas), 0 when none does)");
    }
    return count;
  }

  /** A u8 that must be 0 (false) or 1 (true). */
  private static boolean flag(RecordReader r, String field) {
    int offset = r.position();
    int value = r.u8(field);
    if (value > 1) {
      throw r.fail(field, offset, value + "; allowed: 0 or 1");
    }
    return value == 1;
  }
}
