package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.Bytes;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterTest {

  @Test
  void theCoresPartitionEpochsFindAKeysPartitionByItsNamespaceNameNotItsStorageName() {
    DirectoryState s = TestClusters.cluster(
            MemberAddress.parseList("n1@127.0.0.1:1,n2@127.0.0.1:2,n3@127.0.0.1:3"), 16, 2).state()
        .apply(new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 2, 2, 1)).state()
        .apply(new DirectoryCommand.MarkDown("n3")).state()
        .apply(new DirectoryCommand.Evict("n3", 1)).state();
    PartitionMap map = s.map();
    PartitionEpochs epochs = new Cluster(s).partitionEpochs("n1");
    String storageName = s.namespace("users").orElseThrow().storageName();
    assertThat(storageName).isEqualTo("users@2");

    IntStream.range(0, 100).mapToObj(i -> Bytes.utf8("key-" + i)).forEach(key -> {
      assertThat(epochs.epochOf(storageName, key)).isEqualTo(
          map.partitionEpoch(Partitioner.partitionOf("users", key, map.partitionCount())));
      assertThat(epochs.epochOf("default", key)).isEqualTo(
          map.partitionEpoch(Partitioner.partitionOf("default", key, map.partitionCount())));
    });
    // A dropped incarnation, or one this view has not seen, accepts no PREPARE at all.
    assertThat(epochs.epochOf("users@9", Bytes.utf8("k"))).isEqualTo(PartitionEpochs.UNKNOWN_NAMESPACE);
    assertThat(epochs.epochOf("users", Bytes.utf8("k"))).isEqualTo(PartitionEpochs.UNKNOWN_NAMESPACE);
    assertThat(IntStream.range(0, 16).mapToLong(map::partitionEpoch).distinct().count())
        .as("the eviction changed some partitions and not others").isEqualTo(2);
  }

  /**
   * Only a replica judges write conditions (docs/two-phase-commit.md §4, check 7): not the learner
   * of a partition, whose copy may be incomplete, and not the replica it replaced, which leaves the
   * partition and, once released, misses its writes while its view may not show that yet. The
   * fault suite found the leaving case end to end: a removed node answered a compareAndSet with a
   * version older than an acknowledged write.
   */
  @Test
  void theCoresViewNamesAReplicaOnlyWhereThisNodeReplicatesTheKeysPartition() {
    DirectoryState s = TestClusters.cluster(
            MemberAddress.parseList("n1@127.0.0.1:1,n2@127.0.0.1:2,n3@127.0.0.1:3"), 16, 3).state()
        .apply(new DirectoryCommand.Join("n4", "127.0.0.1:4")).state();
    Bytes key = Bytes.utf8("k");
    int p = Partitioner.partitionOf("default", key, 16);
    String from = s.map().replicas(p).getFirst();
    DirectoryState learning = s.apply(new DirectoryCommand.StartMoves(
        List.of(new DirectoryCommand.MoveRequest(p, "n4", from)))).state();
    long since = learning.map().set(p).move().since();
    DirectoryState promoted = learning.apply(new DirectoryCommand.Promote(p, "n4", since)).state();

    assertThat(new Cluster(learning).partitionEpochs("n4").isReplica("default", key)).as("the learner").isFalse();
    assertThat(new Cluster(learning).partitionEpochs(from).isReplica("default", key)).as("before its promotion")
        .isTrue();
    assertThat(new Cluster(promoted).partitionEpochs("n4").isReplica("default", key)).as("promoted").isTrue();
    assertThat(promoted.map().set(p).leaving()).containsExactly(from);
    assertThat(new Cluster(promoted).partitionEpochs(from).isReplica("default", key)).as("leaving").isFalse();
    assertThat(new Cluster(promoted).partitionEpochs(from).isReplica("users", key)).as("an unknown namespace")
        .isFalse();
  }
}
