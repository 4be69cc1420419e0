package io.dkv.server;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a joined node learned from its last answered join (the voters with their Raft addresses,
 * Q and RF), kept in its META column family so that it can restart while the member its
 * {@code --join} names is down: it then starts from these, and the directory tells it, as on any
 * start, whether it is still a member.
 *
 * <pre>
 * saved := version u8 (1) | partitionCount i32 | replicationFactor i32 | voterCount u16
 *        | (nodeId string | host string | port u16) * voterCount
 * </pre>
 */
record SavedJoin(List<MemberAddress> voters, int partitionCount, int replicationFactor) {
  private static final byte[] KEY = "directory/join".getBytes(StandardCharsets.UTF_8);
  private static final int VERSION = 1;

  SavedJoin {
    voters = List.copyOf(voters);
  }

  void save(Storage storage) {
    RecordWriter w = new RecordWriter().u8(VERSION).u32(partitionCount).u32(replicationFactor)
        .u16(voters.size());
    for (MemberAddress v : voters) {
      w.string(v.nodeId()).string(v.host()).u16(v.port());
    }
    storage.write(new WriteBatch().put(ColumnFamily.META, KEY, w.toByteArray()));
    storage.sync();
  }

  /** The saved settings, if this node ever joined; a damaged record fails naming what is wrong. */
  static Optional<SavedJoin> load(Storage storage) {
    byte[] bytes = storage.get(ColumnFamily.META, KEY);
    if (bytes == null) {
      return Optional.empty();
    }
    RecordReader r = new RecordReader(bytes, "saved join settings", ConfigException::new);
    int version = r.u8("version");
    if (version != VERSION) {
      throw r.fail("version", 0, "unsupported version " + version + "; this code reads " + VERSION);
    }
    int partitionCount = r.u32("partitionCount");
    int replicationFactor = r.u32("replicationFactor");
    List<MemberAddress> voters = new ArrayList<>();
    for (int i = r.u16("voterCount"); i > 0; i--) {
      voters.add(new MemberAddress(r.string("nodeId"), r.string("host"), r.u16("port")));
    }
    r.end();
    return Optional.of(new SavedJoin(voters, partitionCount, replicationFactor));
  }
}
