package io.dkv.torture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One TCP connection that sends lines and reads line replies, each read with a deadline. */
final class LineClient implements AutoCloseable {
  private final Socket socket = new Socket();
  private final BufferedReader in;
  private final OutputStream out;

  LineClient(InetSocketAddress address, int connectTimeoutMillis) throws IOException {
    socket.setTcpNoDelay(true);
    socket.connect(address, connectTimeoutMillis);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** Connects, sends one line and returns the reply; throws if any step fails or takes too long. */
  static String ask(InetSocketAddress address, String line, int timeoutMillis) throws IOException {
    try (LineClient c = new LineClient(address, timeoutMillis)) {
      c.send(line);
      return c.readLine(timeoutMillis).orElseThrow(() -> new IOException("no reply within " + timeoutMillis + " ms"));
    }
  }

  /** Like {@link #ask} but empty when the connection or the reply fails. */
  static Optional<String> tryAsk(InetSocketAddress address, String line, int timeoutMillis) {
    try {
      return Optional.of(ask(address, line, timeoutMillis));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The next line, or empty when none arrives within the timeout; throws when the connection ended. */
  Optional<String> readLine(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed by the other end");
      }
      return Optional.of(line);
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
