package io.daeploy.r2dbc.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The result of one statement run: its rows, read into memory, and its update count.
 * <p>
 * A query gives row segments only; an INSERT, UPDATE or DELETE gives an update count,
 * preceded by its RETURNING rows when it has them; other statements give an update count
 * of 0. Errors are signalled by the publisher of {@code Statement.execute()}, never as
 * message segments.
 */
public final class SqliteResult implements Result {

	private final List<Segment> segments;

	private SqliteResult(List<Segment> segments) {
		this.segments = segments;
	}

	static SqliteResult of(List<SqliteRow> rows, Long updateCount) {
		List<Segment> segments = new ArrayList<>(rows.size() + 1);
		for (SqliteRow row : rows) {
			segments.add(new RowSegment(row));
		}
		if (updateCount != null) {
			segments.add(new UpdateCountSegment(updateCount));
		}
		return new SqliteResult(segments);
	}

	@Override
	public Mono<Long> getRowsUpdated() {
		long total = 0;
		boolean counted = false;
		for (Segment segment : this.segments) {
			if (segment instanceof UpdateCount count) {
				total += count.value();
				counted = true;
			}
		}
		return counted ? Mono.just(total) : Mono.empty();
	}

	@Override
	public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
		if (mappingFunction == null) {
			throw new IllegalArgumentException("mappingFunction must not be null");
		}
		return Flux.fromIterable(this.segments)
			.filter(RowSegment.class::isInstance)
			.map((segment) -> ((RowSegment) segment).row())
			.handle((row, sink) -> {
				T value = mappingFunction.apply(row, row.getMetadata());
				if (value != null) {
					sink.next(value);
				}
			});
	}

	@Override
	public SqliteResult filter(Predicate<Segment> filter) {
		if (filter == null) {
			throw new IllegalArgumentException("filter must not be null");
		}
		return new SqliteResult(this.segments.stream().filter(filter).toList());
	}

	@Override
	public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
		if (mappingFunction == null) {
			throw new IllegalArgumentException("mappingFunction must not be null");
		}
		return Flux.fromIterable(this.segments).concatMap(mappingFunction);
	}

	@Override
	public String toString() {
		return "SqliteResult" + this.segments;
	}

	record RowSegment(SqliteRow row) implements Result.RowSegment {

	}

	record UpdateCountSegment(long value) implements Result.UpdateCount {

	}

}
