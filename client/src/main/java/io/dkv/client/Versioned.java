package io.dkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A value as stored, with the version it got when it was written. Versions only grow per key. */
public final class Versioned {
  private final byte[] value;
  private final long version;

  public Versioned(byte[] value, long version) {
    this.value = value.clone();
    this.version = version;
  }

  public byte[] value() {
    return value.clone();
  }

  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public long version() {
    return version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versioned v && v.version == version && Arrays.equals(v.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(version) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Versioned[version=" + version + ", " + value.length + " bytes]";
  }
}
