package io.daeploy.r2dbc.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqliteConnectionFactoryProviderTests {

	@TempDir
	Path directory;

	@Test
	void urlWithAbsolutePathFindsTheDriverThroughServiceLoader() {
		Path file = this.directory.resolve("sub/dir/app.db");
		ConnectionFactory factory = ConnectionFactories.get("r2dbc:sqlite://" + file);
		assertThat(factory).isInstanceOf(SqliteConnectionFactory.class);
		assertThat(factory.getMetadata().getName()).isEqualTo("SQLite");
		SqliteConnectionConfiguration configuration = ((SqliteConnectionFactory) factory).getConfiguration();
		assertThat(configuration.getPath()).isEqualTo(file);
		assertThat(configuration.getBusyTimeout()).isEqualTo(Duration.ofMillis(5000));
		assertThat(configuration.getJournalMode()).isEqualTo(SqliteConnectionConfiguration.JournalMode.WAL);
		assertThat(configuration.isForeignKeys()).isTrue();
		assertThat(configuration.getTransactionMode())
			.isEqualTo(SqliteConnectionConfiguration.TransactionMode.IMMEDIATE);

		// the parent directories are created on first connect
		Flux.usingWhen(factory.create(), (connection) -> Mono.empty(), (connection) -> connection.close())
			.blockLast(Duration.ofSeconds(10));
		assertThat(file).exists();
	}

	@Test
	void unopenableFileFailsCreate() throws Exception {
		Path notADirectory = Files.writeString(this.directory.resolve("file"), "x");
		SqliteConnectionFactory factory = TestDatabase.in(notADirectory);
		StepVerifier.create(factory.create()).expectError(R2dbcNonTransientResourceException.class).verify();
	}

	@Test
	void relativePathStartsWithDot() {
		SqliteConnectionConfiguration configuration = configuration("r2dbc:sqlite:///./data/app.db");
		assertThat(configuration.getPath()).isEqualTo(Path.of("data/app.db").toAbsolutePath());
		assertThat(configuration("r2dbc:sqlite:///data/app.db").getPath()).isEqualTo(Path.of("/data/app.db"));
	}

	@Test
	void optionsFromQueryString() {
		SqliteConnectionConfiguration configuration = configuration("r2dbc:sqlite:///tmp/x.db?busyTimeout=2s"
				+ "&journalMode=delete&foreignKeys=false&synchronous=FULL&transactionMode=deferred&statementTimeout=PT3S");
		assertThat(configuration.getBusyTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(configuration.getJournalMode()).isEqualTo(SqliteConnectionConfiguration.JournalMode.DELETE);
		assertThat(configuration.isForeignKeys()).isFalse();
		assertThat(configuration.getSynchronous()).isEqualTo(SqliteConnectionConfiguration.Synchronous.FULL);
		assertThat(configuration.getTransactionMode())
			.isEqualTo(SqliteConnectionConfiguration.TransactionMode.DEFERRED);
		assertThat(configuration.getStatementTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(configuration("r2dbc:sqlite:///tmp/x.db?busyTimeout=250").getBusyTimeout())
			.isEqualTo(Duration.ofMillis(250));
		assertThat(configuration("r2dbc:sqlite:///tmp/x.db?lockWaitTimeout=100ms").getBusyTimeout())
			.isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void programmaticOptions() {
		ConnectionFactoryOptions options = ConnectionFactoryOptions.builder()
			.option(ConnectionFactoryOptions.DRIVER, "sqlite")
			.option(ConnectionFactoryOptions.DATABASE, "/tmp/y.db")
			.option(SqliteConnectionFactoryProvider.BUSY_TIMEOUT, Duration.ofSeconds(1))
			.option(SqliteConnectionFactoryProvider.FOREIGN_KEYS, false)
			.build();
		SqliteConnectionFactory factory = (SqliteConnectionFactory) ConnectionFactories.get(options);
		assertThat(factory.getConfiguration().getPath()).isEqualTo(Path.of("/tmp/y.db"));
		assertThat(factory.getConfiguration().getBusyTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(factory.getConfiguration().isForeignKeys()).isFalse();
	}

	@Test
	void rejectsHostsMissingPathsAndBadValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> configuration("r2dbc:sqlite://data/app.db"))
			.withMessageContaining("no host");
		assertThatIllegalArgumentException().isThrownBy(() -> configuration("r2dbc:sqlite://"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> configuration("r2dbc:sqlite:///tmp/x.db?journalMode=sideways"))
			.withMessageContaining("journalMode");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> configuration("r2dbc:sqlite:///tmp/x.db?busyTimeout=soon"))
			.withMessageContaining("busyTimeout");
		assertThat(new SqliteConnectionFactoryProvider().supports(ConnectionFactoryOptions.parse("r2dbc:h2:mem:///x")))
			.isFalse();
	}

	private static SqliteConnectionConfiguration configuration(String url) {
		return SqliteConnectionFactoryProvider.configuration(ConnectionFactoryOptions.parse(url));
	}

}
