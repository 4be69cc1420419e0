package io.dkv.rpc;

import io.dkv.protocol.Frame;
import io.dkv.protocol.FrameCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A plain blocking socket for feeding a server exact bytes, the way a broken peer would. */
final class RawSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawSocket(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    // A safety net so a broken server fails the test instead of hanging it.
    socket.setSoTimeout(10_000);
    socket.connect(address, 5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes one byte per write call: many tiny TCP segments. */
  void writeByteByByte(byte[] bytes) throws IOException {
    for (byte b : bytes) {
      out.write(b);
      out.flush();
    }
  }

  Frame readFrame() throws IOException {
    int length = in.readInt();
    byte[] rest = new byte[length];
    in.readFully(rest);
    return FrameCodec.decode(rest);
  }

  /** True when the server closed the connection (after anything it sent first). */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true; // a reset also means closed
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
