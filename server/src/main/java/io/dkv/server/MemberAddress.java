package io.dkv.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A cluster member as configured: {@code ID@HOST:PORT}. */
public record MemberAddress(String nodeId, String host, int port) {

  public MemberAddress {
    NodeConfig.requireNodeId(nodeId);
    if (host == null || host.isBlank()) {
      throw new ConfigException("member " + nodeId + ": host is empty; expected ID@HOST:PORT");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("member " + nodeId + ": port " + port + " is outside 1..65535");
    }
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** Parses {@code HOST:PORT}; the error names {@code what} and the expected form. */
  public static HostPort parseHostPort(String what, String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new ConfigException(what + " '" + text + "' is not HOST:PORT (example: 127.0.0.1:7401)");
    }
    String host = text.substring(0, colon);
    long port; // parsed wide, so that a huge number is reported as out of range, not as garbage
    try {
      port = Long.parseLong(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(what + " '" + text + "': port is not a number in 0..65535");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(what + " '" + text + "': port is outside 0..65535");
    }
    return new HostPort(host, (int) port);
  }

  /** Parses {@code ID@HOST:PORT}. */
  public static MemberAddress parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0) {
      throw new ConfigException("member '" + text + "' is not ID@HOST:PORT (example: n1@127.0.0.1:7401)");
    }
    HostPort hp = parseHostPort("member " + text.substring(0, at), text.substring(at + 1));
    return new MemberAddress(text.substring(0, at), hp.host(), hp.port());
  }

  /** Parses the member list: comma-separated {@code ID@HOST:PORT}; ids must be unique. */
  public static List<MemberAddress> parseList(String text) {
    return parseList("member list", text);
  }

  /** Parses a comma-separated list of {@code ID@HOST:PORT} named {@code what} in errors; ids must be unique. */
  public static List<MemberAddress> parseList(String what, String text) {
    List<MemberAddress> members = new ArrayList<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      MemberAddress m = parse(part.trim());
      if (members.stream().anyMatch(o -> o.nodeId().equals(m.nodeId()))) {
        throw new ConfigException("node id '" + m.nodeId() + "' appears twice in the " + what);
      }
      members.add(m);
    }
    if (members.isEmpty()) {
      throw new ConfigException("the " + what + " is empty; expected ID@HOST:PORT,...");
    }
    return List.copyOf(members);
  }

  @Override
  public String toString() {
    return nodeId + "@" + host + ":" + port;
  }

  /** A parsed {@code HOST:PORT}. */
  public record HostPort(String host, int port) {
    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }
}
