package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuorumSettingsTest {

  @Test
  void levelsByNameOrNumber() {
    assertThat(QuorumSettings.parseLevel("--w", "one", 3)).isEqualTo(1);
    assertThat(QuorumSettings.parseLevel("--w", "QUORUM", 3)).isEqualTo(2);
    assertThat(QuorumSettings.parseLevel("--w", "quorum", 4)).isEqualTo(3);
    assertThat(QuorumSettings.parseLevel("--r", "all", 5)).isEqualTo(5);
    assertThat(QuorumSettings.parseLevel("--r", " 2 ", 3)).isEqualTo(2);
  }

  @Test
  void badLevelsSayWhatIsAllowed() {
    assertThatThrownBy(() -> QuorumSettings.parseLevel("--w", "most", 3))
        .hasMessage("--w 'most' is not a quorum level; allowed: one, quorum, all or a whole number from 1 to N"
            + " (the namespace's replicas)");
    assertThatThrownBy(() -> QuorumSettings.parseLevel("--w", "0", 3)).hasMessageContaining("not a quorum level");
    assertThatThrownBy(() -> QuorumSettings.parseLevel("--r", "4", 3))
        .hasMessage("--r = 4 is out of range: it must be between 1 and N = 3 (the number of replicas of the key)");
    assertThatThrownBy(() -> new QuorumSettings(0, 1, 1)).hasMessage("N (replicas) must be at least 1, got 0");
    assertThatThrownBy(() -> new QuorumSettings(3, 2, 0)).hasMessageStartingWith("read quorum R = 0 is out of range");
  }

  @Test
  void overlappingQuorumsAndTheWarningWhenTheyDoNot() {
    QuorumSettings s = new QuorumSettings(3, 2, 2);
    assertThat(s.readsSeeLatestWrite()).isTrue();
    assertThat(s.overlapWarning()).isNull();
    QuorumSettings fast = s.withOverrides(1, null);
    assertThat(fast).isEqualTo(new QuorumSettings(3, 1, 2));
    assertThat(fast.overlapWarning()).isEqualTo("R + W = 3 is not more than N = 3: a read may miss the latest"
        + " acknowledged write (choose R + W > N to see it)");
    assertThatThrownBy(() -> s.withOverrides(null, 4)).hasMessageStartingWith("read quorum R = 4");
  }
}
