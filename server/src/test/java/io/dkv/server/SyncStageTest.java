package io.dkv.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.TxnId;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class SyncStageTest {
  private final InMemoryStorage storage = new InMemoryStorage();
  private final List<Envelope> sent = new CopyOnWriteArrayList<>();
  private final BlockingQueue<ClientResult> answered = new LinkedBlockingQueue<>();
  private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
  private final PeerMessage ack = new PeerMessage.Ack("n1", new TxnId("n1", 1, 1));

  private static ClientResult result(long handle) {
    return new ClientResult.ReadValue(handle, false, 0, Bytes.EMPTY);
  }

  @Test
  void anEnvelopeOrReplyThatThrowsIsCountedAndTheRestOfTheBatchStillLeaves() throws Exception {
    try (SyncStage stage = new SyncStage("n1", storage,
        (to, messages) -> {
          if (to.equals("ghost")) {
            throw new IllegalArgumentException("unknown node ghost");
          }
          messages.forEach(m -> sent.add(new Envelope(to, m)));
        },
        r -> {
          if (r.handle() == 1) {
            throw new RejectedExecutionException("the RPC client is closing");
          }
          answered.add(r);
        },
        failed::complete)) {
      stage.submit(new Output().requireSync()
          .send(new Envelope("ghost", ack)).send(new Envelope("n2", ack))
          .reply(result(1)).reply(result(2)));

      assertThat(answered.poll(5, SECONDS)).isEqualTo(result(2));
      assertThat(sent).containsExactly(new Envelope("n2", ack));
      assertThat(stage.dispatchFailures()).isEqualTo(2);

      stage.submit(new Output().reply(result(3)));
      assertThat(answered.poll(5, SECONDS)).isEqualTo(result(3));
      assertThat(failed).isNotDone();
    } finally {
      storage.close();
    }
  }

  @Test
  void theMessagesOfABatchToOneNodeLeaveTogetherInOrderBeforeTheAnswers() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    PeerMessage forget = new PeerMessage.Forget("n1", new TxnId("n1", 1, 1));
    try (SyncStage stage = new SyncStage("n1", storage,
        (to, messages) -> events.add(to + " " + messages.stream().map(m -> m.getClass().getSimpleName()).toList()),
        r -> events.add("answer " + r.handle()), failed::complete)) {
      stage.dispatch(List.of(
          new Output().send(new Envelope("n2", ack)).send(new Envelope("n3", ack)).reply(result(1)),
          new Output().send(new Envelope("n2", forget)).reply(result(2))));
      assertThat(events).containsExactly("n2 [Ack, Forget]", "n3 [Ack]", "answer 1", "answer 2");
    } finally {
      storage.close();
    }
  }
}
