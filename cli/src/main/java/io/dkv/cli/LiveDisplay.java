package io.dkv.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Help.Ansi;

/**
 * Progress redrawn in place on a terminal, as {@link BenchCommand}'s progress line is: the cursor
 * goes back to the start of what was shown ({@code \r}, and up a line per extra line), the rest of
 * the screen is erased and the new text written, without a final newline. Anywhere else (a file, a
 * pipe) escape codes would be noise, so each text is written as plain lines, and only when it
 * differs from the last one.
 */
final class LiveDisplay {
  private static final String ESC = "\u001b[";

  private final PrintWriter out;
  private final boolean terminal;
  private String shown = "";

  LiveDisplay(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** A display on {@code out} that redraws when escape codes may be used (picocli's check of the console). */
  static LiveDisplay on(PrintWriter out) {
    return new LiveDisplay(out, Ansi.AUTO.enabled());
  }

  /** A display that shows nothing, for output that must be only the result (--json). */
  static LiveDisplay silent() {
    return new LiveDisplay(new PrintWriter(Writer.nullWriter()), false);
  }

  /** Replaces what is shown with {@code text} (one or more lines). */
  void show(String text) {
    if (text.equals(shown)) {
      return;
    }
    if (terminal) {
      out.print(erase() + text);
    } else {
      out.println(text);
    }
    out.flush();
    shown = text;
  }

  /** Takes what is shown off a terminal (elsewhere it stays, as lines already written). */
  void clear() {
    if (terminal && !shown.isEmpty()) {
      out.print(erase());
      out.flush();
    }
    shown = "";
  }

  /** Leaves what is shown in place, ending its last line, so that what follows starts below it. */
  void end() {
    if (terminal && !shown.isEmpty()) {
      out.println();
      out.flush();
    }
    shown = "";
  }

  /** Back to the start of the shown text, then erase to the end of the screen. */
  private String erase() {
    if (shown.isEmpty()) {
      return "";
    }
    int lines = (int) shown.lines().count();
    return "\r" + (lines > 1 ? ESC + (lines - 1) + "A" : "") + ESC + "J";
  }
}
