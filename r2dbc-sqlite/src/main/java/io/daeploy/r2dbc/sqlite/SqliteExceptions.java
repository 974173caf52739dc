package io.daeploy.r2dbc.sqlite;

import java.sql.SQLException;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite errors as R2DBC exceptions.
 * <p>
 * The error code is SQLite's extended result code (2067 for a UNIQUE violation). The SQL
 * state follows SQL's classes where SQLite's code says enough: {@code 23505} for UNIQUE
 * and PRIMARY KEY violations (Spring turns those into a {@code DuplicateKeyException}),
 * {@code 23503} foreign key, {@code 23502} NOT NULL, {@code 23514} CHECK, {@code 42000}
 * for SQL errors.
 */
final class SqliteExceptions {

	private SqliteExceptions() {
	}

	static R2dbcException translate(SQLException ex, String sql) {
		if (!(ex instanceof SQLiteException sqlite)) {
			return new R2dbcNonTransientResourceException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), sql,
					ex);
		}
		SQLiteErrorCode code = sqlite.getResultCode();
		String message = ex.getMessage();
		int errorCode = code.code;
		switch (code.code & 0xff) {
			case 19: // SQLITE_CONSTRAINT
				return new R2dbcDataIntegrityViolationException(message, constraintState(code), errorCode, sql, ex);
			case 1: // SQLITE_ERROR: syntax errors, unknown tables and columns
				return new R2dbcBadGrammarException(message, "42000", errorCode, sql, ex);
			case 5: // SQLITE_BUSY
			case 6: // SQLITE_LOCKED
				return new R2dbcTransientResourceException(message, "40001", errorCode, sql, ex);
			case 9: // SQLITE_INTERRUPT
				return new R2dbcTimeoutException(message, "57014", errorCode, sql, ex);
			case 3: // SQLITE_PERM
			case 8: // SQLITE_READONLY
			case 23: // SQLITE_AUTH
				return new R2dbcPermissionDeniedException(message, "42501", errorCode, sql, ex);
			case 10: // SQLITE_IOERR
			case 11: // SQLITE_CORRUPT
			case 13: // SQLITE_FULL
			case 14: // SQLITE_CANTOPEN
			case 26: // SQLITE_NOTADB
				return new R2dbcNonTransientResourceException(message, "58030", errorCode, sql, ex);
			default:
				return new UncategorizedException(message, errorCode, sql, ex);
		}
	}

	private static String constraintState(SQLiteErrorCode code) {
		return switch (code) {
			case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_ROWID -> "23505";
			case SQLITE_CONSTRAINT_FOREIGNKEY -> "23503";
			case SQLITE_CONSTRAINT_NOTNULL -> "23502";
			case SQLITE_CONSTRAINT_CHECK -> "23514";
			default -> "23000";
		};
	}

	/**
	 * A SQLite error R2DBC has no more precise class for.
	 */
	static final class UncategorizedException extends R2dbcNonTransientException {

		UncategorizedException(String reason, int errorCode, String sql, Throwable cause) {
			super(reason, null, errorCode, sql, cause);
		}

	}

}
