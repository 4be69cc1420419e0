package io.dkv.cli;

import picocli.CommandLine.Option;

/** The namespace a data command or a benchmark works in. */
final class NamespaceOption {
  @Option(names = "--ns", paramLabel = "NAME", defaultValue = "default",
      description = "The namespace (default ${DEFAULT-VALUE}; dkv ns create adds others).")
  String name;
}
