package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.checker.Outcome;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LatencyChartTest {
  @Test
  void theChartIsValidSvgWithABandPerFaultAndMarksWhereOperationsFailed() throws Exception {
    LatencyLog log = new LatencyLog();
    long start = 1_000_000_000L;
    for (int i = 0; i < 200; i++) {
      Outcome outcome = i == 150 ? Outcome.UNKNOWN : new Outcome.Written(i + 1);
      log.record(start + i * 50_000_000L, (1 + i % 7) * 1_000_000L, outcome);
    }
    List<LatencyChart.Window> faults = List.of(
        new LatencyChart.Window(2, 4, FaultKind.KILL.text(), "kill n2"),
        new LatencyChart.Window(6, 7, FaultKind.PARTITION.text(), "split n1 | n2,n3 <&>"),
        new LatencyChart.Window(9, 10, LatencyChart.HEALED, "healed: liveness check, final reads"));

    String svg = LatencyChart.svg("run <1>", start, 10, log.samples(), faults);

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    List<String> bandTitles = new ArrayList<>();
    NodeList titles = doc.getElementsByTagName("title");
    for (int i = 0; i < titles.getLength(); i++) {
      Element parent = (Element) titles.item(i).getParentNode();
      if (parent.getTagName().equals("rect")) {
        bandTitles.add(titles.item(i).getTextContent());
      }
    }
    assertThat(bandTitles).containsExactly("kill n2", "split n1 | n2,n3 <&>", "healed: liveness check, final reads");
    assertThat(doc.getElementsByTagName("polyline").getLength()).as("p50, p99 and max").isEqualTo(3);
    int redTicks = 0;
    NodeList lines = doc.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      if (((Element) lines.item(i)).getAttribute("stroke").equals("red")) {
        redTicks++;
      }
    }
    assertThat(redTicks).as("one slice holds the operation without an answer").isEqualTo(1);
  }
}
