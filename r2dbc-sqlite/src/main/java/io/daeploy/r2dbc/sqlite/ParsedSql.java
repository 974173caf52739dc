package io.daeploy.r2dbc.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * SQL text split into single statements, with its bind parameters found and rewritten to
 * plain {@code ?} markers.
 * <p>
 * sqlite-jdbc prepares only the first statement of a text, so compound texts
 * ({@code SELECT 1; SELECT 2}) are split on top-level semicolons here (a
 * {@code CREATE TRIGGER} body is kept whole). Parameters follow SQLite's own numbering:
 * {@code ?NNN} and {@code $NNN} are parameter NNN, a plain {@code ?} is the highest
 * number so far plus one, and {@code :name}, {@code @name}, {@code $name} take the next
 * number on first use and the same number on later uses. Parameter numbers span the whole
 * text, so one binding set feeds every statement of a compound text.
 */
final class ParsedSql {

	private final List<Part> parts;

	private final int parameterCount;

	private final Map<String, Integer> names;

	private ParsedSql(List<Part> parts, int parameterCount, Map<String, Integer> names) {
		this.parts = parts;
		this.parameterCount = parameterCount;
		this.names = names;
	}

	List<Part> parts() {
		return this.parts;
	}

	int parameterCount() {
		return this.parameterCount;
	}

	/**
	 * The zero-based index of a named parameter. A name matches with or without its
	 * prefix: {@code :id} and {@code id}, {@code $1} and {@code 1}.
	 * @param name the parameter name
	 * @return the parameter index
	 * @throws NoSuchElementException if the text has no such parameter
	 */
	int indexOf(String name) {
		Integer index = this.names.get(name);
		if (index == null) {
			throw new NoSuchElementException(
					"No parameter named '" + name + "' in this statement; known names: " + this.names.keySet());
		}
		return index;
	}

	static ParsedSql parse(String sql) {
		return new Parser(sql).parse();
	}

	/**
	 * One statement of the text.
	 *
	 * @param sql the statement with every parameter rewritten to {@code ?}, comments and
	 * the closing semicolon removed
	 * @param parameterIndexes for each {@code ?} in order, the zero-based parameter index
	 * it takes its value from
	 * @param modifiesRows whether the statement is an INSERT, REPLACE, UPDATE or DELETE
	 * (possibly after a WITH clause) and so accepts a RETURNING clause
	 * @param hasReturning whether the statement already has a RETURNING clause
	 */
	record Part(String sql, int[] parameterIndexes, boolean modifiesRows, boolean hasReturning) {

		/**
		 * This statement with a RETURNING clause for generated values when it can take
		 * one.
		 * @param columns the columns to return, all columns when empty
		 * @return the statement to prepare
		 */
		String withReturning(String[] columns) {
			if (!this.modifiesRows || this.hasReturning) {
				return this.sql;
			}
			String list = (columns.length != 0) ? String.join(", ", columns) : "*";
			return this.sql + " RETURNING " + list;
		}

	}

	private static final class Parser {

		private final String sql;

		private final List<Part> parts = new ArrayList<>();

		private final Map<String, Integer> names = new HashMap<>();

		private int maxNumber;

		private int pos;

		private StringBuilder current = new StringBuilder();

		private List<Integer> currentParameters = new ArrayList<>();

		private final List<String> leadingWords = new ArrayList<>();

		private String lastWord;

		private int depth;

		private boolean modifiesRows;

		private boolean hasReturning;

		Parser(String sql) {
			this.sql = sql;
		}

		ParsedSql parse() {
			int length = this.sql.length();
			while (this.pos < length) {
				char c = this.sql.charAt(this.pos);
				if (c == '\'' || c == '"' || c == '`') {
					quoted(c, c);
				}
				else if (c == '[') {
					quoted('[', ']');
				}
				else if (c == '-' && peek(1) == '-') {
					skipLineComment();
				}
				else if (c == '/' && peek(1) == '*') {
					skipBlockComment();
				}
				else if (c == '?') {
					questionMark();
				}
				else if ((c == ':' || c == '@' || c == '$') && isNameStart(peek(1), c == '$')) {
					namedParameter(c);
				}
				else if (c == ';') {
					this.pos++;
					if (isTrigger() && !"END".equals(this.lastWord)) {
						this.current.append(c);
					}
					else {
						endStatement();
					}
				}
				else if (Character.isLetter(c) || c == '_') {
					word();
				}
				else {
					if (c == '(') {
						this.depth++;
					}
					else if (c == ')') {
						this.depth--;
					}
					this.current.append(c);
					this.pos++;
				}
			}
			endStatement();
			Map<String, Integer> names = Collections.unmodifiableMap(new HashMap<>(this.names));
			return new ParsedSql(Collections.unmodifiableList(this.parts), this.maxNumber, names);
		}

		private char peek(int offset) {
			int index = this.pos + offset;
			return (index < this.sql.length()) ? this.sql.charAt(index) : '\0';
		}

		private static boolean isNameStart(char c, boolean digitsAllowed) {
			return Character.isLetter(c) || c == '_' || (digitsAllowed && Character.isDigit(c));
		}

		private static boolean isNamePart(char c) {
			return Character.isLetterOrDigit(c) || c == '_' || c == '$';
		}

		private void quoted(char open, char close) {
			int start = this.pos;
			this.pos++;
			while (this.pos < this.sql.length()) {
				char c = this.sql.charAt(this.pos++);
				if (c == close) {
					if (open != '[' && peek(0) == close) {
						this.pos++;
						continue;
					}
					break;
				}
			}
			this.current.append(this.sql, start, this.pos);
			this.lastWord = null;
		}

		private void skipLineComment() {
			int end = this.sql.indexOf('\n', this.pos);
			this.pos = (end != -1) ? end + 1 : this.sql.length();
			this.current.append(' ');
		}

		private void skipBlockComment() {
			int end = this.sql.indexOf("*/", this.pos + 2);
			this.pos = (end != -1) ? end + 2 : this.sql.length();
			this.current.append(' ');
		}

		private void questionMark() {
			this.pos++;
			int start = this.pos;
			while (this.pos < this.sql.length() && Character.isDigit(this.sql.charAt(this.pos))) {
				this.pos++;
			}
			if (this.pos == start) {
				addParameter(++this.maxNumber);
				return;
			}
			String digits = this.sql.substring(start, this.pos);
			numberedParameter(Integer.parseInt(digits), "?" + digits, digits);
		}

		private void namedParameter(char prefix) {
			int start = ++this.pos;
			if (prefix == '$' && Character.isDigit(this.sql.charAt(start))) {
				while (this.pos < this.sql.length() && Character.isDigit(this.sql.charAt(this.pos))) {
					this.pos++;
				}
				String digits = this.sql.substring(start, this.pos);
				numberedParameter(Integer.parseInt(digits), "$" + digits, digits);
				return;
			}
			while (this.pos < this.sql.length() && isNamePart(this.sql.charAt(this.pos))) {
				this.pos++;
			}
			String name = this.sql.substring(start, this.pos);
			String token = prefix + name;
			Integer index = this.names.get(token);
			if (index == null) {
				index = this.maxNumber++;
				this.names.put(token, index);
				this.names.putIfAbsent(name, index);
			}
			addParameter(index + 1);
		}

		private void numberedParameter(int number, String token, String bare) {
			if (number < 1) {
				throw new IllegalArgumentException("Parameter numbers start at 1: " + token);
			}
			this.maxNumber = Math.max(this.maxNumber, number);
			this.names.put(token, number - 1);
			this.names.putIfAbsent(bare, number - 1);
			addParameter(number);
		}

		private void addParameter(int number) {
			this.current.append('?');
			this.currentParameters.add(number - 1);
			this.lastWord = null;
		}

		private void word() {
			int start = this.pos;
			while (this.pos < this.sql.length() && isNamePart(this.sql.charAt(this.pos))) {
				this.pos++;
			}
			String word = this.sql.substring(start, this.pos);
			this.current.append(word);
			String upper = word.toUpperCase(Locale.ROOT);
			this.lastWord = upper;
			if (this.leadingWords.size() < 3) {
				this.leadingWords.add(upper);
				if (this.leadingWords.size() == 1) {
					this.modifiesRows = isModifying(upper);
				}
			}
			if (this.depth == 0 && !this.leadingWords.isEmpty()) {
				if ("WITH".equals(this.leadingWords.get(0)) && isModifying(upper)) {
					this.modifiesRows = true;
				}
				if ("RETURNING".equals(upper)) {
					this.hasReturning = true;
				}
			}
		}

		private static boolean isModifying(String word) {
			return "INSERT".equals(word) || "REPLACE".equals(word) || "UPDATE".equals(word) || "DELETE".equals(word);
		}

		private boolean isTrigger() {
			if (this.leadingWords.size() < 2 || !"CREATE".equals(this.leadingWords.get(0))) {
				return false;
			}
			return "TRIGGER".equals(this.leadingWords.get(1)) || (this.leadingWords.size() == 3
					&& "TRIGGER".equals(this.leadingWords.get(2)) && this.leadingWords.get(1).startsWith("TEMP"));
		}

		private void endStatement() {
			String statement = this.current.toString().strip();
			if (!statement.isEmpty()) {
				int[] indexes = this.currentParameters.stream().mapToInt(Integer::intValue).toArray();
				this.parts.add(new Part(statement, indexes, this.modifiesRows, this.hasReturning));
			}
			this.current = new StringBuilder();
			this.currentParameters = new ArrayList<>();
			this.leadingWords.clear();
			this.lastWord = null;
			this.depth = 0;
			this.modifiesRows = false;
			this.hasReturning = false;
		}

	}

}
