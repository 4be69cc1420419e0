package io.dkv.core.directory;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a {@link LogEntry} (one entry of the directory's replicated log: a
 * {@link DirectoryCommand} or a {@link Heartbeat}) and of a command's {@link CommandResult}. All
 * integers big-endian; a string is a u16 length then UTF-8.
 *
 * <pre>
 * entry   := version u8 = 1 | tag u8 | fields
 *   tag 1 Join             nodeId string, address string
 *   tag 2 MarkUp           nodeId string
 *   tag 3 MarkDown         nodeId string
 *   tag 4 Leave            nodeId string
 *   tag 5 Remove           nodeId string
 *   tag 6 CreateNamespace  name string, mode u8, n i32, w i32, r i32
 *   tag 7 DropNamespace    name string
 *   tag 8 Initialize       partitionCount i32, replicationFactor i32,
 *                          count i32, (nodeId string, address string) * count
 *   tag 9 Evict            nodeId string, minReplicas i32
 *   tag 10 Heartbeat       nodeId string, viewEpoch i64   (not a command)
 *   tag 11 StartMoves      count i32, (partition i32, to string, from string) * count
 *                          (from: the empty string for none)
 *   tag 12 Promote         partition i32, nodeId string, since i64
 *   tag 13 Demote          partition i32, nodeId string
 *   tag 14 Release         partition i32, nodeId string
 * result  := version u8 = 1 | tag u8 | epoch i64 | (tag 2 only) reason string
 *   tag 1 Accepted, tag 2 Rejected
 * </pre>
 * The log outlives the code that wrote it: never reuse or renumber a tag, and add fields only
 * under a new version. A command's fields are not validated here: {@link DirectoryState#apply}
 * rejects an invalid one the same way on every voter. A heartbeat is never applied, so decoding
 * refuses one whose node id is invalid or whose view epoch is negative.
 */
public final class CommandCodec {
  static final int VERSION = 1;
  private static final int HEARTBEAT = 10;
  private static final String KNOWN_TAGS = "known: 1 to 9 and 11 to 14 (commands), 10 (heartbeat)";

  private CommandCodec() {}

  public static byte[] encode(DirectoryCommand command) {
    RecordWriter w = new RecordWriter().u8(VERSION);
    switch (command) {
      case Join j -> w.u8(1).string(j.nodeId()).string(j.address());
      case MarkUp u -> w.u8(2).string(u.nodeId());
      case Leave l -> w.u8(4).string(l.nodeId());
      case Remove r -> w.u8(5).string(r.nodeId());
      case CreateNamespace c ->
          w.u8(6).string(c.name()).u8(c.mode().code()).u32(c.n()).u32(c.w()).u32(c.r());
      case DropNamespace d -> w.u8(7).string(d.name());
      case Initialize i -> {
        w.u8(8).u32(i.partitionCount()).u32(i.replicationFactor()).u32(i.members().size());
        i.members().forEach(j -> w.string(j.nodeId()).string(j.address()));
      }
      case MarkDown d -> w.u8(3).string(d.nodeId());
      case Evict e -> w.u8(9).string(e.nodeId()).u32(e.minReplicas());
      case StartMoves m -> {
        w.u8(11).u32(m.moves().size());
        m.moves().forEach(move -> w.u32(move.partition()).string(move.to())
            .string(move.from() == null ? "" : move.from()));
      }
      case Promote p -> w.u8(12).u32(p.partition()).string(p.nodeId()).u64(p.since());
      case Demote d -> w.u8(13).u32(d.partition()).string(d.nodeId());
      case Release r -> w.u8(14).u32(r.partition()).string(r.nodeId());
    }
    return w.toByteArray();
  }

  /** A heartbeat's bytes; they decode only if its node id is valid and its view epoch >= 0. */
  public static byte[] encode(Heartbeat heartbeat) {
    return new RecordWriter().u8(VERSION).u8(HEARTBEAT).string(heartbeat.nodeId())
        .u64(heartbeat.viewEpoch()).toByteArray();
  }

  /** The command or heartbeat in {@code bytes}; {@link IllegalArgumentException} saying what is wrong. */
  public static LogEntry decodeEntry(byte[] bytes) {
    RecordReader r = new RecordReader(bytes, "directory log entry", IllegalArgumentException::new);
    checkVersion(r);
    int tag = r.u8("tag");
    LogEntry entry = tag == HEARTBEAT ? readHeartbeat(r) : readCommand(r, tag);
    r.end();
    return entry;
  }

  /**
   * The command in {@code bytes}; {@link IllegalArgumentException} saying what is wrong, also
   * for a heartbeat (use {@link #decodeEntry} where one may come).
   */
  public static DirectoryCommand decodeCommand(byte[] bytes) {
    RecordReader r = new RecordReader(bytes, "directory command", IllegalArgumentException::new);
    checkVersion(r);
    int tag = r.u8("tag");
    if (tag == HEARTBEAT) {
      throw r.fail("tag", 1, "tag " + HEARTBEAT + " is a heartbeat, not a directory command");
    }
    DirectoryCommand command = readCommand(r, tag);
    r.end();
    return command;
  }

  private static DirectoryCommand readCommand(RecordReader r, int tag) {
    return switch (tag) {
      case 1 -> new Join(r.string("nodeId"), r.string("address"));
      case 2 -> new MarkUp(r.string("nodeId"));
      case 3 -> new MarkDown(r.string("nodeId"));
      case 4 -> new Leave(r.string("nodeId"));
      case 5 -> new Remove(r.string("nodeId"));
      case 6 -> new CreateNamespace(r.string("name"), r.code("mode", NamespaceMode::ofCode), r.u32("n"), r.u32("w"),
          r.u32("r"));
      case 7 -> new DropNamespace(r.string("name"));
      case 8 -> readInitialize(r);
      case 9 -> new Evict(r.string("nodeId"), r.u32("minReplicas"));
      case 11 -> readStartMoves(r);
      case 12 -> new Promote(r.u32("partition"), r.string("nodeId"), r.u64("since"));
      case 13 -> new Demote(r.u32("partition"), r.string("nodeId"));
      case 14 -> new Release(r.u32("partition"), r.string("nodeId"));
      default -> throw r.fail("tag", 1, "unknown command tag " + tag + "; " + KNOWN_TAGS);
    };
  }

  private static Initialize readInitialize(RecordReader r) {
    int partitionCount = r.u32("partitionCount");
    int replicationFactor = r.u32("replicationFactor");
    List<Join> members = new ArrayList<>();
    for (int i = r.count("memberCount", 4); i > 0; i--) {
      members.add(new Join(r.string("nodeId"), r.string("address")));
    }
    return new Initialize(members, partitionCount, replicationFactor);
  }

  private static StartMoves readStartMoves(RecordReader r) {
    List<MoveRequest> moves = new ArrayList<>();
    for (int i = r.count("moveCount", 8); i > 0; i--) {
      int partition = r.u32("partition");
      String to = r.string("to");
      String from = r.string("from");
      moves.add(new MoveRequest(partition, to, from.isEmpty() ? null : from));
    }
    return new StartMoves(moves);
  }

  private static Heartbeat readHeartbeat(RecordReader r) {
    int offset = r.position();
    String nodeId = r.string("nodeId");
    String problem = DirectoryNames.checkNodeId(nodeId);
    if (problem != null) {
      throw r.fail("nodeId", offset, problem);
    }
    offset = r.position();
    long viewEpoch = r.u64("viewEpoch");
    if (viewEpoch < 0) {
      throw r.fail("viewEpoch", offset, "view epoch " + viewEpoch + " is negative; a node's view"
          + " is at epoch 0 or later");
    }
    return new Heartbeat(nodeId, viewEpoch);
  }

  public static byte[] encode(CommandResult result) {
    RecordWriter w = new RecordWriter().u8(VERSION);
    switch (result) {
      case CommandResult.Accepted a -> w.u8(1).u64(a.epoch());
      case CommandResult.Rejected rj -> w.u8(2).u64(rj.epoch()).string(rj.reason());
    }
    return w.toByteArray();
  }

  /** The result in {@code bytes}; {@link IllegalArgumentException} saying what is wrong. */
  public static CommandResult decodeResult(byte[] bytes) {
    RecordReader r = new RecordReader(bytes, "directory command result", IllegalArgumentException::new);
    checkVersion(r);
    int tag = r.u8("tag");
    CommandResult result = switch (tag) {
      case 1 -> new CommandResult.Accepted(r.u64("epoch"));
      case 2 -> new CommandResult.Rejected(r.u64("epoch"), r.string("reason"));
      default -> throw r.fail("tag", 1, "unknown result tag " + tag + "; known: 1, 2");
    };
    r.end();
    return result;
  }

  private static void checkVersion(RecordReader r) {
    int version = r.u8("version");
    if (version != VERSION) {
      throw r.fail("version", 0, "unsupported version " + version + "; this code reads "
          + VERSION);
    }
  }
}
