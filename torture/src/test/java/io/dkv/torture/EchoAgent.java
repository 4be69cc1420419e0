package io.dkv.torture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small TCP line server that stands in for a node in fault tests, in this JVM or as its own
 * process ({@code java -cp <test classes> io.dkv.torture.EchoAgent HOST PORT}, which prints
 * {@value #READY} once it listens). Each line is answered with one line:
 * <ul>
 *   <li>{@code probe HOST PORT TIMEOUT_MS}: from this agent, connect to HOST:PORT, send
 *       {@code ping} and wait for it to come back; answers {@code ok <round trip micros>} or
 *       {@code failed <reason>}. This is how a test sends traffic from inside a node's namespace.
 *   <li>{@code udp-send HOST PORT TEXT}: sends one datagram; answers {@code sent}.
 *   <li>{@code udp-received}: the datagram texts received since the last ask, comma-separated,
 *       or {@code none}.
 *   <li>anything else: echoed back, and remembered in {@link #received()}.
 * </ul>
 * It also receives datagrams on the same address and port.
 */
final class EchoAgent implements AutoCloseable {
  static final String READY = "echo agent listening";

  private final ServerSocket server;
  private final DatagramSocket udp;
  private final Queue<String> received = new ConcurrentLinkedQueue<>();
  private final Queue<String> datagrams = new ConcurrentLinkedQueue<>();

  EchoAgent(InetSocketAddress address) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(address);
    udp = new DatagramSocket(address);
    Thread.ofVirtual().start(this::acceptLoop);
    Thread.ofVirtual().start(this::receiveDatagrams);
  }

  public static void main(String[] args) throws Exception {
    try (EchoAgent agent = new EchoAgent(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])))) {
      System.out.println(READY + " on " + agent.server.getLocalSocketAddress());
      System.out.flush();
      Thread.currentThread().join(); // serve until killed
    }
  }

  /** The plain lines (not commands) this agent has received and echoed, in order. */
  List<String> received() {
    return new ArrayList<>(received);
  }

  /** The command that runs this agent as its own process on {@code address}. */
  static List<String> command(InetSocketAddress address) {
    try {
      Path classes = Path.of(EchoAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
          "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), EchoAgent.class.getName(),
          address.getAddress().getHostAddress(), Integer.toString(address.getPort()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> serve(s));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void serve(Socket socket) {
    try (socket;
         BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(answer(line));
      }
    } catch (IOException e) {
      // the peer went away or the connection was cut: nothing to answer
    }
  }

  private String answer(String line) throws IOException {
    String[] words = line.split(" ", 4);
    switch (words[0]) {
      case "probe" -> {
        return probe(new InetSocketAddress(words[1], Integer.parseInt(words[2])), Integer.parseInt(words[3]));
      }
      case "udp-send" -> {
        byte[] text = words[3].getBytes(StandardCharsets.UTF_8);
        udp.send(new DatagramPacket(text, text.length, new InetSocketAddress(words[1], Integer.parseInt(words[2]))));
        return "sent";
      }
      case "udp-received" -> {
        List<String> texts = new ArrayList<>();
        for (String t; (t = datagrams.poll()) != null; ) {
          texts.add(t);
        }
        return texts.isEmpty() ? "none" : String.join(",", texts);
      }
      default -> {
        received.add(line);
        return line;
      }
    }
  }

  private static String probe(InetSocketAddress target, int timeoutMillis) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(target, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (!"ping".equals(reply)) {
        return "failed reply " + reply;
      }
      return "ok " + (System.nanoTime() - start) / 1_000;
    } catch (IOException e) {
      return "failed " + e;
    }
  }

  private void receiveDatagrams() {
    byte[] buffer = new byte[1500];
    try {
      while (true) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        udp.receive(p);
        datagrams.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // closed
    }
  }

  @Override
  public void close() {
    udp.close();
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
