package io.daeploy.r2dbc.sqlite;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A statement, possibly several separated by semicolons, with its bindings.
 * <p>
 * Parameters are written {@code ?} (bind by index, from 0), {@code ?NNN} or {@code $NNN}
 * (index NNN - 1, or by name {@code "$NNN"}), or {@code :name}, {@code @name},
 * {@code $name} (by name, with or without the prefix, or by index in order of first
 * appearance). Values wrapped in {@link Parameter} (as Spring's {@code DatabaseClient}
 * binds them) are unwrapped. {@link #add()} starts another binding set; every set runs
 * against the same prepared statement. Generated values come from an
 * {@code INSERT ... RETURNING} clause the statement adds.
 */
public final class SqliteStatement implements Statement {

	private static final Object NULL = new Object();

	private final SqliteConnection connection;

	private final String sql;

	private final ParsedSql parsed;

	private final List<Object[]> bindings = new ArrayList<>();

	private Object[] current;

	private String[] generatedColumns;

	SqliteStatement(SqliteConnection connection, String sql) {
		this.connection = connection;
		this.sql = sql;
		this.parsed = ParsedSql.parse(sql);
		this.current = new Object[this.parsed.parameterCount()];
	}

	@Override
	public SqliteStatement add() {
		requireComplete(this.current);
		this.bindings.add(this.current);
		this.current = new Object[this.parsed.parameterCount()];
		return this;
	}

	@Override
	public SqliteStatement bind(int index, Object value) {
		requireIndex(index);
		this.current[index] = encodable(value);
		return this;
	}

	@Override
	public SqliteStatement bind(String name, Object value) {
		requireName(name);
		this.current[this.parsed.indexOf(name)] = encodable(value);
		return this;
	}

	@Override
	public SqliteStatement bindNull(int index, Class<?> type) {
		requireType(type);
		requireIndex(index);
		this.current[index] = NULL;
		return this;
	}

	@Override
	public SqliteStatement bindNull(String name, Class<?> type) {
		requireName(name);
		requireType(type);
		this.current[this.parsed.indexOf(name)] = NULL;
		return this;
	}

	@Override
	public SqliteStatement returnGeneratedValues(String... columns) {
		if (columns == null) {
			throw new IllegalArgumentException("columns must not be null");
		}
		for (String column : columns) {
			if (column == null) {
				throw new IllegalArgumentException("columns must not contain null");
			}
		}
		this.generatedColumns = columns.clone();
		return this;
	}

	@Override
	public Flux<SqliteResult> execute() {
		List<Object[]> sets = new ArrayList<>(this.bindings);
		if (sets.isEmpty() || !isEmpty(this.current)) {
			requireComplete(this.current);
			sets.add(this.current);
		}
		else if (this.parsed.parameterCount() > 0) {
			// a trailing add() left an empty binding set
			throw new IllegalStateException("Parameters of the last binding set are not bound; remove the last add()");
		}
		String[] generated = this.generatedColumns;
		return Flux.fromIterable(sets)
			.concatMap(SqliteStatement::readLobs)
			.collectList()
			.flatMapMany((values) -> this.connection.execute(this.parsed, values, generated));
	}

	@Override
	public String toString() {
		return "SqliteStatement[" + this.sql + "]";
	}

	private static Object encodable(Object value) {
		if (value == null) {
			throw new IllegalArgumentException("value must not be null; use bindNull");
		}
		Object unwrapped = value;
		if (value instanceof Parameter parameter) {
			if (parameter instanceof Parameter.Out) {
				throw new IllegalArgumentException("SQLite has no OUT parameters");
			}
			unwrapped = parameter.getValue();
			if (unwrapped == null) {
				return NULL;
			}
		}
		if (!ValueCodec.canEncode(unwrapped)) {
			throw new IllegalArgumentException("Cannot bind a value of type " + unwrapped.getClass().getName());
		}
		return unwrapped;
	}

	/**
	 * Reads {@link Blob} and {@link Clob} values into memory, off the JDBC thread.
	 */
	private static Mono<Object[]> readLobs(Object[] values) {
		List<Mono<?>> reads = new ArrayList<>();
		Object[] copy = values.clone();
		for (int i = 0; i < copy.length; i++) {
			int index = i;
			if (copy[i] instanceof Blob blob) {
				reads.add(Flux.from(blob.stream())
					.collectList()
					.map(SqliteStatement::concat)
					.doOnNext((bytes) -> copy[index] = bytes));
			}
			else if (copy[i] instanceof Clob clob) {
				reads.add(Flux.from(clob.stream())
					.collect(StringBuilder::new, StringBuilder::append)
					.map(StringBuilder::toString)
					.doOnNext((text) -> copy[index] = text));
			}
			else if (copy[i] == NULL) {
				copy[i] = null;
			}
		}
		return reads.isEmpty() ? Mono.just(copy) : Flux.concat(reads).then(Mono.just(copy));
	}

	private static Object concat(List<ByteBuffer> buffers) {
		int size = buffers.stream().mapToInt(ByteBuffer::remaining).sum();
		ByteBuffer all = ByteBuffer.allocate(size);
		buffers.forEach((buffer) -> all.put(buffer.duplicate()));
		return all.array();
	}

	private void requireIndex(int index) {
		if (index < 0 || index >= this.current.length) {
			throw new IndexOutOfBoundsException("Parameter index " + index + " is out of range; the statement has "
					+ this.current.length + " parameters");
		}
	}

	private static void requireName(String name) {
		if (name == null) {
			throw new IllegalArgumentException("name must not be null");
		}
	}

	private static void requireType(Class<?> type) {
		if (type == null) {
			throw new IllegalArgumentException("type must not be null");
		}
	}

	private static boolean isEmpty(Object[] values) {
		return Arrays.stream(values).allMatch((value) -> value == null);
	}

	private static void requireComplete(Object[] values) {
		for (int i = 0; i < values.length; i++) {
			if (values[i] == null) {
				throw new IllegalStateException("Parameter " + i + " is not bound");
			}
		}
	}

}
