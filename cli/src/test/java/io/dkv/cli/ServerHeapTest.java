package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerHeapTest {
  @Test
  void aSizeBecomesAFixedPreTouchedHeap() {
    assertThat(ServerHeap.jvmOptions("1g")).containsExactly("-Xms1024m", "-Xmx1024m", "-XX:+AlwaysPreTouch");
    assertThat(ServerHeap.jvmOptions("512M")).containsExactly("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
    assertThat(ServerHeap.jvmOptions("256m")).contains("-Xmx256m");
    assertThat(ServerHeap.jvmOptions("64g")).contains("-Xmx65536m");
  }

  @Test
  void anythingElseIsRefusedSayingWhatIsAllowed() {
    for (String bad : new String[] {"", "255m", "0g", "1t", "1.5g", "-1g", "1024", "g", "01g", "99999999m", "65g", "65537m"}) {
      assertThatThrownBy(() -> ServerHeap.jvmOptions(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--heap is '" + bad + "'")
          .hasMessageContaining("from 256m to 64g, like 512m or 2g");
    }
  }

  @Test
  void devRefusesABadHeapBeforeStartingAnything() {
    Run run = Run.of("dev", "--heap", "100m", "--dir", "/nonexistent/dkv-dev-heap-test");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("--heap is '100m'");
  }
}
