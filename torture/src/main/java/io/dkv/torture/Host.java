package io.dkv.torture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the machine allows: root, the {@code ip} tool, nftables (installed on demand). */
final class Host {
  private static final Logger log = LoggerFactory.getLogger(Host.class);
  private static final long INSTALL_TIMEOUT_SECONDS = 600;

  private Host() {}

  /** True when this process runs with effective uid 0 (read from /proc, no command needed). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      log.debug("cannot read /proc/self/status, assuming not root", e);
    }
    return false;
  }

  /** Why network namespaces cannot be used here, or empty when they can. */
  static Optional<String> namespaceUnavailableReason() {
    if (!isRoot()) {
      return Optional.of("not root (network namespaces and nftables need uid 0)");
    }
    if (!Shell.onPath("ip")) {
      return Optional.of("the 'ip' tool (iproute2) is not on the PATH");
    }
    return Optional.empty();
  }

  /**
   * Makes sure {@code binary} is on the PATH, installing the Debian package {@code aptPackage}
   * when it is missing (CI machines start fresh, so the harness installs what it needs). The
   * package lists are refreshed only when the first attempt fails. Throws with apt's message when
   * the package cannot be installed.
   */
  static void ensureInstalled(String binary, String aptPackage) {
    if (Shell.onPath(binary)) {
      return;
    }
    if (!Shell.onPath("apt-get")) {
      throw new IllegalStateException("'" + binary + "' is missing and there is no apt-get to install "
          + aptPackage + "; install it and run again");
    }
    log.info("'{}' is missing: installing the {} package", binary, aptPackage);
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    // Other apt users on the machine hold the dpkg lock for a while; wait for it instead of failing.
    List<String> install = List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q",
        "--no-install-recommends", aptPackage);
    try {
      Shell.run(install, "", env, INSTALL_TIMEOUT_SECONDS);
    } catch (Shell.CommandFailedException first) {
      log.info("installing {} failed ({}); refreshing the package lists", aptPackage, first.getMessage());
      Shell.run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q"), "", env,
          INSTALL_TIMEOUT_SECONDS);
      Shell.run(install, "", env, INSTALL_TIMEOUT_SECONDS);
    }
    if (!Shell.onPath(binary)) {
      throw new IllegalStateException("installed " + aptPackage + " but '" + binary + "' is still not on the PATH");
    }
  }
}
