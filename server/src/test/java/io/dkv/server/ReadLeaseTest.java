package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadLeaseTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void validOnlyWithinTheLeaseOfTheNewestAcknowledgedSendTime() {
    ReadLease lease = new ReadLease(3_000);
    assertThat(lease.isValid(0)).isFalse();
    assertThat(lease.whyInvalid(0)).contains("no heartbeat of this node has been acknowledged");
    lease.renew(1_000 * MS);
    assertThat(lease.isValid(3_999 * MS)).isTrue();
    assertThat(lease.isValid(4_000 * MS)).isFalse();
    assertThat(lease.whyInvalid(4_000 * MS)).contains("sent 3000 ms ago");
    lease.renew(500 * MS); // an older heartbeat answered late extends nothing
    assertThat(lease.isValid(3_999 * MS)).isTrue();
    assertThat(lease.isValid(4_000 * MS)).isFalse();
    lease.renew(2_000 * MS);
    assertThat(lease.isValid(4_999 * MS)).isTrue();
  }

  @Test
  void sendTimesAreComparedAcrossTheNanoTimeWrap() {
    ReadLease lease = new ReadLease(3_000);
    long nearWrap = Long.MAX_VALUE - 1_000 * MS;
    lease.renew(nearWrap);
    long afterWrap = nearWrap + 2_000 * MS; // overflows to a negative value
    assertThat(lease.isValid(afterWrap)).isTrue();
    lease.renew(afterWrap);
    assertThat(lease.isValid(afterWrap + 2_999 * MS)).isTrue();
  }
}
