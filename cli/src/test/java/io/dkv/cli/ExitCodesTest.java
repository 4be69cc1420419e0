package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.KeyNotFoundException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A failure that comes out of a future maps to the same exit code as the failure itself. */
class ExitCodesTest {
  @Test
  void failuresWrappedByFuturesMapLikeTheFailureInside() {
    assertThat(ExitCodes.of(new CompletionException(new KeyNotFoundException("key k does not exist"))))
        .isEqualTo(Main.NOT_FOUND_OR_CONDITION);
    assertThat(ExitCodes.of(new ExecutionException(new ConditionFailedException("taken", 4))))
        .isEqualTo(Main.NOT_FOUND_OR_CONDITION);
    assertThat(ExitCodes.of(new CompletionException(new ExecutionException(
        new InvalidRequestException("key too long"))))).isEqualTo(Main.USAGE);
    assertThat(ExitCodes.of(new CompletionException(new IllegalArgumentException("bad")))).isEqualTo(Main.USAGE);
    assertThat(ExitCodes.of(new CompletionException(new DkvTimeoutException("slow", null))))
        .isEqualTo(Main.UNAVAILABLE);
  }

  @Test
  void theMessageIsTheOneOfTheFailureInside() {
    assertThat(ExitCodes.message(new CompletionException(new KeyNotFoundException("key k does not exist"))))
        .isEqualTo("key k does not exist");
  }

  @Test
  void unwrappedFailuresKeepTheirCodes() {
    assertThat(ExitCodes.of(new KeyNotFoundException("absent"))).isEqualTo(Main.NOT_FOUND_OR_CONDITION);
    assertThat(ExitCodes.of(new IllegalArgumentException("bad"))).isEqualTo(Main.USAGE);
    assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(Main.UNAVAILABLE);
    assertThat(ExitCodes.of(new CompletionException(null))).isEqualTo(Main.UNAVAILABLE);
  }
}
