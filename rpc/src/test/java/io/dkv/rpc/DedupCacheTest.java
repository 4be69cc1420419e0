package io.dkv.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DedupCacheTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final DedupCache cache = new DedupCache(3, TimeUnit.SECONDS.toNanos(10), now::get);

  @Test
  void secondRegistrationReturnsTheFirstFuture() {
    CompletableFuture<byte[]> a = new CompletableFuture<>();
    assertThat(cache.putIfAbsent(1, 7, a)).isNull();
    assertThat(cache.putIfAbsent(1, 7, new CompletableFuture<>())).isSameAs(a);
    // The same request id under another procedure is another request.
    assertThat(cache.putIfAbsent(2, 7, new CompletableFuture<>())).isNull();
  }

  @Test
  void oldestEntriesGoWhenFull() {
    for (long id = 1; id <= 4; id++) {
      cache.putIfAbsent(1, id, new CompletableFuture<>());
    }
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.putIfAbsent(1, 1, new CompletableFuture<>())).isNull(); // evicted
    assertThat(cache.putIfAbsent(1, 4, new CompletableFuture<>())).isNotNull();
  }

  @Test
  void entriesExpireByAge() {
    cache.putIfAbsent(1, 1, new CompletableFuture<>());
    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    cache.putIfAbsent(1, 2, new CompletableFuture<>());
    now.addAndGet(TimeUnit.SECONDS.toNanos(6)); // 11 s after the first, 6 s after the second

    assertThat(cache.putIfAbsent(1, 1, new CompletableFuture<>())).isNull();
    assertThat(cache.putIfAbsent(1, 2, new CompletableFuture<>())).isNotNull();
  }

  @Test
  void removeOnlyRemovesTheSameFuture() {
    CompletableFuture<byte[]> a = new CompletableFuture<>();
    cache.putIfAbsent(1, 1, a);
    cache.remove(1, 1, new CompletableFuture<>());
    assertThat(cache.size()).isEqualTo(1);
    cache.remove(1, 1, a);
    assertThat(cache.size()).isZero();
  }
}
