package io.dkv.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.TwoPhaseConfig;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.Mutation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Several coordinators race to create the same key with compare-and-set(0): whatever the order of
 * deliveries, drops and timeouts, at most one commits, every replica applies exactly that one, and
 * each client's answer agrees with it.
 */
class ConcurrentWritersPropertyTest {
  private static final TwoPhaseConfig CONFIG = new TwoPhaseConfig(30, 30, 150, 5_000, 60_000);
  private static final List<String> REPLICAS = List.of("n1", "n2", "n3");

  @Property(tries = 300)
  void atMostOneCreatorWins(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
    Random rnd = new Random(seed);
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3", "n4");
    Map<String, Integer> dataWrites = new HashMap<>();
    for (String id : REPLICAS) {
      c.node(id).storage.onSync(ops -> ops.stream().filter(op -> op.cf() == ColumnFamily.DATA)
          .forEach(op -> dataWrites.merge(id, 1, Integer::sum)));
    }
    int writers = 2 + rnd.nextInt(3);
    for (int i = 1; i <= writers; i++) {
      c.write("n" + (1 + rnd.nextInt(4)), i, 100 + i, "k", new Mutation.CompareAndSet(0, Bytes.utf8("w" + i)),
          REPLICAS, c.now + 300 + rnd.nextInt(1_000));
    }
    for (int step = 0; step < 3_000 && c.results.size() < writers; step++) {
      if (c.inFlight.isEmpty() || rnd.nextInt(10) == 0) {
        c.advance(10);
        continue;
      }
      ScriptedCluster.InFlight f = c.inFlight.get(rnd.nextInt(c.inFlight.size()));
      if (rnd.nextInt(8) == 0) {
        c.drop(x -> x == f);
      } else {
        c.deliver(x -> x == f);
      }
    }
    c.run(2_000); // heal: everything is delivered from now on

    assertThat(c.results).hasSize(writers);
    long winners = c.results.values().stream()
        .filter(r -> r instanceof ClientResult.Written w && w.status() == WriteStatus.OK).count();
    assertThat(winners).isLessThanOrEqualTo(1);
    var first = c.data("n1", "k");
    for (String id : REPLICAS) {
      assertThat(c.data(id, "k")).as("replica " + id).isEqualTo(first);
      assertThat(dataWrites.getOrDefault(id, 0)).as("commits applied at " + id).isLessThanOrEqualTo(1);
      assertThat(c.txnRecords(id)).isZero();
    }
    for (ClientResult r : c.results.values()) {
      if (r instanceof ClientResult.Written w && w.status() == WriteStatus.OK) {
        assertThat(first.version()).isEqualTo(w.version());
        assertThat(first.value()).isEqualTo(Bytes.utf8("w" + w.handle()));
      } else if (r instanceof ClientResult.Written w) {
        assertThat(w.status()).isEqualTo(WriteStatus.CONDITION_FAILED);
        assertThat(first).isNotNull();
        assertThat(w.version()).isEqualTo(first.version());
      }
    }
  }
}
