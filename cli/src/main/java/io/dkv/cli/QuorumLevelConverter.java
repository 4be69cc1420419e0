package io.dkv.cli;

import io.dkv.protocol.QuorumLevel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --w} and {@code --r} of the data commands: one, quorum, all or a number (eventual namespaces). */
final class QuorumLevelConverter implements ITypeConverter<QuorumLevel> {
  @Override
  public QuorumLevel convert(String value) {
    try {
      return QuorumLevel.parse("value", value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
