package io.dkv.torture;

import io.dkv.client.DkvClient;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How an eventual run brings replicas that missed writes up to date once the faults are healed:
 * the one place a repair mechanism plugs in. {@link Convergence} calls {@link #repair} with the
 * keys whose replicas still disagree, then polls them, and again, until they agree or the limit
 * passes; the report names the mechanism, so a measured convergence time says what it measured.
 * Called on one thread; {@link #repair} may block for up to a request timeout per key.
 */
public interface RepairStep extends AutoCloseable {

  /** Brings the replicas of {@code keys} together, or starts to; failures are left to the next round. */
  void repair(List<String> keys);

  /** What was done, for the report: the mechanism and what it cost. */
  String describe();

  @Override
  void close();

  /** The mechanisms a run can use ({@code dkv torture --repair}). */
  enum Kind {
    /**
     * Triggers one: a read with R = all of each key that disagrees (through any node), whose read
     * repair sends the newest value to every stale replica in the background (docs/eventual.md §5).
     */
    READ_REPAIR,
    /**
     * Triggers one: every node repairs now (anti-entropy, {@code REPAIR} as {@code dkv repair}
     * sends it, docs/eventual.md §10).
     */
    ANTI_ENTROPY,
    /** Triggers nothing: waits for a repair the cluster schedules by itself. */
    SCHEDULED;

    /**
     * @param client reaches every node of the run, in the run's namespace
     * @param nodes  every node's client address
     */
    RepairStep create(Supplier<DkvClient> client, List<InetSocketAddress> nodes) {
      return switch (this) {
        case READ_REPAIR -> new ReadRepair(client.get());
        case ANTI_ENTROPY -> new AntiEntropyRepair(client.get(), nodes);
        case SCHEDULED -> new ScheduledRepair();
      };
    }

    /** The command-line name: {@code read-repair}, {@code anti-entropy}, {@code scheduled}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind parse(String text) {
      return Arrays.stream(values()).filter(k -> k.text().equals(text)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("unknown repair step '" + text + "': allowed " + names()));
    }

    static String names() {
      return Arrays.stream(values()).map(Kind::text).collect(Collectors.joining(", "));
    }
  }
}
