package io.dkv.cli;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns as wide as their widest cell, two spaces apart, for human output. */
final class TextTable {
  private final int columns;
  private final List<List<String>> rows = new ArrayList<>();

  /** A table whose first row is {@code headers}. */
  TextTable(String... headers) {
    this.columns = headers.length;
    rows.add(List.of(headers));
  }

  private TextTable(int columns) {
    this.columns = columns;
  }

  /** A table of {@code columns} columns with no header row. */
  static TextTable withoutHeader(int columns) {
    return new TextTable(columns);
  }

  TextTable row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
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
