package io.daeploy.r2dbc.sqlite;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.data.annotation.Id;
import org.springframework.data.domain.Sort;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.data.relational.core.dialect.RenderContextFactory;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.relational.core.query.Query;
import org.springframework.data.relational.core.query.Update;
import org.springframework.data.relational.core.sql.Column;
import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.core.sql.Select;
import org.springframework.data.relational.core.sql.render.SqlRenderer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.binding.BindMarkersFactoryResolver;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;

import static io.daeploy.r2dbc.sqlite.TestDatabase.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.data.relational.core.query.Criteria.where;

class SqliteDialectTests {

	@TempDir
	Path directory;

	private SqliteConnectionFactory factory;

	private R2dbcEntityTemplate template;

	@BeforeEach
	void createTables() {
		this.factory = TestDatabase.in(this.directory);
		TestDatabase.execute(this.factory,
				"CREATE TABLE person (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, "
						+ "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, active BOOLEAN NOT NULL, "
						+ "verified INTEGER NOT NULL DEFAULT 1, role TEXT, token TEXT, birthday DATE, last_seen DATETIME)");
		TestDatabase.execute(this.factory, "CREATE TABLE marker (id INTEGER PRIMARY KEY)");
		this.template = new R2dbcEntityTemplate(this.factory);
	}

	@Test
	void dialectAndBindMarkersAreResolvedFromTheConnectionFactory() {
		assertThat(DialectResolver.getDialect(this.factory)).isSameAs(SqliteDialect.INSTANCE);
		ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(this.factory).build());
		try {
			assertThat(DialectResolver.getDialect(pool)).isSameAs(SqliteDialect.INSTANCE);
		}
		finally {
			pool.dispose();
		}
		assertThat(BindMarkersFactoryResolver.resolve(this.factory).create().next().getPlaceholder()).isEqualTo("?");
	}

	@Test
	void insertGetsTheGeneratedIdAndValuesReadBack() {
		Instant createdAt = Instant.parse("2026-11-25T07:19:00.123456789Z");
		UUID token = UUID.randomUUID();
		Person alice = this.template.insert(new Person("alice", createdAt, true, Role.ADMIN, token)).block(TIMEOUT);
		Person bob = this.template.insert(new Person("bob", createdAt, false, Role.USER, null)).block(TIMEOUT);
		assertThat(alice.id).isNotNull();
		assertThat(bob.id).isEqualTo(alice.id + 1);

		Person read = this.template.selectOne(Query.query(where("id").is(alice.id)), Person.class).block(TIMEOUT);
		assertThat(read.name).isEqualTo("alice");
		assertThat(read.createdAt).isEqualTo(createdAt);
		assertThat(read.active).isTrue();
		assertThat(read.role).isEqualTo(Role.ADMIN);
		assertThat(read.token).isEqualTo(token);

		Marker marker = this.template.insert(new Marker()).block(TIMEOUT);
		assertThat(marker.id).isOne();
	}

	@Test
	void valuesWrittenBySqlReadBack() {
		TestDatabase.execute(this.factory, "INSERT INTO person (name, active, birthday, last_seen) "
				+ "VALUES ('sql', 0, '2000-02-29', '2026-11-25 07:19:00.5')");
		Person read = this.template.selectOne(Query.query(where("name").is("sql")), Person.class).block(TIMEOUT);
		assertThat(read.createdAt).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
		assertThat(read.verified).isTrue();
		assertThat(read.birthday).isEqualTo(LocalDate.of(2000, 2, 29));
		assertThat(read.lastSeen).isEqualTo(LocalDateTime.of(2026, 11, 25, 7, 19, 0, 500_000_000));
	}

	@Test
	void selectWithCriteriaLimitAndOffset() {
		for (int i = 0; i < 10; i++) {
			this.template.insert(new Person("p" + i, Instant.now(), i % 2 == 0, Role.USER, null)).block(TIMEOUT);
		}
		Query active = Query.query(where("active").isTrue().and("name").like("p%")).sort(Sort.by("name"));
		List<String> page = this.template.select(active.limit(2).offset(1), Person.class)
			.map((person) -> person.name)
			.collectList()
			.block(TIMEOUT);
		assertThat(page).containsExactly("p2", "p4");
		List<String> rest = this.template.select(active.offset(3), Person.class)
			.map((person) -> person.name)
			.collectList()
			.block(TIMEOUT);
		assertThat(rest).containsExactly("p6", "p8");
		assertThat(this.template.count(Query.query(where("active").isFalse()), Person.class).block(TIMEOUT))
			.isEqualTo(5);
		assertThat(this.template.exists(Query.query(where("name").is("p3")), Person.class).block(TIMEOUT)).isTrue();
	}

	@Test
	void updateDeleteAndDuplicateKeys() {
		this.template.insert(new Person("carol", Instant.now(), true, Role.USER, null)).block(TIMEOUT);
		long updated = this.template.update(Person.class)
			.matching(Query.query(where("name").is("carol")))
			.apply(Update.update("role", Role.ADMIN))
			.block(TIMEOUT);
		assertThat(updated).isOne();
		assertThat(this.template.selectOne(Query.query(where("name").is("carol")), Person.class).block(TIMEOUT).role)
			.isEqualTo(Role.ADMIN);
		assertThatExceptionOfType(DuplicateKeyException.class).isThrownBy(
				() -> this.template.insert(new Person("carol", Instant.now(), true, Role.USER, null)).block(TIMEOUT));
		assertThat(this.template.delete(Query.query(where("name").is("carol")), Person.class).block(TIMEOUT)).isOne();
	}

	@Test
	void databaseClientBindsNamedParameters() {
		this.template.insert(new Person("dave", Instant.now(), true, Role.USER, null)).block(TIMEOUT);
		DatabaseClient client = DatabaseClient.create(this.factory);
		List<String> names = client.sql("SELECT name FROM person WHERE name = :name AND active = :active")
			.bind("name", "dave")
			.bind("active", true)
			.map((row) -> row.get("name", String.class))
			.all()
			.collectList()
			.block(TIMEOUT);
		assertThat(names).containsExactly("dave");
		Long id = client.sql("INSERT INTO person (name, active) VALUES (:name, 0)")
			.bind("name", "erin")
			.filter((statement) -> statement.returnGeneratedValues("id"))
			.map((row) -> row.get("id", Long.class))
			.one()
			.block(TIMEOUT);
		assertThat(id).isNotNull();
	}

	@Test
	void springTransactionsCommitRollBackAndStayReadOnly() {
		TransactionalOperator transactional = TransactionalOperator.create(new R2dbcTransactionManager(this.factory));
		Mono<Person> failing = this.template.insert(new Person("frank", Instant.now(), true, Role.USER, null))
			.then(Mono.error(new IllegalStateException("undo")));
		StepVerifier.create(failing.as(transactional::transactional))
			.expectError(IllegalStateException.class)
			.verify(TIMEOUT);
		assertThat(this.template.count(Query.empty(), Person.class).block(TIMEOUT)).isZero();

		this.template.insert(new Person("gina", Instant.now(), true, Role.USER, null))
			.as(transactional::transactional)
			.block(TIMEOUT);
		assertThat(this.template.count(Query.empty(), Person.class).block(TIMEOUT)).isOne();

		DefaultTransactionDefinition readOnly = new DefaultTransactionDefinition();
		readOnly.setReadOnly(true);
		TransactionalOperator readOnlyTransactional = TransactionalOperator
			.create(new R2dbcTransactionManager(this.factory), readOnly);
		StepVerifier
			.create(this.template.insert(new Person("hans", Instant.now(), true, Role.USER, null))
				.as(readOnlyTransactional::transactional))
			.expectError(PermissionDeniedDataAccessException.class)
			.verify(TIMEOUT);
	}

	@Test
	void rendersLimitOffsetAndNoLockClause() {
		org.springframework.data.relational.core.sql.Table table = org.springframework.data.relational.core.sql.Table
			.create("person");
		Column name = table.column("name");
		SqlRenderer renderer = SqlRenderer
			.create(new RenderContextFactory(SqliteDialect.INSTANCE).createRenderContext());
		Select locked = Select.builder()
			.select(name)
			.from(table)
			.limitOffset(10, 20)
			.lock(LockMode.PESSIMISTIC_WRITE)
			.build();
		assertThat(renderer.render(locked)).isEqualTo("SELECT person.name FROM person LIMIT 10 OFFSET 20");
		Select offsetOnly = Select.builder().select(name).from(table).offset(5).build();
		assertThat(renderer.render(offsetOnly)).isEqualTo("SELECT person.name FROM person LIMIT -1 OFFSET 5");
	}

	enum Role {

		USER, ADMIN

	}

	@Table("person")
	static class Person {

		@Id
		Long id;

		String name;

		Instant createdAt;

		boolean active;

		Role role;

		UUID token;

		boolean verified;

		LocalDate birthday;

		LocalDateTime lastSeen;

		Person() {
		}

		Person(String name, Instant createdAt, boolean active, Role role, UUID token) {
			this.name = name;
			this.createdAt = createdAt;
			this.active = active;
			this.role = role;
			this.token = token;
		}

	}

	@Table("marker")
	static class Marker {

		@Id
		Long id;

	}

}
