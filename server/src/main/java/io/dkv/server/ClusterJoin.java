package io.dkv.server;

import io.dkv.core.storage.Storage;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import io.dkv.server.directory.DirectoryConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node started with {@code --join} enters a running cluster: it asks the member it names
 * (procedure JOIN) to submit its {@code Join} to the directory, and takes from the answer what it
 * needs to run its part of the directory as a non-voter: the voters with their Raft addresses, Q
 * and RF. A restarted node asks again with the same command line, and "already a member at this
 * address" counts as joined. The settings of the last answer are saved ({@link SavedJoin}): a
 * restarted node whose member gives no answer within one attempt starts from them instead, so a
 * joined node does not depend on one member being up. Runs once, on the starting thread, before
 * the node serves.
 */
final class ClusterJoin {
  private static final Logger log = LoggerFactory.getLogger(ClusterJoin.class);
  /** How long a node keeps asking a member that does not answer before it gives up. */
  static final long JOIN_TIMEOUT_MILLIS = 120_000;
  /**
   * One attempt: a member answers once the directory has committed the join (seconds during an
   * election, {@link DirectoryConfig#DEFAULT_SUBMIT_TIMEOUT_MILLIS} at most) and its own view
   * has it (at most {@link NodeDirectory#AWAIT_EPOCH_MILLIS}).
   */
  private static final long ATTEMPT_MILLIS = DirectoryConfig.DEFAULT_SUBMIT_TIMEOUT_MILLIS
      + NodeDirectory.AWAIT_EPOCH_MILLIS + 1_000;
  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  /** Failures after which the same member may still answer: it is starting, or has no leader. */
  private static final Set<ErrorCode> RETRYABLE =
      EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.BUSY);

  private ClusterJoin() {}

  /**
   * Joins through {@code config.join()} and returns this node's directory settings, saved in
   * {@code storage} for a restart; or, when this node joined before and the member gives no answer
   * within one attempt, the saved settings.
   *
   * @throws ConfigException if the directory refuses the join (the reason says why: another
   *     address for this id, an invalid id, ...) or this node is one of the voters
   * @throws IOException if the member gives no answer within {@code timeoutMillis} and this node
   *     never joined, or fails the request in a way no retry mends
   */
  static DirectoryConfig join(NodeConfig config, long timeoutMillis, Storage storage)
      throws IOException, InterruptedException {
    Optional<SavedJoin> saved = SavedJoin.load(storage);
    JoinResponse answer;
    try {
      answer = ask(config, saved.isEmpty() ? timeoutMillis : Math.min(timeoutMillis, ATTEMPT_MILLIS));
    } catch (NoAnswer e) {
      if (saved.isEmpty()) {
        throw e;
      }
      log.warn("node {}: no answer from {} ({}); starting from the voters saved at its last join,"
          + " {}", config.nodeId(), config.join(), e.getMessage(), saved.get().voters());
      return NodeDirectory.settings(config, saved.get().voters(), saved.get().partitionCount(),
          saved.get().replicationFactor());
    }
    DirectoryConfig settings = settings(config, answer);
    new SavedJoin(settings.voters(), settings.partitionCount(), settings.replicationFactor())
        .save(storage);
    return settings;
  }

  /** The member gave no answer before the deadline: this node may start from saved settings. */
  private static final class NoAnswer extends IOException {
    NoAnswer(String message) {
      super(message);
    }
  }

  /** Asks {@code config.join()} until it answers or {@code timeoutMillis} pass. */
  private static JoinResponse ask(NodeConfig config, long timeoutMillis)
      throws IOException, InterruptedException {
    InetSocketAddress member = config.join().socketAddress();
    byte[] request = MessageCodec.encode(new JoinRequest(config.nodeId(), config.listen().toString()));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long backoffMillis = FIRST_BACKOFF_MILLIS;
    try (RpcClient rpc = RpcClient.builder().build()) {
      // One request id for every attempt: a member that already ran it answers as it did.
      long requestId = rpc.newRequestId();
      while (true) {
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        long attemptMillis = Math.max(1, Math.min(ATTEMPT_MILLIS, leftMillis));
        RpcException failure;
        try {
          byte[] reply = rpc.call(member, Procedure.JOIN.id(), requestId, request,
              Duration.ofMillis(attemptMillis)).get(attemptMillis + 1_000, TimeUnit.MILLISECONDS);
          return (JoinResponse) MessageCodec.decodeResponse(Procedure.JOIN, reply);
        } catch (ExecutionException e) {
          failure = e.getCause() instanceof RpcException r ? r
              : new RpcException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
          failure = new RpcException(ErrorCode.TIMEOUT, "no answer within " + attemptMillis + " ms");
        }
        if (!RETRYABLE.contains(failure.code())) {
          throw new IOException("node " + config.nodeId() + " cannot join through " + config.join()
              + ": it answered " + failure.code() + ": " + failure.getMessage()
              + "; is it a dkv node of this version?");
        }
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) >= deadline) {
          throw new NoAnswer("node " + config.nodeId() + " cannot join through " + config.join()
              + ": no answer within " + timeoutMillis / 1000 + " s (last: " + failure.getMessage()
              + "); check that --join names the dkv address (HOST:PORT) of a running member");
        }
        log.info("node {}: {} did not answer the join yet ({}); asking again in {} ms",
            config.nodeId(), config.join(), failure.getMessage(), backoffMillis);
        Thread.sleep(backoffMillis);
        backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MILLIS);
      }
    }
  }

  /** The settings the answer gives, or why this node may not start with them. */
  private static DirectoryConfig settings(NodeConfig config, JoinResponse answer) {
    String via = "node " + config.nodeId() + " cannot join through " + config.join();
    switch (answer.outcome()) {
      case REFUSED -> throw new ConfigException(via + ": " + answer.reason());
      case ACCEPTED -> log.info("node {} joined the cluster through {} at directory epoch {}",
          config.nodeId(), config.join(), answer.epoch());
      case ALREADY_MEMBER -> log.info("node {} is already a member at {}; starting as one",
          config.nodeId(), config.listen());
    }
    List<MemberAddress> voters;
    try {
      voters = answer.voters().stream()
          .map(v -> new MemberAddress(v.nodeId(), v.host(), v.port())).toList();
    } catch (ConfigException e) {
      throw new ConfigException(via + ": it named an invalid voter (" + e.getMessage() + ")");
    }
    if (voters.stream().anyMatch(v -> v.nodeId().equals(config.nodeId()))) {
      // A voter that started as a joining node would run its Raft log as a non-voter, or, with
      // that log lost, come back as an empty voter, which Raft does not allow.
      throw new ConfigException("node " + config.nodeId() + " is a directory voter " + voters
          + "; a voter starts with --members and --voters, as it was first started, never with"
          + " --join");
    }
    return NodeDirectory.settings(config, voters, answer.partitionCount(),
        answer.replicationFactor());
  }
}
