package io.dkv.torture;

import java.util.List;

/** {@link RepairStep.Kind#SCHEDULED}: the run triggers nothing and watches. */
final class ScheduledRepair implements RepairStep {
  @Override
  public void repair(List<String> keys) {
    // The cluster repairs on its own schedule; the run only watches.
  }

  @Override
  public String describe() {
    return "scheduled: the run triggered no repair and waited for the cluster's own";
  }

  @Override
  public void close() {
    // Nothing to release.
  }
}
