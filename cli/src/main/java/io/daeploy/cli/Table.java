package io.daeploy.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header row and columns as wide as their widest cell, two spaces
 * apart, as the original's tables.
 */
final class Table {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final List<String> header;

	private final List<List<String>> rows = new ArrayList<>();

	/**
	 * A table.
	 * @param header the column names
	 */
	Table(String... header) {
		this.header = List.of(header);
	}

	/**
	 * Adds a row.
	 * @param cells one per column; null shows as an empty cell
	 * @return this table
	 */
	Table row(String... cells) {
		if (cells.length != this.header.size()) {
			throw new IllegalArgumentException("A row needs " + this.header.size() + " cells");
		}
		this.rows.add(Arrays.stream(cells).map((cell) -> (cell != null) ? cell : "").toList());
		return this;
	}

	/**
	 * The table as text, one line a row, each ending in a newline.
	 * @return the text
	 */
	String render() {
		int[] widths = new int[this.header.size()];
		for (List<String> row : allRows()) {
			for (int i = 0; i < row.size(); i++) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (List<String> row : allRows()) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.size(); i++) {
				line.append(row.get(i));
				if (i < row.size() - 1) {
					line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
				}
			}
			text.append(line.toString().stripTrailing()).append('\n');
		}
		return text.toString();
	}

	void print(PrintWriter out) {
		out.print(render());
		out.flush();
	}

	private List<List<String>> allRows() {
		List<List<String>> all = new ArrayList<>();
		all.add(this.header);
		all.addAll(this.rows);
		return all;
	}

	/**
	 * A time the manager sent, in the local time zone, to the second.
	 * @param iso an ISO-8601 date and time with offset, or null
	 * @return e.g. {@code 2026-12-01 10:15:03}, or {@code ""} for null
	 */
	static String time(String iso) {
		if (iso == null || iso.isEmpty()) {
			return "";
		}
		try {
			return OffsetDateTime.parse(iso).atZoneSameInstant(ZoneId.systemDefault()).format(TIME);
		}
		catch (DateTimeParseException ex) {
			return iso;
		}
	}

}
