package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The bytes of a live display, on a terminal and elsewhere. */
class LiveDisplayTest {
  private static final String ESC = "\u001b[";

  private final StringWriter written = new StringWriter();

  private LiveDisplay display(boolean terminal) {
    return new LiveDisplay(new PrintWriter(written), terminal);
  }

  @Test
  void onATerminalALineIsRewrittenInPlaceAndABlockFromItsFirstLine() {
    LiveDisplay d = display(true);
    d.show("n4 leaving 40 left");
    d.show("n4 leaving 39 left");
    d.show("n4 leaving 39 left"); // the same: nothing to redraw
    d.show("3 moves\nn4 joining");
    d.show("2 moves\nn4 joining\nn2 up");
    d.end();
    assertThat(written.toString()).isEqualTo("n4 leaving 40 left"
        + "\r" + ESC + "J" + "n4 leaving 39 left"
        + "\r" + ESC + "J" + "3 moves\nn4 joining"
        + "\r" + ESC + "1A" + ESC + "J" + "2 moves\nn4 joining\nn2 up"
        + System.lineSeparator());
  }

  @Test
  void clearingTakesTheShownTextOffATerminal() {
    LiveDisplay d = display(true);
    d.show("a\nb");
    d.clear();
    d.clear();
    d.end(); // nothing shown: no newline either
    assertThat(written.toString()).isEqualTo("a\nb" + "\r" + ESC + "1A" + ESC + "J");
  }

  @Test
  void elsewhereEveryChangeIsWrittenAsPlainLinesAndNothingIsErased() {
    LiveDisplay d = display(false);
    d.show("n4 leaving 40 left");
    d.show("n4 leaving 40 left");
    d.show("3 moves\nn4 joining");
    d.clear();
    d.end();
    String nl = System.lineSeparator();
    assertThat(written.toString()).isEqualTo("n4 leaving 40 left" + nl + "3 moves\nn4 joining" + nl);
  }
}
