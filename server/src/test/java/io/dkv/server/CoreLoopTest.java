package io.dkv.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.TxnId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoreLoopTest {
  private static final byte[] HALF_STEP_KEY = "half-step".getBytes(StandardCharsets.UTF_8);

  private final InMemoryStorage storage = new InMemoryStorage();
  private final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
  private CoreLoop loop;

  @AfterEach
  void stop() {
    if (loop != null) {
      loop.close();
    }
    storage.close();
  }

  private CoreLoop started(ScriptedCore core) throws Exception {
    loop = new CoreLoop("n1", core, storage, (to, messages) -> {}, fatal::complete);
    loop.start().get(5, SECONDS);
    return loop;
  }

  private static ClientCommand.Write write(long handle) {
    return new ClientCommand.Write(handle, 42, "default", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), List.of("n1", "n2"), 1, Long.MAX_VALUE);
  }

  private static ClientCommand.Read read(long handle, String key) {
    return new ClientCommand.Read(handle, "default", Bytes.utf8(key), Long.MAX_VALUE);
  }

  /** The core wrote a batch and then threw: the state a half-done step leaves behind. */
  private Output halfStepThenThrow() {
    storage.write(new WriteBatch().put(ColumnFamily.META, HALF_STEP_KEY, new byte[] {1}));
    throw new IllegalArgumentException("injected bug");
  }

  @Test
  void atShutdownAWriteInFlightGetsTimeoutOutcomeUnknownAndAReadGetsUnavailable() throws Exception {
    CoreLoop loop = started(ScriptedCore.silent());
    CompletableFuture<ClientResult> write = loop.submit(CoreLoopTest::write);
    CompletableFuture<ClientResult> read = loop.submit(h -> read(h, "k"));

    loop.close();

    ClientResult.Failed w = (ClientResult.Failed) write.get(5, SECONDS);
    assertThat(w.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(w.message()).contains("shutting down").contains("outcome is unknown");
    ClientResult.Failed r = (ClientResult.Failed) read.get(5, SECONDS);
    assertThat(r.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aBugInAPeerMessageStepStopsTheNodeAndLeavesWritesOutcomeUnknown() throws Exception {
    ScriptedCore core = new ScriptedCore(c -> new Output(), m -> halfStepThenThrow());
    CoreLoop loop = started(core);
    CompletableFuture<ClientResult> write = loop.submit(CoreLoopTest::write);

    loop.deliver(new PeerMessage.Ack("n2", new TxnId("n1", 1, 1)));

    Throwable stop = fatal.get(5, SECONDS);
    assertThat(stop).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the Ack from n2").hasRootCauseMessage("injected bug");
    ClientResult.Failed w = (ClientResult.Failed) write.get(5, SECONDS);
    assertThat(w.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(w.message()).contains("outcome is unknown");
    ClientResult.Failed later = (ClientResult.Failed) loop.submit(h -> read(h, "k")).get(5, SECONDS);
    assertThat(later.code()).isEqualTo(ErrorCode.BUSY);
  }

  @Test
  void aBugInAClientStepFailsThatRequestAfterItsWritesAreDurableAndTheNodeGoesOn() throws Exception {
    ScriptedCore core = new ScriptedCore(c -> {
      if (c instanceof ClientCommand.Read r && r.key().equals(Bytes.utf8("bad"))) {
        return halfStepThenThrow();
      }
      return new Output().reply(new ClientResult.ReadValue(c.handle(), true, 7, Bytes.utf8("v")));
    }, m -> new Output());
    CoreLoop loop = started(core);

    CompletableFuture<Boolean> durableWhenAnswered = loop.submit(h -> read(h, "bad"))
        .thenApply(result -> {
          assertThat(result).isInstanceOfSatisfying(ClientResult.Failed.class,
              f -> assertThat(f.code()).isEqualTo(ErrorCode.INTERNAL));
          return storage.durableGet(ColumnFamily.META, HALF_STEP_KEY) != null;
        });

    assertThat(durableWhenAnswered.get(5, SECONDS)).isTrue();
    assertThat(loop.submit(h -> read(h, "good")).get(5, SECONDS))
        .isInstanceOf(ClientResult.ReadValue.class);
    assertThat(fatal).isNotDone();
  }
}
