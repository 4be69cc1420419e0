package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubnetTest {

  @Test
  void overlapIsDecidedByTheShorterPrefix() {
    Subnet ours = Subnet.parse("10.213.7.0/24");
    assertThat(ours.overlaps(Subnet.parse("10.0.0.0/8"))).isTrue();
    assertThat(ours.overlaps(Subnet.parse("10.213.7.42"))).isTrue();
    assertThat(ours.overlaps(Subnet.parse("10.213.0.0/16"))).isTrue();
    assertThat(ours.overlaps(Subnet.parse("10.213.8.0/24"))).isFalse();
    assertThat(ours.overlaps(Subnet.parse("192.168.0.0/16"))).isFalse();
    assertThat(Subnet.parse("10.213.7.9/24")).isEqualTo(ours);
    assertThat(ours).hasToString("10.213.7.0/24");
  }

  @Test
  void routeDestinationsSkipTheDefaultRouteAndReadTypedRoutes() {
    String routes = """
        default via 192.0.2.1 dev eth0
        192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
        local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
        local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2
        broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
        """;
    assertThat(Subnet.routeDestinations(routes)).containsExactly(Subnet.parse("192.0.2.0/24"),
        Subnet.parse("127.0.0.0/8"), Subnet.parse("192.0.2.2/32"), Subnet.parse("192.0.2.255/32"));
  }

  @Test
  void malformedPrefixesAreRejected() {
    assertThatThrownBy(() -> Subnet.parse("10.213.7/24")).hasMessageContaining("expected a.b.c.d/len");
    assertThatThrownBy(() -> Subnet.parse("10.213.7.300/24")).hasMessageContaining("octet 300");
    assertThatThrownBy(() -> Subnet.parse("10.213.7.0/33")).hasMessageContaining("allowed 0 to 32");
  }
}
