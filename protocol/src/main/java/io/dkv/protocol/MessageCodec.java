package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.ErrorResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes message bodies (the bytes after the frame header). Stateless and safe from
 * any thread.
 *
 * <p>Encodings, all big-endian: strings are a u16 byte length and UTF-8; byte strings (keys,
 * values) a u32 length and the bytes; lists a u32 count and the elements; booleans a u8 0 or 1;
 * enums a stable u8 code ({@code WireEnums}); longs i64 and ints i32. The field order of every
 * message is in {@code docs/protocol.md}.
 *
 * <p>Decoders take untrusted bytes: any malformed input (truncation, a length or count beyond the
 * body, a boolean other than 0/1, an unknown enum code, invalid UTF-8, trailing bytes) throws
 * {@link MalformedMessageException} and nothing else. Encoders take trusted messages and throw
 * {@link IllegalArgumentException} for a value the wire cannot carry (a string over 65,535 UTF-8
 * bytes, a port over 65,535).
 */
public final class MessageCodec {
  /** The most messages one PEER_BATCH frame carries. */
  public static final int MAX_BATCH = 1024;

  private MessageCodec() {}

  /** The body of a client request or response; {@link ErrorResponse} gives an error body. */
  public static byte[] encode(ClientMessage m) {
    return BodyWriter.write(w -> ClientBodies.write(w, m));
  }

  /** The body of a peer message. */
  public static byte[] encode(PeerMessage m) {
    return BodyWriter.write(w -> PeerBodies.write(w, m));
  }

  /**
   * An error body. A message longer than a string can carry is cut at a character boundary, and a
   * null message is sent as empty, so an error reply can always be sent.
   */
  public static byte[] encodeError(ErrorCode code, String message) {
    return encode(new ErrorResponse(code, message == null ? "" : fitString(message)));
  }

  /**
   * Decodes the body of a request to a client procedure: GET gives a GetRequest, the four write
   * procedures a WriteRequest with the matching mutation, GET_WITH_QUORUM a QuorumGetRequest,
   * PUT_WITH_QUORUM and DELETE_WITH_QUORUM a QuorumWriteRequest, PARTITION_MAP a PartitionMapRequest,
   * STATUS a StatusRequest, CLUSTER_STATUS a ClusterStatusRequest, CREATE_NAMESPACE a
   * CreateNamespaceRequest, DROP_NAMESPACE a DropNamespaceRequest, JOIN a JoinRequest, LEAVE a
   * LeaveRequest, COPY_PARTITION and COPY_EVENTUAL a CopyRequest, MOVE_STATUS a MoveStatusRequest,
   * REPAIR a RepairRequest.
   *
   * @throws MalformedMessageException for bad bytes, or with code UNKNOWN_PROCEDURE when
   *     {@code p} is a peer procedure
   */
  public static ClientMessage decodeRequest(Procedure p, byte[] body) {
    BodyReader r = new BodyReader(body, p + " request");
    ClientMessage m = switch (p) {
      case GET -> ClientBodies.readGetRequest(r);
      case GET_WITH_QUORUM -> ClientBodies.readQuorumGetRequest(r);
      case PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET -> ClientBodies.readWriteRequest(r, p);
      case PUT_WITH_QUORUM, DELETE_WITH_QUORUM -> ClientBodies.readQuorumWriteRequest(r, p);
      case PARTITION_MAP -> new ClientMessage.PartitionMapRequest();
      case STATUS -> new ClientMessage.StatusRequest();
      case CLUSTER_STATUS -> new ClientMessage.ClusterStatusRequest();
      case CREATE_NAMESPACE -> ClientBodies.readCreateNamespaceRequest(r);
      case DROP_NAMESPACE -> new ClientMessage.DropNamespaceRequest(r.string("name"));
      case JOIN -> ClientBodies.readJoinRequest(r);
      case LEAVE -> new ClientMessage.LeaveRequest(r.string("nodeId"));
      case COPY_PARTITION, COPY_EVENTUAL -> CopyBodies.readRequest(r);
      case MOVE_STATUS -> new ClientMessage.MoveStatusRequest();
      case REPAIR -> new ClientMessage.RepairRequest(r.string("namespace"));
      case PREPARE, VOTE, DECISION, ACK, STATUS_QUERY, STATUS_REPLY, FORGET, PEER_BATCH, QUORUM_WRITE,
           QUORUM_ACK, QUORUM_REFUSED, QUORUM_READ, QUORUM_REPLY, HINTED_WRITE, HINT_ACK, REPAIR_TREE,
           REPAIR_HASHES, REPAIR_KEYS, REPAIR_WANT, PURGE_REQUEST, PURGE_REPLY, PREPARE_WRITES, VOTE_ON_WRITE -> throw notClient(p);
    };
    r.end();
    return m;
  }

  /**
   * Decodes the body of a successful response to a client procedure: GET and GET_WITH_QUORUM give
   * a GetResponse, writes (with or without a quorum) a WriteResponse, PARTITION_MAP a PartitionMapResponse, STATUS a StatusResponse,
   * CLUSTER_STATUS a ClusterStatusResponse, CREATE_NAMESPACE, DROP_NAMESPACE and LEAVE a
   * DirectoryChangeResponse, JOIN a JoinResponse, COPY_PARTITION and COPY_EVENTUAL a CopyResponse,
   * MOVE_STATUS a MoveStatusResponse, REPAIR a RepairResponse. Error bodies go to {@link #decodeError}.
   */
  public static ClientMessage decodeResponse(Procedure p, byte[] body) {
    BodyReader r = new BodyReader(body, p + " response");
    ClientMessage m = switch (p) {
      case GET, GET_WITH_QUORUM -> ClientBodies.readGetResponse(r);
      case PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET, PUT_WITH_QUORUM, DELETE_WITH_QUORUM ->
          ClientBodies.readWriteResponse(r);
      case PARTITION_MAP -> ClientBodies.readPartitionMapResponse(r);
      case STATUS -> ClientBodies.readStatusResponse(r);
      case CLUSTER_STATUS -> ClientBodies.readClusterStatusResponse(r);
      case CREATE_NAMESPACE, DROP_NAMESPACE, LEAVE -> new ClientMessage.DirectoryChangeResponse(r.i64("epoch"));
      case JOIN -> ClientBodies.readJoinResponse(r);
      case COPY_PARTITION, COPY_EVENTUAL -> CopyBodies.readResponse(r);
      case MOVE_STATUS -> MoveBodies.readResponse(r);
      case REPAIR -> RepairBodies.readResponse(r);
      case PREPARE, VOTE, DECISION, ACK, STATUS_QUERY, STATUS_REPLY, FORGET, PEER_BATCH, QUORUM_WRITE,
           QUORUM_ACK, QUORUM_REFUSED, QUORUM_READ, QUORUM_REPLY, HINTED_WRITE, HINT_ACK, REPAIR_TREE,
           REPAIR_HASHES, REPAIR_KEYS, REPAIR_WANT, PURGE_REQUEST, PURGE_REPLY, PREPARE_WRITES, VOTE_ON_WRITE -> throw notClient(p);
    };
    r.end();
    return m;
  }

  /**
   * Decodes an error body. An error code this node does not know becomes
   * {@link ErrorCode#INTERNAL} with the number kept in the message.
   */
  public static ErrorResponse decodeError(byte[] body) {
    BodyReader r = new BodyReader(body, "error body");
    ErrorResponse e = ClientBodies.readError(r);
    r.end();
    return e;
  }

  /**
   * Decodes the body of a one-way peer message.
   *
   * @throws MalformedMessageException for bad bytes, or with code UNKNOWN_PROCEDURE when
   *     {@code p} is a client procedure
   */
  public static PeerMessage decodePeer(Procedure p, byte[] body) {
    if (!p.isPeer()) {
      throw new MalformedMessageException(ErrorCode.UNKNOWN_PROCEDURE, "procedure " + p + " (id "
          + p.id() + ") is a client request, not a peer message; peer procedures are 32..63");
    }
    if (p == Procedure.PEER_BATCH) {
      throw new MalformedMessageException("a PEER_BATCH carries several messages: decodeBatch reads it");
    }
    if (p.isQuorum()) {
      throw new MalformedMessageException(ErrorCode.UNKNOWN_PROCEDURE, "procedure " + p + " (id " + p.id()
          + ") is a quorum message of eventual namespaces, not a 2PC message; the eventual core's"
          + " QuorumCodec reads it");
    }
    BodyReader r = new BodyReader(body, p + " message");
    PeerMessage m = PeerBodies.read(r, p);
    r.end();
    return m;
  }

  /**
   * The body of a PEER_BATCH frame: u16 count (1..{@value #MAX_BATCH}), then per message its u16
   * procedure id and its body as u32 length + bytes, in sending order. A node sends one when a
   * batch of its protocol steps has several messages for the same peer, to save per-frame work.
   */
  public static byte[] encodeBatch(List<PeerMessage> messages) {
    if (messages.isEmpty() || messages.size() > MAX_BATCH) {
      throw new IllegalArgumentException("a peer batch holds 1.." + MAX_BATCH + " messages, got " + messages.size());
    }
    List<byte[]> bodies = messages.stream().map(MessageCodec::encode).toList();
    return BodyWriter.write(w -> {
      w.u16(messages.size());
      for (int i = 0; i < messages.size(); i++) {
        w.u16(Procedure.of(messages.get(i)).id()).bytes(Bytes.wrap(bodies.get(i)));
      }
    });
  }

  /** Decodes a PEER_BATCH body into its messages, in order; nested batches are refused. */
  public static List<PeerMessage> decodeBatch(byte[] body) {
    BodyReader r = new BodyReader(body, "PEER_BATCH message");
    int start = r.position();
    int count = r.u16("count");
    if (count < 1 || count > MAX_BATCH) {
      throw r.fail("count", start, count + " messages; a batch holds 1.." + MAX_BATCH);
    }
    List<PeerMessage> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int offset = r.position();
      int id = r.u16("procedure");
      Procedure p = Procedure.of(id).filter(x -> x.isPeer() && !x.isQuorum() && x != Procedure.PEER_BATCH)
          .orElseThrow(() -> r.fail("procedure", offset, "id " + id + " is not a peer message of two-phase commit; allowed 32..38, 53, 54"));
      messages.add(decodePeer(p, r.bytes("body").unsafeArray()));
    }
    r.end();
    return messages;
  }

  private static MalformedMessageException notClient(Procedure p) {
    return new MalformedMessageException(ErrorCode.UNKNOWN_PROCEDURE, "procedure " + p + " (id "
        + p.id() + ") is a one-way peer message, not a client request; client procedures have"
        + " ids 1..31");
  }

  /** The longest prefix of {@code s} whose UTF-8 fits in a u16-prefixed string. */
  private static String fitString(String s) {
    if (s.length() * 3L <= BodyWriter.MAX_STRING_BYTES) {
      return s; // fast path: no string this short can exceed the limit
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(BodyWriter.MAX_STRING_BYTES);
    CharBuffer in = CharBuffer.wrap(s);
    // On overflow the encoder stops before the first character that does not fit whole.
    encoder.encode(in, out, true);
    return s.substring(0, in.position());
  }
}
