package io.dkv.torture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link Fault} on and off on a running cluster: network faults through the
 * {@link Network}, kills and pauses through the {@link ProcessNemesis}, clock skew by writing the
 * offset file each server watches ({@code dkv server --test-clock-offset-file}), joins and
 * removals through {@link MembershipChanges} (issued at the window's start, awaited at its end).
 */
final class FaultInjector {
  private final Network network;
  private final ProcessNemesis processes;
  private final MembershipChanges membership;
  private final List<Path> clockOffsetFiles;
  /**
   * Guarded by this: nodes killed or paused by a fault that has not ended yet. Not derived from the
   * processes' state: a node that died on its own must stay dead at healing, so the liveness check
   * sees it, rather than be restarted as if the nemesis had killed it.
   */
  private final Set<Integer> killed = new HashSet<>();
  private final Set<Integer> paused = new HashSet<>();

  FaultInjector(Network network, ProcessNemesis processes, MembershipChanges membership, List<Path> clockOffsetFiles) {
    this.network = network;
    this.processes = processes;
    this.membership = membership;
    this.clockOffsetFiles = List.copyOf(clockOffsetFiles);
  }

  synchronized void begin(FaultWindow window) throws InterruptedException {
    switch (window.fault()) {
      case Fault.Split s -> network.partition(s.groups().stream().map(Set::copyOf).toList());
      case Fault.Isolate i -> network.isolate(i.node());
      case Fault.DropOneWay d -> network.dropOneWay(d.from(), d.to());
      case Fault.Kill k -> {
        processes.kill9(k.node());
        killed.add(k.node());
      }
      case Fault.Pause p -> {
        processes.pause(p.node());
        paused.add(p.node());
      }
      case Fault.Delay d -> delayLinksOf(d.node(), d.millis());
      case Fault.Skew s -> writeOffset(s.node(), s.offsetMillis());
      case Fault.Join j -> membership.join(window);
      case Fault.Remove r -> membership.remove(window);
    }
  }

  /**
   * Undoes the window's fault. A membership change is not undone: the schedule waits here until it
   * has finished ({@link MembershipChanges#awaitEnded}), as an operator waits for a join before the
   * next change.
   */
  synchronized void end(FaultWindow window) throws InterruptedException {
    switch (window.fault()) {
      case Fault.Split s -> network.heal();
      case Fault.Isolate i -> network.heal();
      case Fault.DropOneWay d -> network.heal();
      case Fault.Kill k -> restart(k.node());
      case Fault.Pause p -> resume(p.node());
      case Fault.Delay d -> delayLinksOf(d.node(), 0);
      case Fault.Skew s -> writeOffset(s.node(), 0);
      case Fault.Join j -> membership.awaitEnded(window);
      case Fault.Remove r -> membership.awaitEnded(window);
    }
  }

  /** Ends every fault: the network heals, paused nodes resume, killed ones restart, clocks are true. */
  synchronized void healAll() {
    network.heal();
    for (int node : List.copyOf(paused)) {
      resume(node);
    }
    for (int node : List.copyOf(killed)) {
      restart(node);
    }
    for (int node = 0; node < clockOffsetFiles.size(); node++) {
      writeOffset(node, 0);
    }
  }

  private void restart(int node) {
    processes.restart(node);
    killed.remove(node);
  }

  private void resume(int node) {
    processes.resume(node);
    paused.remove(node);
  }

  private void delayLinksOf(int node, long millis) {
    for (int other = 0; other < network.nodeCount(); other++) {
      if (other != node) {
        network.delay(node, other, millis);
        network.delay(other, node, millis);
      }
    }
  }

  private void writeOffset(int node, long offsetMillis) {
    try {
      Files.writeString(clockOffsetFiles.get(node), Long.toString(offsetMillis));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the clock offset of " + NodeIds.of(node), e);
    }
  }
}
