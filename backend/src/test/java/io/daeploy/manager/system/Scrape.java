package io.daeploy.manager.system;

import java.util.Map;

/**
 * A Prometheus text exposition, read for tests: the sum of the samples of one metric
 * whose labels include the given ones.
 */
record Scrape(String text) {

	double value(String metric, Map<String, String> labels) {
		double sum = 0;
		for (String line : this.text.split("\n")) {
			if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
				continue;
			}
			int end = line.lastIndexOf(' ');
			String series = line.substring(0, end);
			if (labels.entrySet()
				.stream()
				.allMatch((label) -> series.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
				sum += Double.parseDouble(line.substring(end + 1));
			}
		}
		return sum;
	}

	boolean has(String metric) {
		return this.text.lines().anyMatch((line) -> line.startsWith(metric + "{") || line.startsWith(metric + " "));
	}

}
