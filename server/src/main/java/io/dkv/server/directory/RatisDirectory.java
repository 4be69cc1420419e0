package io.dkv.server.directory;

import io.dkv.core.directory.CommandCodec;
import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Heartbeat;
import io.dkv.core.directory.StateCodec;
import io.dkv.server.MemberAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Directory} on Apache Ratis (Raft). A voter runs a {@link RaftServer} whose state
 * machine is {@link DirectoryStateMachine}, with its log and snapshots under
 * {@link DirectoryConfig#storageDir()}. Every node, voter or not, submits through a
 * {@link RaftClient} that may reach any voter: a follower answers "not leader, try X" and the
 * client retries there, so commands always go through the leader.
 *
 * <p>A non-voter does not run Raft. It fetches the state from the leader every
 * {@link DirectoryConfig#pollMillis()} with a read-only query that returns nothing unless the
 * state is newer than the one it has. Ratis listeners (non-voting members that receive the log)
 * were the alternative; they are part of the Raft configuration, so every node joining or
 * leaving would also be a Raft membership change and every node would keep a log. A fetch costs
 * one small request per period, and a node also refreshes early when a peer says its epoch is
 * stale.
 */
public final class RatisDirectory implements Directory {
  private static final Logger log = LoggerFactory.getLogger(RatisDirectory.class);
  /** One Raft group per cluster; its id is fixed so that every node names the same group. */
  static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
      UUID.nameUUIDFromBytes("dkv-directory".getBytes(StandardCharsets.UTF_8)));
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
  private static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(1, TimeUnit.SECONDS);
  private static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(2, TimeUnit.SECONDS);

  private final DirectoryConfig config;
  private final List<Consumer<DirectoryState>> listeners = new CopyOnWriteArrayList<>();
  private final RaftServer server; // null on a non-voter
  private final RaftClient client;
  /**
   * Heartbeats only, apart from {@link #client}: its async requests are delivered in order, so a
   * heartbeat retried for as long as a submit would hold back the fresher ones behind it, and the
   * submits, while the directory has no leader.
   */
  private final HeartbeatClient heartbeats;
  private final RaftProperties properties;
  private final RaftGroup group;
  /** On a voter: the failover driver's client for the term it was made in (guarded by this). */
  private RaftClient leaderClient;
  private long leaderClientTerm;
  private boolean closed; // guarded by this
  private final ScheduledExecutorService poller; // null on a voter
  /** On a voter: runs the failure detector while this voter leads. Null on a non-voter. */
  private final ScheduledExecutorService failover;
  private volatile DirectoryState current;
  /** On a non-voter: the voter that answered the last fetch (the leader answers reads). */
  private volatile String fetchedFrom;

  private RatisDirectory(DirectoryConfig config, RaftProperties properties) throws IOException {
    this.config = config;
    this.current = DirectoryState.initial(config.partitionCount(), config.replicationFactor());
    RaftGroup group = RaftGroup.valueOf(GROUP_ID, config.voters().stream()
        .map(RatisDirectory::peer).toList());
    this.properties = properties;
    this.group = group;
    this.client = client(properties, group, config.submitTimeoutMillis());
    this.heartbeats = new HeartbeatClient(this::newHeartbeatClient, this::leaderHint,
        group.getPeers().stream().map(RaftPeer::getId).toList(),
        config.failureDetection().heartbeatMillis() * 4);
    if (config.isVoter()) {
      this.poller = null;
      Liveness liveness = new Liveness(System.nanoTime());
      DirectoryStateMachine stateMachine = new DirectoryStateMachine(current, this::publish, liveness);
      this.server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(config.nodeId()))
          .setGroup(group)
          .setStateMachine(stateMachine)
          .setProperties(properties)
          .setOption(startupOption(config))
          .build();
      this.failover = daemonScheduler("dkv-directory-failover-" + config.nodeId());
      FailoverDriver driver = new FailoverDriver(new FailureDetector(config.failureDetection(), config.nodeId()),
          liveness, stateMachine::state, this::leading, this::submitAsLeader,
          config.maxMovesPerNode());
      failover.scheduleWithFixedDelay(() -> tickSafely(driver),
          config.failureDetection().heartbeatMillis(), config.failureDetection().heartbeatMillis(),
          TimeUnit.MILLISECONDS);
    } else {
      this.server = null;
      this.failover = null;
      this.poller = daemonScheduler("dkv-directory-fetch-" + config.nodeId());
    }
  }

  /**
   * One tick of the failover driver. A scheduled task that throws is never run again, silently:
   * failover and moves would stop for good, so an unexpected error is logged and the next tick
   * tries again.
   */
  private static void tickSafely(FailoverDriver driver) {
    try {
      driver.tick(System.nanoTime());
    } catch (RuntimeException e) {
      log.error("the failover driver's tick failed; trying again at the next one", e);
    }
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name).factory());
  }

  /** A client of the voters that retries every {@link #RETRY_SLEEP} for up to {@code millis}. */
  private static RaftClient client(RaftProperties properties, RaftGroup group, long millis) {
    return clientBuilder(properties, group, millis).build();
  }

  private static RaftClient.Builder clientBuilder(RaftProperties properties, RaftGroup group,
                                                  long millis) {
    int retries = (int) Math.max(1, millis / RETRY_SLEEP.toLong(TimeUnit.MILLISECONDS));
    return RaftClient.newBuilder().setProperties(properties).setRaftGroup(group)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(retries, RETRY_SLEEP));
  }

  /** Starts this node's part of the directory: a Raft server on a voter, fetching otherwise. */
  public static RatisDirectory start(DirectoryConfig config) throws IOException {
    RatisDirectory directory = new RatisDirectory(config, properties(config));
    try {
      if (directory.server != null) {
        directory.server.start();
      } else {
        directory.poller.scheduleWithFixedDelay(directory::fetchOnce, 0, config.pollMillis(),
            TimeUnit.MILLISECONDS);
      }
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
    return directory;
  }

  static RaftProperties properties(DirectoryConfig config) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, config.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    // Ratis' default election timeout (150-300 ms) makes leadership flap on a loaded machine, and
    // every change of leader holds up heartbeats (leases) and directory changes.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ELECTION_TIMEOUT_MIN);
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ELECTION_TIMEOUT_MAX);
    config.voters().stream().filter(v -> v.nodeId().equals(config.nodeId())).findFirst()
        .ifPresent(self -> {
          GrpcConfigKeys.Server.setHost(p, self.host());
          GrpcConfigKeys.Server.setPort(p, self.port());
        });
    return p;
  }

  /** Recover a voter that has storage already; format a new one (Ratis refuses to reformat). */
  private static RaftStorage.StartupOption startupOption(DirectoryConfig config) {
    return Files.isDirectory(config.storageDir().resolve(GROUP_ID.getUuid().toString()))
        ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT;
  }

  private static RaftPeer peer(MemberAddress voter) {
    return RaftPeer.newBuilder().setId(voter.nodeId())
        .setAddress(voter.host() + ":" + voter.port()).build();
  }

  @Override
  public CompletableFuture<CommandResult> submit(DirectoryCommand command) {
    Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command)));
    return send(client, message, config.submitTimeoutMillis());
  }

  @Override
  public CompletableFuture<CommandResult> heartbeat(long viewEpoch) {
    Heartbeat heartbeat = new Heartbeat(config.nodeId(), viewEpoch);
    Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(heartbeat)));
    return heartbeats.send(message);
  }

  /**
   * The voter this node believes leads: on a voter its Raft server's view (a new leader's first
   * append tells the followers), on a non-voter the voter that answered its last fetch (reads are
   * answered by the leader); null when it knows none.
   */
  private RaftPeerId leaderHint() {
    if (server == null) {
      String from = fetchedFrom;
      return from == null ? null : RaftPeerId.valueOf(from);
    }
    try {
      return server.getDivision(GROUP_ID).getInfo().getLeaderId();
    } catch (IOException e) {
      return null; // not running yet, or closing
    }
  }

  /**
   * Submits a command of the failover driver, which acts only while this voter leads: through a
   * client made for the current term that sends to this voter first. The shared client may still
   * point at a previous leader, and when that one was cut off (the very failure the driver reacts
   * to) every attempt would first wait out a request timeout there.
   */
  private CompletableFuture<CommandResult> submitAsLeader(DirectoryCommand command) {
    RaftClient toSelf;
    RaftClient replaced = null;
    long term = currentTerm();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IOException("the directory is closed"));
      }
      if (leaderClient == null || leaderClientTerm != term) {
        replaced = leaderClient;
        leaderClient = clientBuilder(properties, group, config.submitTimeoutMillis())
            .setLeaderId(RaftPeerId.valueOf(config.nodeId())).build();
        leaderClientTerm = term;
      }
      toSelf = leaderClient;
    }
    HeartbeatClient.closeInBackground(replaced);
    Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command)));
    return send(toSelf, message, config.submitTimeoutMillis());
  }

  /** Appends {@code entry} through {@code client}; its result, or a failure after {@code millis}. */
  static CompletableFuture<CommandResult> send(RaftClient client, Message entry, long millis) {
    return client.async().send(entry)
        .thenApply(reply -> CommandCodec.decodeResult(content(reply)))
        .orTimeout(millis, TimeUnit.MILLISECONDS);
  }

  private long currentTerm() {
    try {
      return server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
    } catch (IOException e) {
      return -1; // not running: the submit fails on its own
    }
  }

  static void closeQuietly(RaftClient client) {
    if (client == null) {
      return;
    }
    try {
      client.close();
    } catch (IOException e) {
      log.debug("closing a directory client: {}", e.toString());
    }
  }

  /**
   * A client for heartbeats that sends to {@code leader} first. Each request waits at most two
   * heartbeat periods for one voter (Ratis' default is 3 s), so a client that still points at a
   * leader that was cut off tries the other voters soon.
   */
  private RaftClient newHeartbeatClient(RaftPeerId leader) {
    long millis = 2 * config.failureDetection().heartbeatMillis();
    RaftProperties fast = new RaftProperties(properties);
    RaftClientConfigKeys.Rpc.setRequestTimeout(fast, TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS));
    return clientBuilder(fast, group, millis).setLeaderId(leader).build();
  }

  @Override
  public DirectoryState current() {
    return current;
  }

  @Override
  public void addListener(Consumer<DirectoryState> listener) {
    listeners.add(listener);
  }

  @Override
  public Optional<String> leader() {
    if (server == null) {
      return Optional.ofNullable(fetchedFrom);
    }
    try {
      RaftPeerId id = server.getDivision(GROUP_ID).getInfo().getLeaderId();
      return id == null ? Optional.empty() : Optional.of(id.toString());
    } catch (IOException e) {
      return Optional.empty(); // the group is not running (closing): no leader known here
    }
  }

  /** Whether this voter is the Raft leader now; false on a non-voter. For tests and status. */
  boolean isLeader() throws IOException {
    return server != null && server.getDivision(GROUP_ID).getInfo().isLeader();
  }

  /** {@link #isLeader}, false while the group is not running (starting or closing). */
  private boolean leading() {
    try {
      return isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public CompletableFuture<DirectoryState> refresh() {
    return client.async().sendReadOnly(DirectoryStateMachine.queryFor(current.epoch()))
        .thenApply(reply -> {
          byte[] bytes = content(reply);
          if (server == null) {
            fetchedFrom = reply.getServerId().toString();
          }
          if (bytes.length > 0) {
            publish(StateCodec.decode(bytes));
          }
          return current;
        })
        .orTimeout(config.submitTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  private void fetchOnce() {
    try {
      refresh().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // No leader right now, or it is unreachable: the next period tries again.
      log.debug("directory fetch from the voters failed: {}", e.toString());
    }
  }

  /** Records a newer state and tells the listeners; older or equal epochs are ignored. */
  private synchronized void publish(DirectoryState state) {
    if (state.epoch() <= current.epoch()) {
      return;
    }
    current = state;
    for (Consumer<DirectoryState> listener : listeners) {
      try {
        listener.accept(state);
      } catch (RuntimeException e) {
        log.warn("directory listener {} failed on epoch {}", listener, state.epoch(), e);
      }
    }
  }

  private static byte[] content(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new IllegalStateException("directory request failed: " + reply.getException(),
          reply.getException());
    }
    return reply.getMessage().getContent().toByteArray();
  }

  @Override
  public void close() throws IOException {
    RaftClient toSelf;
    synchronized (this) {
      closed = true;
      toSelf = leaderClient;
    }
    closeQuietly(toSelf);
    if (poller != null) {
      poller.shutdownNow();
    }
    if (failover != null) {
      failover.shutdownNow();
    }
    try (HeartbeatClient beats = heartbeats; RaftClient submits = client) {
      // Both clients close first, in reverse order, whatever either throws.
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }
}
