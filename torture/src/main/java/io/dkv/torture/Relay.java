package io.dkv.torture;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One proxied TCP connection: bytes from the {@code from} node's socket to the {@code to} node's
 * socket and back, each direction obeying the {@link LinkTable} for its own directed link.
 *
 * <p>Each direction is a reader and a writer thread (virtual) joined by a bounded FIFO of chunks.
 * The reader stamps every chunk with its due time (arrival plus the link's delay at arrival); the
 * writer waits for the due time and for the link not to be held, then writes. FIFO order keeps the
 * byte stream intact when the delay changes, a held link keeps its bytes (TCP would retransmit them
 * after a heal, so they are never thrown away) and the bounded queue pushes back on the sender the
 * way a full TCP window does. An end of stream is passed on as a half-close once the bytes before
 * it are written; any error closes both sockets.
 */
final class Relay implements AutoCloseable {
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int QUEUE_CHUNKS = 64;

  private record Chunk(byte[] bytes, long dueNanos) {
    boolean isEnd() {
      return bytes == null;
    }
  }

  final int from;
  final int to;
  private final Socket fromSocket;
  private final Socket toSocket;
  private final LinkTable links;
  private final Consumer<Relay> onClose;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger openDirections = new AtomicInteger(2);
  private final AtomicBoolean closed = new AtomicBoolean();

  Relay(Socket fromSocket, Socket toSocket, int from, int to, LinkTable links, Consumer<Relay> onClose) {
    this.fromSocket = fromSocket;
    this.toSocket = toSocket;
    this.from = from;
    this.to = to;
    this.links = links;
    this.onClose = onClose;
  }

  void start() throws IOException {
    pump(fromSocket, toSocket, from, to);
    pump(toSocket, fromSocket, to, from);
  }

  private void pump(Socket source, Socket sink, int sourceNode, int sinkNode) throws IOException {
    InputStream in = source.getInputStream();
    OutputStream out = sink.getOutputStream();
    BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    String name = "dkv-relay-" + sourceNode + "-" + sinkNode;
    startThread(name + "-read", () -> {
      byte[] buffer = new byte[CHUNK_BYTES];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(links.delayMillis(sourceNode, sinkNode));
        queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
      }
      queue.put(new Chunk(null, System.nanoTime()));
    });
    startThread(name + "-write", () -> {
      while (true) {
        Chunk chunk = queue.take();
        links.awaitDeliverable(sourceNode, sinkNode, chunk.dueNanos());
        if (chunk.isEnd()) {
          sink.shutdownOutput();
          if (openDirections.decrementAndGet() == 0) {
            close();
          }
          return;
        }
        out.write(chunk.bytes());
        out.flush();
      }
    });
  }

  private interface Body {
    void run() throws IOException, InterruptedException;
  }

  /** Starts a pump thread; an I/O error or an interrupt (from close) in it ends the whole relay. */
  private void startThread(String name, Body body) {
    Thread thread = Thread.ofVirtual().name(name).start(() -> {
      try {
        body.run();
      } catch (IOException | InterruptedException e) {
        close();
      }
    });
    threads.add(thread);
    if (closed.get()) {
      thread.interrupt(); // close() ran before this thread was listed, so it did not interrupt it
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(fromSocket);
    closeQuietly(toSocket);
    Thread self = Thread.currentThread();
    threads.stream().filter(t -> t != self).forEach(Thread::interrupt);
    onClose.accept(this);
  }

  static void closeQuietly(Closeable socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is best effort: the socket is being abandoned either way.
    }
  }
}
