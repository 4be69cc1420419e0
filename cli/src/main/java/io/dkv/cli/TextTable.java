package io.dkv.cli;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns as wide as their widest cell, two spaces apart, for human output. */
final class TextTable {
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headers) {
    rows.add(List.of(headers));
  }

  TextTable row(Object... cells) {
    if (cells.length != rows.get(0).size()) {
      throw new IllegalArgumentException(cells.length + " cells for " + rows.get(0).size() + " columns");
    }
    List<String> row = new ArrayList<>();
    for (Object c : cells) {
      row.add(String.valueOf(c));
    }
    rows.add(row);
    return this;
  }

  @Override
  public String toString() {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        String cell = row.get(c);
        line.append(c == 0 ? "" : "  ").append(cell).append(" ".repeat(widths[c] - cell.length()));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString().stripTrailing();
  }
}
