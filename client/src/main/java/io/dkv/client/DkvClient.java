package io.dkv.client;

import io.dkv.client.internal.Failures;
import io.dkv.client.internal.Failures.WriteOutcome;
import io.dkv.client.internal.IterativeRouter;
import io.dkv.client.internal.RecursiveRouter;
import io.dkv.client.internal.RetryingCaller;
import io.dkv.client.internal.Router;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ClientMessage.StatusRequest;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The dkv Java client. Thread-safe; create one per application and close it when done.
 *
 * <pre>{@code
 * try (DkvClient dkv = DkvClient.builder().endpoints("127.0.0.1:7401,127.0.0.1:7402").build()) {
 *   long v = dkv.put("greeting", "hello");
 *   dkv.get("greeting").ifPresent(x -> System.out.println(x.valueAsString()));
 * }
 * }</pre>
 *
 * <p>Every call has a synchronous and a {@code CompletableFuture} form. Retryable failures (a lock
 * conflict with a concurrent writer, a timeout, an unreachable node, a stale partition map) are
 * retried with backoff under the same request id until the request timeout, so a write is applied
 * at most once. Each attempt waits at most the attempt timeout, so a node that hangs costs one
 * attempt and the next goes to another node. What is left surfaces as a {@link DkvException}
 * subclass; for a write its message says whether the write may have been applied.
 */
public final class DkvClient implements AutoCloseable {
  private final String namespace;
  private final RpcClient rpc;
  private final Router router;
  private final RetryingCaller caller;
  private final DirectoryCalls directory;
  private final Duration timeout;
  private final List<InetSocketAddress> endpoints;

  private DkvClient(Builder b, Duration attemptTimeout) {
    this.namespace = b.namespace;
    this.timeout = b.timeout;
    this.endpoints = List.copyOf(b.endpoints);
    this.rpc = RpcClient.builder().build();
    this.router = b.routing == Routing.ITERATIVE
        ? new IterativeRouter(rpc, endpoints, attemptTimeout)
        : new RecursiveRouter(endpoints);
    this.caller = new RetryingCaller(rpc, router, b.timeout, attemptTimeout);
    this.directory = new DirectoryCalls(rpc, endpoints, b.timeout, attemptTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The nodes this client starts from, in the order given to the builder. */
  public List<InetSocketAddress> endpoints() {
    return endpoints;
  }

  // ---- async API -------------------------------------------------------------------------------

  /**
   * The key's value and version, or empty when the key is absent. Linearizable in a strong
   * namespace; in an eventual one, the newest of the namespace's R replies (a deleted key is
   * absent), and its version is the write's hybrid-clock time (docs/eventual.md).
   */
  public CompletableFuture<Optional<Versioned>> getAsync(byte[] key) {
    return read(key, null);
  }

  /**
   * {@link #getAsync(byte[])} in an eventual namespace, waiting for {@code readQuorum} replies
   * instead of the namespace's R ({@link QuorumLevel#ONE}, {@link QuorumLevel#QUORUM},
   * {@link QuorumLevel#ALL} or {@link QuorumLevel#of}). A strong namespace refuses it with
   * {@link InvalidRequestException}; see {@link #quorumWarningAsync} for the R + W <= N warning.
   */
  public CompletableFuture<Optional<Versioned>> getAsync(byte[] key, QuorumLevel readQuorum) {
    return read(key, Objects.requireNonNull(readQuorum, "readQuorum"));
  }

  private CompletableFuture<Optional<Versioned>> read(byte[] key, QuorumLevel readQuorum) {
    Bytes k = Bytes.copyOf(key);
    boolean direct = router.direct();
    Procedure procedure = readQuorum == null ? Procedure.GET : Procedure.GET_WITH_QUORUM;
    return caller.call(procedure, namespace, k, false, epoch -> {
          GetRequest get = new GetRequest(namespace, k, direct, epoch);
          return MessageCodec.encode(readQuorum == null ? get : new QuorumGetRequest(get, readQuorum));
        })
        .thenApply(body -> {
          GetResponse r = (GetResponse) MessageCodec.decodeResponse(procedure, body);
          return r.found() ? Optional.of(new Versioned(r.value().unsafeArray(), r.version()))
                           : Optional.<Versioned>empty();
        })
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            Failures.toDkvException(e, k, WriteOutcome.NOT_A_WRITE)));
  }

  /** Writes the value, replacing any; returns the key's new version. */
  public CompletableFuture<Long> putAsync(byte[] key, byte[] value) {
    return write(key, new Mutation.Put(Bytes.copyOf(value)), null);
  }

  /**
   * {@link #putAsync(byte[], byte[])} in an eventual namespace, acknowledged after
   * {@code writeQuorum} replicas instead of the namespace's W. A strong namespace refuses it.
   */
  public CompletableFuture<Long> putAsync(byte[] key, byte[] value, QuorumLevel writeQuorum) {
    return write(key, new Mutation.Put(Bytes.copyOf(value)), Objects.requireNonNull(writeQuorum, "writeQuorum"));
  }

  /**
   * The seed's PUT: stores the value if the key is absent or already holds this same value;
   * otherwise fails with {@link ConditionFailedException}. Returns the key's new version.
   */
  public CompletableFuture<Long> putIfAbsentAsync(byte[] key, byte[] value) {
    return write(key, new Mutation.PutIfAbsent(Bytes.copyOf(value)), null);
  }

  /**
   * Deletes the key; returns the new version. In a strong namespace it fails with
   * {@link KeyNotFoundException} when the key is absent; in an eventual one it always writes a
   * tombstone and succeeds.
   */
  public CompletableFuture<Long> deleteAsync(byte[] key) {
    return write(key, new Mutation.Delete(), null);
  }

  /** {@link #deleteAsync(byte[])} in an eventual namespace with its own write quorum. */
  public CompletableFuture<Long> deleteAsync(byte[] key, QuorumLevel writeQuorum) {
    return write(key, new Mutation.Delete(), Objects.requireNonNull(writeQuorum, "writeQuorum"));
  }

  /**
   * The warning to show when reads of this client's namespace with these quorums may miss the
   * latest acknowledged write (R + W <= N), or empty: a strong namespace, or R + W > N. Null for
   * {@code writeQuorum} or {@code readQuorum} means the namespace's own. This is how the client
   * warns: it never logs; call it (one directory look-up) where a user chooses the levels, as
   * {@code dkv put/get/del --w/--r} do.
   */
  public CompletableFuture<Optional<String>> quorumWarningAsync(QuorumLevel writeQuorum, QuorumLevel readQuorum) {
    return clusterStatusAsync().thenApply(status -> status.namespace(namespace)
        .map(ns -> new NamespaceSettings(ns.name(), ns.mode(), ns.n(),
            writeQuorum == null ? ns.w() : writeQuorum.resolve(ns.n()),
            readQuorum == null ? ns.r() : readQuorum.resolve(ns.n())))
        .flatMap(NamespaceSettings::overlapWarning));
  }

  /**
   * Writes the value only if the key's version is {@code expectedVersion} (0: the key must be
   * absent); otherwise fails with {@link ConditionFailedException}. Returns the new version.
   */
  public CompletableFuture<Long> compareAndSetAsync(byte[] key, long expectedVersion, byte[] value) {
    return write(key, new Mutation.CompareAndSet(expectedVersion, Bytes.copyOf(value)), null);
  }

  /** Asks one node how it is doing; one attempt, for at most the request timeout. */
  public CompletableFuture<StatusResponse> statusAsync(InetSocketAddress node) {
    return rpc.call(node, Procedure.STATUS.id(), MessageCodec.encode(new StatusRequest()), timeout)
        .thenApply(b -> (StatusResponse) MessageCodec.decodeResponse(Procedure.STATUS, b))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            Failures.toDkvException(e, null, WriteOutcome.NOT_A_WRITE)));
  }

  /**
   * Asks one node to repair the eventual namespaces' partitions it replicates with their other
   * replicas (anti-entropy, docs/eventual.md §10): {@code namespace}, or every eventual namespace
   * when it is empty. One attempt; the node answers when its sessions are done, or when
   * {@code timeout} is near (its answer then lists the sessions it did not start).
   */
  public CompletableFuture<RepairResponse> repairAsync(InetSocketAddress node, String namespace, Duration timeout) {
    return rpc.call(node, Procedure.REPAIR.id(), MessageCodec.encode(new RepairRequest(namespace)), timeout)
        .thenApply(b -> (RepairResponse) MessageCodec.decodeResponse(Procedure.REPAIR, b))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            Failures.toDkvException(e, null, WriteOutcome.NOT_A_WRITE)));
  }

  /**
   * The cluster's directory (members, placement settings, namespaces) as one node knows it. Goes
   * to any endpoint, whatever the routing, and is retried and failed over like a read.
   */
  public CompletableFuture<ClusterStatus> clusterStatusAsync() {
    return directory.clusterStatus();
  }

  /**
   * Where the partition moves stand (a join or a drain in progress), as one node knows the
   * directory. Sent like {@link #clusterStatusAsync}. A node older than this call fails it with a
   * {@link DkvException} whose message says the procedure is unknown there.
   */
  public CompletableFuture<MoveStatus> moveStatusAsync() {
    return directory.moveStatus();
  }

  /**
   * Creates a namespace; returns the directory epoch at which it was created. Goes to any
   * endpoint. It is not idempotent, so it is retried like a write: every retry carries the first
   * attempt's request id, and if the attempts end without an answer the failure says the
   * outcome is unknown. A refusal by the directory (the name is taken or invalid, N, W or R not
   * allowed) fails with {@link InvalidRequestException} carrying the directory's reason; after an
   * attempt whose outcome is unknown, "exists" may mean that attempt created it.
   */
  public CompletableFuture<Long> createNamespaceAsync(NamespaceSettings settings) {
    return directory.createNamespace(settings);
  }

  /**
   * Drops a namespace; returns the directory epoch at which it was dropped. Sent and
   * retried like {@link #createNamespaceAsync}; an unknown name or {@code default} fails with
   * {@link InvalidRequestException}.
   */
  public CompletableFuture<Long> dropNamespaceAsync(String name) {
    return directory.dropNamespace(name);
  }

  /**
   * Starts removing a node from the cluster; returns the directory epoch at which it became
   * leaving. Its partitions then move to other nodes, and the directory removes it once it holds
   * none ({@code docs/directory.md}). Sent and retried like {@link #createNamespaceAsync}; a node
   * the directory cannot remove (unknown, already leaving or removed, a directory voter) fails
   * with {@link InvalidRequestException} and the reason.
   */
  public CompletableFuture<Long> removeNodeAsync(String nodeId) {
    return directory.removeNode(nodeId);
  }

  /** @param writeQuorum the request's own W, or null for the namespace's */
  private CompletableFuture<Long> write(byte[] key, Mutation mutation, QuorumLevel writeQuorum) {
    Bytes k = Bytes.copyOf(key);
    Procedure procedure = writeQuorum == null ? Procedure.forWrite(mutation) : Procedure.forQuorumWrite(mutation);
    return caller.call(procedure, namespace, k, true, epoch -> {
          WriteRequest write = new WriteRequest(namespace, k, mutation, epoch);
          return MessageCodec.encode(writeQuorum == null ? write : new QuorumWriteRequest(write, writeQuorum));
        })
        .thenApply(body -> {
          WriteResponse r = (WriteResponse) MessageCodec.decodeResponse(procedure, body);
          return switch (r.status()) {
            case OK -> r.version();
            case CONDITION_FAILED -> throw new ConditionFailedException(describe(mutation, k, r.version()),
                r.version());
            case NOT_FOUND -> throw new KeyNotFoundException("key " + k + " does not exist");
          };
        })
        // The caller's failures are DkvExceptions already; anything else came after a reply.
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(
            Failures.toDkvException(e, k, WriteOutcome.UNKNOWN)));
  }

  private static String describe(Mutation m, Bytes key, long current) {
    return switch (m) {
      case Mutation.CompareAndSet c -> "key " + key + " is at version " + current + ", not "
          + c.expectedVersion() + (current == 0 ? " (absent)" : "");
      default -> "key " + key + " already holds a different value (version " + current + ")";
    };
  }

  // ---- sync API --------------------------------------------------------------------------------

  public Optional<Versioned> get(byte[] key) {
    return await(getAsync(key));
  }

  public Optional<Versioned> get(String key) {
    return get(utf8(key));
  }

  public Optional<Versioned> get(byte[] key, QuorumLevel readQuorum) {
    return await(getAsync(key, readQuorum));
  }

  public Optional<Versioned> get(String key, QuorumLevel readQuorum) {
    return get(utf8(key), readQuorum);
  }

  public long put(byte[] key, byte[] value) {
    return await(putAsync(key, value));
  }

  public long put(String key, String value) {
    return put(utf8(key), utf8(value));
  }

  public long put(byte[] key, byte[] value, QuorumLevel writeQuorum) {
    return await(putAsync(key, value, writeQuorum));
  }

  public long put(String key, String value, QuorumLevel writeQuorum) {
    return put(utf8(key), utf8(value), writeQuorum);
  }

  public long putIfAbsent(byte[] key, byte[] value) {
    return await(putIfAbsentAsync(key, value));
  }

  public long putIfAbsent(String key, String value) {
    return putIfAbsent(utf8(key), utf8(value));
  }

  public long delete(byte[] key) {
    return await(deleteAsync(key));
  }

  public long delete(String key) {
    return delete(utf8(key));
  }

  public long delete(String key, QuorumLevel writeQuorum) {
    return await(deleteAsync(utf8(key), writeQuorum));
  }

  public Optional<String> quorumWarning(QuorumLevel writeQuorum, QuorumLevel readQuorum) {
    return await(quorumWarningAsync(writeQuorum, readQuorum));
  }

  public long compareAndSet(byte[] key, long expectedVersion, byte[] value) {
    return await(compareAndSetAsync(key, expectedVersion, value));
  }

  public long compareAndSet(String key, long expectedVersion, String value) {
    return compareAndSet(utf8(key), expectedVersion, utf8(value));
  }

  public StatusResponse status(InetSocketAddress node) {
    return await(statusAsync(node));
  }

  public ClusterStatus clusterStatus() {
    return await(clusterStatusAsync());
  }

  public MoveStatus moveStatus() {
    return await(moveStatusAsync());
  }

  public long createNamespace(NamespaceSettings settings) {
    return await(createNamespaceAsync(settings));
  }

  public long dropNamespace(String name) {
    return await(dropNamespaceAsync(name));
  }

  public long removeNode(String nodeId) {
    return await(removeNodeAsync(nodeId));
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DkvException("interrupted while waiting for the cluster", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DkvException d) {
        throw d;
      }
      throw new DkvException("request failed: " + e.getCause(), e.getCause());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    rpc.close();
  }

  /** Configures a {@link DkvClient}. */
  public static final class Builder {
    private static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private Routing routing = Routing.RECURSIVE;
    private String namespace = "default";
    private Duration timeout = Duration.ofSeconds(10);
    /** Null until set: then the default, capped at the request timeout. */
    private Duration attemptTimeout;

    private Builder() {}

    /** Comma-separated {@code HOST:PORT} list of nodes to start from. */
    public Builder endpoints(String hostPorts) {
      for (String part : hostPorts.split(",")) {
        String s = part.trim();
        if (s.isEmpty()) {
          continue;
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("endpoint '" + s + "' is not HOST:PORT (example: 127.0.0.1:7401)");
        }
        try {
          endpoint(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))));
        } catch (IllegalArgumentException e) { // NumberFormatException too
          throw new IllegalArgumentException("endpoint '" + s + "' has no valid port (0..65535)", e);
        }
      }
      return this;
    }

    public Builder endpoint(InetSocketAddress address) {
      endpoints.add(address);
      return this;
    }

    public Builder routing(Routing routing) {
      this.routing = routing;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** How long one call may take, retries included (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      requirePositive("request", timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * How long one attempt may wait for its node before the call moves on to another (default
     * 1 s, or the request timeout if that is shorter). Must not exceed the request timeout.
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      requirePositive("attempt", attemptTimeout);
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    public DkvClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException("no endpoints: give at least one dkv node as "
            + "HOST:PORT[,HOST:PORT...] (example: 127.0.0.1:7401)");
      }
      if (attemptTimeout != null && attemptTimeout.compareTo(timeout) > 0) {
        throw new IllegalArgumentException("attempt timeout " + attemptTimeout
            + " must not exceed the request timeout " + timeout);
      }
      Duration attempt = attemptTimeout != null ? attemptTimeout
          : DEFAULT_ATTEMPT_TIMEOUT.compareTo(timeout) < 0 ? DEFAULT_ATTEMPT_TIMEOUT : timeout;
      return new DkvClient(this, attempt);
    }

    private static void requirePositive(String what, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " timeout must be positive, got " + d);
      }
    }
  }
}
