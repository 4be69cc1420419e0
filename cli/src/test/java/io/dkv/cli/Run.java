package io.dkv.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the {@code dkv} command line, in this JVM, with what it printed. */
record Run(int exitCode, String out, String err) {
  static Run of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
