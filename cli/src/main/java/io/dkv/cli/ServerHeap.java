package io.dkv.cli;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap options of a server JVM: a fixed size, every page touched at start.
 *
 * <p>Why: with the JVM's default (an initial heap of 1/64 of memory, growing up to 1/4), ZGC grows
 * a loaded server's heap for minutes, and every page it adds is zeroed by the kernel on its first
 * touch, in whichever thread touches it: under 50-client puts, page faults (clear_page_erms via
 * shmem_fault) took 7 % of the machine's CPU, nearly all of it in the protocol cores' threads
 * (docs/benchmarks.md, "What was tried"). A fixed, pre-touched heap pays that once, at start.
 */
final class ServerHeap {
  private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,6})([mg])");
  private static final long MIN_MIB = 256;
  private static final long MAX_MIB = 64 * 1024;

  private ServerHeap() {}

  /** The JVM options for a heap of {@code size} (like 512m or 2g), or a clear error. */
  static List<String> jvmOptions(String size) {
    Matcher m = SIZE.matcher(size.toLowerCase(Locale.ROOT));
    long mib = m.matches() ? Long.parseLong(m.group(1)) * (m.group(2).equals("g") ? 1024 : 1) : -1;
    if (mib < MIN_MIB || mib > MAX_MIB) {
      throw new IllegalArgumentException("--heap is '" + size + "'; it must be a size in MiB or GiB"
          + " from " + MIN_MIB + "m to " + MAX_MIB / 1024 + "g, like 512m or 2g");
    }
    String bytes = mib + "m";
    return List.of("-Xms" + bytes, "-Xmx" + bytes, "-XX:+AlwaysPreTouch");
  }
}
