package io.dkv.core.directory;

import java.util.regex.Pattern;

/**
 * The rules for ids, names and addresses in the directory. Each check returns null when the value
 * is valid, or the reason it is not, saying what is allowed.
 */
final class DirectoryNames {
  /** The same rule as a node's configured id, so every configured node can join. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]{1,253}");
  private static final String ID_RULE =
      "use 1-64 characters of letters, digits, '_', '.', '-', starting with a letter or digit";

  private DirectoryNames() {}

  static String checkNodeId(String nodeId) {
    return ID.matcher(nodeId).matches() ? null : "node id '" + nodeId + "' is invalid; " + ID_RULE;
  }

  static String checkNamespaceName(String name) {
    return ID.matcher(name).matches() ? null
        : "namespace name '" + name + "' is invalid; " + ID_RULE;
  }

  /** HOST:PORT with a port in 1..65535; an IPv6 host is written in brackets. */
  static String checkAddress(String address) {
    int colon = address.lastIndexOf(':');
    String problem = "address '" + address + "' is not HOST:PORT with a port in 1..65535"
        + " (example: 10.0.0.7:7401)";
    if (colon <= 0 || colon == address.length() - 1
        || !HOST.matcher(address.substring(0, colon)).matches()) {
      return problem;
    }
    String port = address.substring(colon + 1);
    if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return problem;
    }
    int p = Integer.parseInt(port);
    return p >= 1 && p <= 65535 ? null : problem;
  }
}
