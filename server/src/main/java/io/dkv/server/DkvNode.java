package io.dkv.server;

import io.dkv.core.directory.Namespace;
import io.dkv.core.eventual.EventualConfig;
import io.dkv.core.eventual.EventualNode;
import io.dkv.core.eventual.HintStats;
import io.dkv.core.eventual.QuorumCodec;
import io.dkv.core.eventual.QuorumMessage;
import io.dkv.core.eventual.RepairConfig;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.TwoPhaseConfig;
import io.dkv.core.twopc.TwoPhaseNode;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import io.dkv.server.storage.RocksDbOptions;
import io.dkv.server.storage.RocksDbStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dkv server: RocksDB storage, the two-phase-commit core and the eventual namespaces' core on
 * their loops, the RPC server for clients and peers, and the RPC client that reaches the other nodes.
 */
public final class DkvNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DkvNode.class);
  private static final byte[] NODE_ID_KEY = "server/node-id".getBytes(StandardCharsets.UTF_8);

  private final NodeConfig config;
  private final Storage storage;
  private final RpcClient peers;
  private final NodeDirectory directory;
  private final NamespaceReclaimer reclaimer;
  private final CoreLoop core;
  private final EventualLoop eventual;
  private final EventualRepairs repairs;
  private final CatchUp catchUp;
  private final RpcServer server;
  private final long startedMillis = System.currentTimeMillis();
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();

  private DkvNode(NodeConfig config, Storage storage, EventualConfig eventualConfig) throws Exception {
    this.config = config;
    this.storage = storage;
    try {
      claimDataDir();
      this.directory = NodeDirectory.start(config, config.join() == null
          ? NodeDirectory.founding(config)
          : ClusterJoin.join(config, ClusterJoin.JOIN_TIMEOUT_MILLIS, storage), storage);
      this.reclaimer = new NamespaceReclaimer(config.nodeId(), storage);
      reclaimer.resumePending();
      directory.onChange(reclaimer::onView);
      this.peers = RpcClient.builder().build();
      TwoPhaseNode twoPhase = new TwoPhaseNode(config.nodeId(), storage, TwoPhaseConfig.defaults());
      this.core = new CoreLoop(config.nodeId(), ProtocolCore.of(twoPhase), storage,
          this::sendToPeer, this::reportFailure);
      directory.onChange(view -> core.configure(view.partitionEpochs(config.nodeId())));
      core.readLeaseFrom(() -> directory.lease().isValid(System.nanoTime()));
      core.start().get();
      this.eventual = new EventualLoop(config.nodeId(), new EventualNode(config.nodeId(), storage,
          eventualConfig, firstReadId(), this::partitionOf, repairConfig(config)), storage,
          this::sendToPeer, this::reportFailure);
      directory.onChange(view -> eventual.dropHintsFor(HandoffPlan.removed(view.state())));
      this.repairs = new EventualRepairs(config.nodeId(), directory, eventual, config.repairIntervalMillis());
      ClientService clients = new ClientService(config, directory, core,
          new EventualService(config.nodeId(), eventual), peers, directory.lease());
      this.catchUp = new CatchUp(config.nodeId(), directory, core, eventual, peers);
      DirectoryService directoryCalls = new DirectoryService(directory, config.nodeId(), catchUp::counters);
      PartitionCopyService copies = new PartitionCopyService(config.nodeId(), directory, core);
      RpcServer.Builder b = RpcServer.builder()
          .listen(config.listen().host(), config.listen().port())
          .handle(Procedure.GET.id(), clients::get)
          .handle(Procedure.GET_WITH_QUORUM.id(), clients::getWithQuorum)
          .handle(Procedure.PARTITION_MAP.id(), (ctx, body) -> CompletableFuture.completedFuture(
              MessageCodec.encode(directory.current().toWire())))
          .handle(Procedure.STATUS.id(), (ctx, body) -> CompletableFuture.completedFuture(
              MessageCodec.encode(status(directory.current()))))
          .handle(Procedure.CLUSTER_STATUS.id(), directoryCalls::status)
          .handle(Procedure.COPY_PARTITION.id(), copies::copy)
          .handle(Procedure.COPY_EVENTUAL.id(), new EventualCopyService(config.nodeId(), directory, storage)::copy)
          .handle(Procedure.MOVE_STATUS.id(), directoryCalls::moveStatus)
          .handle(Procedure.REPAIR.id(), repairs::repair)
          .handleDeduplicated(Procedure.CREATE_NAMESPACE.id(), directoryCalls::createNamespace)
          .handleDeduplicated(Procedure.DROP_NAMESPACE.id(), directoryCalls::dropNamespace)
          .handleDeduplicated(Procedure.JOIN.id(), directoryCalls::join)
          .handleDeduplicated(Procedure.LEAVE.id(), directoryCalls::leave);
      for (Procedure p : new Procedure[] {Procedure.PUT, Procedure.PUT_IF_ABSENT, Procedure.DELETE,
          Procedure.COMPARE_AND_SET}) {
        b.handleDeduplicated(p.id(), (ctx, body) -> clients.write(p, ctx, body));
      }
      for (Procedure p : new Procedure[] {Procedure.PREPARE, Procedure.PREPARE_WRITES, Procedure.VOTE,
          Procedure.VOTE_ON_WRITE, Procedure.DECISION, Procedure.ACK, Procedure.STATUS_QUERY,
          Procedure.STATUS_REPLY, Procedure.FORGET}) {
        b.handleOneWay(p.id(), (ctx, body) -> deliverFromPeer(List.of(MessageCodec.decodePeer(p, body))));
      }
      for (Procedure p : new Procedure[] {Procedure.PUT_WITH_QUORUM, Procedure.DELETE_WITH_QUORUM}) {
        b.handleDeduplicated(p.id(), (ctx, body) -> clients.writeWithQuorum(p, ctx, body));
      }
      b.handleOneWay(Procedure.PEER_BATCH.id(), (ctx, body) -> deliverFromPeer(MessageCodec.decodeBatch(body)));
      for (Procedure p : Procedure.values()) {
        if (p.isQuorum()) {
          b.handleOneWay(p.id(), (ctx, body) -> deliverQuorumMessage(QuorumCodec.decode(p, body)));
        }
      }
      this.server = b.build().start();
      catchUp.start();
      repairs.start();
    } catch (Exception | Error e) {
      closeQuietly();
      throw e;
    }
    log.info("node {} serving on {} (data {}, directory epoch {}, {} members)", config.nodeId(),
        server.localAddress(), config.dataDir(), directory.current().state().epoch(),
        directory.current().wireMembers().size());
  }

  /** Opens the data directory, recovers and starts serving. */
  public static DkvNode start(NodeConfig config) throws Exception {
    return start(config, EventualConfig.defaults());
  }

  /** As {@link #start(NodeConfig)}, with the eventual core's timers and bounds of the caller's choosing. */
  static DkvNode start(NodeConfig config, EventualConfig eventualConfig) throws Exception {
    Files.createDirectories(config.dataDir());
    return new DkvNode(config, RocksDbStorage.open(config.dataDir().resolve("rocksdb"), RocksDbOptions.defaults()),
        eventualConfig);
  }

  /** Recovers from {@code storage}, which the node owns from now on (closes it), and serves. */
  static DkvNode start(NodeConfig config, Storage storage) throws Exception {
    return new DkvNode(config, storage, EventualConfig.defaults());
  }

  /** What this node's hint holder holds and has done (hinted handoff, docs/eventual.md §4.1). */
  HintStats hintStats() {
    return eventual.hintStats();
  }

  public InetSocketAddress address() {
    return server.localAddress();
  }

  /**
   * Completes when the node has failed (its disk, or a broken invariant) and must stop. It completes
   * on a thread of its own, never the core's or the sync stage's, so a listener may block or close
   * the node.
   */
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  /** A data directory belongs to the node that created it; starting another node on it is refused. */
  private void claimDataDir() throws IOException {
    byte[] owner = storage.get(ColumnFamily.META, NODE_ID_KEY);
    if (owner == null) {
      storage.write(new WriteBatch()
          .put(ColumnFamily.META, NODE_ID_KEY, config.nodeId().getBytes(StandardCharsets.UTF_8)));
      storage.sync();
    } else if (!new String(owner, StandardCharsets.UTF_8).equals(config.nodeId())) {
      throw new ConfigException("data directory " + config.dataDir() + " belongs to node '"
          + new String(owner, StandardCharsets.UTF_8) + "', not '" + config.nodeId()
          + "'; give each node its own --data directory");
    }
  }

  /**
   * Completes {@link #failure} on a new thread. The failing thread is the core's or the sync
   * stage's: a listener run there could block it, and one that closes the node would wait for
   * that very thread to end.
   */
  private void reportFailure(Throwable t) {
    Thread.ofPlatform().name("dkv-failure-" + config.nodeId()).start(() -> failure.complete(t));
  }

  /** One frame for a lone message, PEER_BATCH frames for several (the receiver's per-frame work). */
  private void sendToPeer(String to, List<PeerMessage> messages) {
    var address = directory.current().address(to);
    if (messages.size() == 1) {
      PeerMessage m = messages.get(0);
      peers.send(address, Procedure.of(m).id(), MessageCodec.encode(m));
      return;
    }
    for (int from = 0; from < messages.size(); from += MessageCodec.MAX_BATCH) {
      List<PeerMessage> chunk = messages.subList(from, Math.min(messages.size(), from + MessageCodec.MAX_BATCH));
      peers.send(address, Procedure.PEER_BATCH.id(), MessageCodec.encodeBatch(chunk));
    }
  }

  /** Hands peer messages to the core, all or none: a batch with a sender that is no member is refused whole. */
  private void deliverFromPeer(List<PeerMessage> messages) {
    Cluster cluster = directory.current();
    messages.forEach(m -> requireMember(cluster, m.from()));
    messages.forEach(core::deliver);
  }

  private void deliverQuorumMessage(QuorumMessage m) {
    requireMember(directory.current(), m.from());
    eventual.deliver(m);
  }

  private static void requireMember(Cluster cluster, String from) {
    if (!cluster.isMember(from)) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "peer message from '" + from
          + "', which is not a member of this cluster");
    }
  }

  /** The eventual core's placement: partitions are computed from the namespace's own name, as clients do. */
  private int partitionOf(String storageName, Bytes key) {
    return Partitioner.partitionOf(Namespace.nameOf(storageName), key, directory.current().map().partitionCount());
  }

  private static RepairConfig repairConfig(NodeConfig config) {
    RepairConfig d = RepairConfig.defaults();
    return new RepairConfig(config.tombstoneGraceMillis(), d.retryMillis(), d.maxAttempts(), d.maxKeysPerMessage(),
        d.maxTombstonesPerRound());
  }

  /** One frame per quorum message: they are not batched (PEER_BATCH carries 2PC messages only). */
  private void sendToPeer(String to, QuorumMessage m) {
    peers.send(directory.current().address(to), QuorumCodec.procedureOf(m).id(), QuorumCodec.encode(m));
  }

  /**
   * Where this process's eventual read ids start: a random point of the 63-bit space, so that a
   * reply to a read of this node's previous process (one-way messages outlive a restart) names no
   * read of this one.
   */
  private static long firstReadId() {
    return new SecureRandom().nextLong(1, Long.MAX_VALUE / 2);
  }

  private StatusResponse status(Cluster cluster) {
    var stats = core.stats();
    return new StatusResponse(config.nodeId(), cluster.map().epoch(),
        System.currentTimeMillis() - startedMillis, cluster.map().partitionsOf(config.nodeId()).size(),
        stats.activeTransactions(), stats.preparedKeys(), cluster.wireMembers());
  }

  @Override
  public void close() {
    closeQuietly();
    log.info("node {} stopped", config.nodeId());
  }

  private void closeQuietly() {
    for (AutoCloseable c : new AutoCloseable[] {repairs, catchUp, server, core, eventual, peers, directory,
        reclaimer, storage}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("while stopping node {}: {}", config.nodeId(), e.toString());
        }
      }
    }
  }
}
