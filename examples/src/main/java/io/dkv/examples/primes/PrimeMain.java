package io.dkv.examples.primes;

import io.dkv.rpc.RpcException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the example from the command line.
 *
 * <pre>
 * server [host] port                       serve until killed
 * client host port ith_prime i             print the i-th prime
 * client host port is_coprime x y          print true or false
 * </pre>
 */
public final class PrimeMain {
  private static final String USAGE = """
      usage: server [host] port
             client host port ith_prime i
             client host port is_coprime x y""";

  private PrimeMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      serve(args);
    } else {
      System.exit(runClient(args, System.out, System.err));
    }
  }

  private static void serve(String[] args) throws InterruptedException {
    if (args.length != 2 && args.length != 3) {
      System.err.println(USAGE);
      System.exit(2);
    }
    String host = args.length == 3 ? args[1] : "0.0.0.0";
    int port = Integer.parseInt(args[args.length - 1]);
    PrimeServer server = new PrimeServer(new SievePrimeService(), host, port).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    System.out.println("serving ith_prime and is_coprime on " + server.localAddress());
    stopped.await();
  }

  /** Client mode; returns the exit code (0 ok, 1 call failed, 2 bad usage). */
  static int runClient(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length < 5 || !args[0].equals("client")) {
        throw new IllegalArgumentException("expected a client command");
      }
      InetSocketAddress at = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
      try (PrimeClient client = new PrimeClient(at, Duration.ofSeconds(10))) {
        switch (args[3]) {
          case "ith_prime" -> {
            expect(args, 5);
            out.println(client.ithPrime(Long.parseLong(args[4])));
          }
          case "is_coprime" -> {
            expect(args, 6);
            out.println(client.isCoprime(Long.parseLong(args[4]), Long.parseLong(args[5])));
          }
          default -> throw new IllegalArgumentException("unknown procedure " + args[3]);
        }
      }
      return 0;
    } catch (RpcException e) {
      err.println("call failed: " + e.code() + ": " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static void expect(String[] args, int count) {
    if (args.length != count) {
      throw new IllegalArgumentException(args[3] + " takes " + (count - 4) + " argument(s)");
    }
  }
}
