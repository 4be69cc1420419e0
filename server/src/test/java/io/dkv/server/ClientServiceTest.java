package io.dkv.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.server.directory.FailureDetection;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.eventual.EventualConfig;
import io.dkv.core.eventual.EventualNode;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientServiceTest {
  @TempDir
  Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ScriptedCore core = new ScriptedCore(ClientServiceTest::answer, m -> new Output());
  /** This node's read lease: granted for the whole test unless a test takes it away. */
  private ReadLease lease = new ReadLease(TimeUnit.HOURS.toMillis(1));

  {
    lease.renew(System.nanoTime());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private static Output answer(ClientCommand c) {
    return new Output().reply(switch (c) {
      case ClientCommand.Write w -> new ClientResult.Written(w.handle(), WriteStatus.OK, 1);
      case ClientCommand.Read r -> new ClientResult.ReadValue(r.handle(), false, 0, Bytes.EMPTY);
      case ClientCommand.Copy copy -> throw new AssertionError("no copies here: " + copy);
      case ClientCommand.Install i -> throw new AssertionError("no installs here: " + i);
    });
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  private ClientService service(NodeConfig config) throws Exception {
    return service(config, TestClusters.cluster(config.members(), config.partitionCount(),
        config.replicationFactor()));
  }

  private ClientService service(NodeConfig config, Cluster cluster) throws Exception {
    return service(config, cluster, cluster);
  }

  /** A service whose node sees {@code current} and gets {@code afterRefresh} from the directory. */
  private ClientService service(NodeConfig config, Cluster current, Cluster afterRefresh) throws Exception {
    InMemoryStorage storage = closeLater(new InMemoryStorage());
    CoreLoop loop = closeLater(new CoreLoop(config.nodeId(), core, storage, (to, messages) -> {}, t -> {}));
    loop.start().get(5, SECONDS);
    RpcClient peers = closeLater(RpcClient.builder().build());
    ClusterSource source = new ClusterSource() {
      private volatile Cluster view = current;

      @Override
      public Cluster current() {
        return view;
      }

      @Override
      public CompletableFuture<Cluster> refresh() {
        view = afterRefresh;
        return CompletableFuture.completedFuture(view);
      }
    };
    EventualLoop eventual = closeLater(new EventualLoop(config.nodeId(),
        new EventualNode(config.nodeId(), storage, EventualConfig.defaults()), storage, (to, m) -> {}, t -> {}));
    return new ClientService(config, source, loop, new EventualService(config.nodeId(), eventual), peers, lease);
  }

  @Test
  void aReplicaWithoutAReadLeaseRefusesDirectReadsAndForwardsOthersToAReplicaThatHasOne()
      throws Exception {
    GetResponse stored = new GetResponse(true, 3, Bytes.utf8("from n2"));
    RpcServer n2 = closeLater(RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.GET.id(), (ctx, body) -> CompletableFuture.completedFuture(
            MessageCodec.encode(stored))).build().start());
    List<MemberAddress> members = List.of(new MemberAddress("n1", "127.0.0.1", 1),
        new MemberAddress("n2", "127.0.0.1", n2.localAddress().getPort()));
    NodeConfig config = new NodeConfig("n1", MemberAddress.parseHostPort("listen", "127.0.0.1:0"),
        dir, members, members.subList(0, 1), 8, 2, 256, 1024, 10_000, FailureDetection.DEFAULTS);
    lease = new ReadLease(3_000); // never renewed: no heartbeat acknowledged
    ClientService service = service(config); // n1 replicates every key, as does n2

    byte[] direct = MessageCodec.encode(new GetRequest("default", Bytes.utf8("k"), true, 0));
    assertThatThrownBy(() -> service.get(deadlineIn(5_000), direct).get(5, SECONDS))
        .satisfies(e -> assertThat(rpcCause(e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("node n1 holds no read lease")
        .hasMessageContaining("no heartbeat of this node has been acknowledged");
    assertThat(MessageCodec.decodeResponse(Procedure.GET,
        service.get(deadlineIn(5_000), get("k")).get(5, SECONDS))).isEqualTo(stored);
  }

  private static RpcException rpcCause(Throwable e) {
    Throwable t = e;
    while (!(t instanceof RpcException) && t.getCause() != null) {
      t = t.getCause();
    }
    return (RpcException) t;
  }

  private static RequestContext deadlineIn(long millis) {
    return new RequestContext(7, Procedure.GET.id(),
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), null);
  }

  private static byte[] get(String key) {
    return MessageCodec.encode(new GetRequest("default", Bytes.utf8(key), false, 0));
  }

  @Test
  void aRequestWhoseDeadlineHasPassedFailsWithTimeoutAndNeverReachesTheCore() throws Exception {
    ClientService service = service(TestClusters.singleNode(dir));
    RequestContext expired = deadlineIn(-1);
    byte[] put = MessageCodec.encode(new WriteRequest("default", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), 0));

    assertThatThrownBy(() -> service.write(Procedure.PUT, expired, put))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
        .hasMessageContaining("deadline had passed");
    assertThatThrownBy(() -> service.get(expired, get("k")))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));

    // The inbox is first in, first out: once a later read is answered, an earlier command would
    // have been stepped too.
    service.get(deadlineIn(5_000), get("later")).get(5, SECONDS);
    assertThat(core.commands).singleElement().isInstanceOf(ClientCommand.Read.class);
  }

  @Test
  void aForwardedReadGivesAHungReplicaAtMostOneAttemptAndFailsOverToTheNext() throws Exception {
    BlockingQueue<Long> hungAttemptMillis = new LinkedBlockingQueue<>();
    RpcServer hung = closeLater(RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.GET.id(), (ctx, body) -> {
          hungAttemptMillis.add(TimeUnit.NANOSECONDS.toMillis(ctx.remainingNanos(System.nanoTime())));
          return new CompletableFuture<>(); // never answers
        }).build().start());
    GetResponse stored = new GetResponse(true, 7, Bytes.utf8("value"));
    RpcServer healthy = closeLater(RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.GET.id(), (ctx, body) -> CompletableFuture.completedFuture(
            MessageCodec.encode(stored))).build().start());
    List<MemberAddress> members = List.of(new MemberAddress("n1", "127.0.0.1", 1),
        new MemberAddress("n2", "127.0.0.1", hung.localAddress().getPort()),
        new MemberAddress("n3", "127.0.0.1", healthy.localAddress().getPort()));
    NodeConfig config = new NodeConfig("n1", MemberAddress.parseHostPort("listen", "127.0.0.1:0"),
        dir, members, members.subList(0, 1), 8, 2, 256, 1024, 10_000, FailureDetection.DEFAULTS);
    ClientService service = service(config);
    String key = keyNotReplicatedOn("n1", TestClusters.cluster(members, 8, 2).map());

    // Forwarded reads start at the replicas in turn, so one of two starts at the hung one.
    long callerDeadlineMillis = 4_000;
    CompletableFuture<byte[]> first = service.get(deadlineIn(callerDeadlineMillis), get(key));
    CompletableFuture<byte[]> second = service.get(deadlineIn(callerDeadlineMillis), get(key));

    for (CompletableFuture<byte[]> read : List.of(first, second)) {
      assertThat(MessageCodec.decodeResponse(Procedure.GET, read.get(callerDeadlineMillis + 2_000,
          TimeUnit.MILLISECONDS))).isEqualTo(stored);
    }
    assertThat(hungAttemptMillis).singleElement()
        .satisfies(m -> assertThat(m).isLessThanOrEqualTo(ClientService.FORWARD_ATTEMPT_MILLIS));
  }

  @Test
  void aNamespaceMustExistAndItsKeysAreStoredUnderItsStorageName() throws Exception {
    NodeConfig config = TestClusters.singleNode(dir);
    Cluster initial = TestClusters.cluster(config.members(), 8, 1);
    DirectoryState withUsers = initial.state().apply(
        new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1)).state();
    ClientService service = service(config, new Cluster(withUsers));
    byte[] putUsers = MessageCodec.encode(new WriteRequest("users", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), 0));
    byte[] putNowhere = MessageCodec.encode(new WriteRequest("nowhere", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), 0));

    assertThatThrownBy(() -> service.write(Procedure.PUT, deadlineIn(5_000), putNowhere).get(5, SECONDS))
        .cause().isInstanceOfSatisfying(RpcException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("namespace 'nowhere' does not exist; this cluster has: [default, users]"
            + " (dkv ns create NAME adds one)");
    service.write(Procedure.PUT, deadlineIn(5_000), putUsers).get(5, SECONDS);
    service.get(deadlineIn(5_000), get("k")).get(5, SECONDS);

    // Created at epoch 2, "users" stores under users@2: one created later under the same name
    // after a drop gets another storage name and never sees these keys.
    assertThat(core.commands).extracting(c -> switch (c) {
      case ClientCommand.Write w -> w.namespace();
      case ClientCommand.Read r -> r.namespace();
      case ClientCommand.Copy copy -> "copy";
      case ClientCommand.Install i -> "install";
    }).containsExactly("users@2", "default");
  }

  @Test
  void eventualNamespacesAreServedByTheirCoreAndRefuseWhatOnlyAStrongOneCanDo() throws Exception {
    NodeConfig config = TestClusters.singleNode(dir);
    DirectoryState s = TestClusters.cluster(config.members(), 8, 1).state()
        .apply(new DirectoryCommand.CreateNamespace("logs", NamespaceMode.EVENTUAL, 1, 1, 1)).state();
    ClientService service = service(config, new Cluster(s));
    Bytes k = Bytes.utf8("k");
    byte[] put = MessageCodec.encode(new WriteRequest("logs", k, new Mutation.Put(Bytes.utf8("v")), 0));
    var written = (WriteResponse) MessageCodec.decodeResponse(Procedure.PUT,
        service.write(Procedure.PUT, deadlineIn(5_000), put).get(5, SECONDS));
    byte[] readOne = MessageCodec.encode(new QuorumGetRequest(new GetRequest("logs", k, false, 0), QuorumLevel.ONE));
    assertThat(MessageCodec.decodeResponse(Procedure.GET, service.getWithQuorum(deadlineIn(5_000), readOne)
        .get(5, SECONDS))).isEqualTo(new GetResponse(true, written.version(), Bytes.utf8("v")));
    assertThat(core.commands).as("the 2PC core saw nothing").isEmpty();

    byte[] delete = MessageCodec.encode(new QuorumWriteRequest(new WriteRequest("logs", k, new Mutation.Delete(), 0),
        QuorumLevel.ALL));
    RequestContext another = new RequestContext(8, Procedure.DELETE_WITH_QUORUM.id(),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(5), null); // a new write needs a new request id
    service.writeWithQuorum(Procedure.DELETE_WITH_QUORUM, another, delete).get(5, SECONDS);
    assertThat(MessageCodec.decodeResponse(Procedure.GET, service.get(deadlineIn(5_000),
        MessageCodec.encode(new GetRequest("logs", k, false, 0))).get(5, SECONDS)))
        .isEqualTo(new GetResponse(false, 0, Bytes.EMPTY));

    byte[] cas = MessageCodec.encode(new WriteRequest("logs", k, new Mutation.CompareAndSet(0, Bytes.utf8("v")), 0));
    assertThatThrownBy(() -> service.write(Procedure.COMPARE_AND_SET, deadlineIn(5_000), cas))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("compareAndSet is not available on namespace 'logs'")
        .hasMessageContaining("use a strong namespace");
    byte[] tooMany = MessageCodec.encode(new QuorumGetRequest(new GetRequest("logs", k, false, 0), QuorumLevel.of(2)));
    assertThatThrownBy(() -> service.getWithQuorum(deadlineIn(5_000), tooMany))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("read quorum R = 2 is out of range for namespace 'logs': it must be between 1 and N = 1");
    byte[] strongWithQuorum = MessageCodec.encode(new QuorumGetRequest(new GetRequest("default", k, false, 0),
        QuorumLevel.ONE));
    assertThatThrownBy(() -> service.getWithQuorum(deadlineIn(5_000), strongWithQuorum))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("namespace 'default' is strong (W = N, R = 1 always); a request's own R (one)"
            + " applies only to eventual namespaces");
  }

  @Test
  void aNamespaceThisNodeDoesNotKnowYetIsLookedUpAtTheDirectoryBeforeTheRequestIsRefused()
      throws Exception {
    NodeConfig config = TestClusters.singleNode(dir);
    Cluster lagging = TestClusters.cluster(config.members(), 8, 1);
    Cluster current = new Cluster(lagging.state().apply(
        new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1)).state());
    ClientService service = service(config, lagging, current);

    byte[] put = MessageCodec.encode(new WriteRequest("users", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), 0));
    service.write(Procedure.PUT, deadlineIn(5_000), put).get(5, SECONDS);

    assertThat(core.commands).singleElement()
        .isInstanceOfSatisfying(ClientCommand.Write.class, w -> assertThat(w.namespace()).isEqualTo("users@2"));
  }

  @Test
  void aWriteCarriesItsPartitionsConfigurationEpochNotTheMapsEpoch() throws Exception {
    List<MemberAddress> three = MemberAddress.parseList("n1@127.0.0.1:1,n2@127.0.0.1:2,n3@127.0.0.1:3");
    // n3 is evicted at epoch 3: the partitions it held get epoch 3, the others keep epoch 1.
    DirectoryState evicted = TestClusters.cluster(three, 8, 2).state()
        .apply(new DirectoryCommand.MarkDown("n3")).state()
        .apply(new DirectoryCommand.Evict("n3", 1)).state();
    PartitionMap map = evicted.map();
    ClientService service = service(TestClusters.singleNode(dir), new Cluster(evicted));
    List<String> keys = IntStream.range(0, 200).mapToObj(i -> "key-" + i).toList();
    for (String k : keys) {
      service.write(Procedure.PUT, deadlineIn(5_000), MessageCodec.encode(new WriteRequest("default",
          Bytes.utf8(k), new Mutation.Put(Bytes.utf8("v")), 0))).get(5, SECONDS);
    }

    assertThat(map.epoch()).isEqualTo(3);
    List<Long> expected = keys.stream().map(k -> map.partitionEpoch(
        Partitioner.partitionOf("default", Bytes.utf8(k), map.partitionCount()))).toList();
    assertThat(expected).contains(1L, 3L);
    assertThat(core.commands).extracting(c -> ((ClientCommand.Write) c).epoch())
        .containsExactlyElementsOf(expected);
  }

  private static String keyNotReplicatedOn(String nodeId, PartitionMap map) {
    return IntStream.range(0, 1_000).mapToObj(i -> "key-" + i)
        .filter(k -> !map.replicas(Partitioner.partitionOf("default", Bytes.utf8(k),
            map.partitionCount())).contains(nodeId))
        .findFirst().orElseThrow();
  }
}
