package io.dkv.torture;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A program that builds a namespace network with a running process and exits without closing
 * either, as a test runner killed by Ctrl-C or an early {@code System.exit} would. It prints the
 * hub namespace and the pid so that a test can check the shutdown hooks removed them.
 */
final class AbandonedHarness {
  private AbandonedHarness() {}

  public static void main(String[] args) {
    NamespaceNetwork network = NamespaceNetwork.create(1);
    ProcessNemesis nemesis = new ProcessNemesis(network, Path.of(args[0]));
    nemesis.start(0, EchoAgent.command(network.listenAddress(0)), EchoAgent.READY, Duration.ofSeconds(30));
    System.out.println(network.hubNamespace() + " " + network.namespace(0) + " " + network.rootVeth() + " "
        + nemesis.pid(0));
    System.exit(0);
  }
}
