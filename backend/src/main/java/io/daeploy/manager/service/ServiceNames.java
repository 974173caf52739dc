package io.daeploy.manager.service;

import java.util.regex.Pattern;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;

/**
 * The rules for service names and versions. Names become parts of container names, image
 * tags and proxy rules, so anything outside these rules never reaches them.
 */
final class ServiceNames {

	static final int MAX_NAME_LENGTH = 63;

	static final int MAX_VERSION_LENGTH = 64;

	private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9_]*[a-z0-9])?");

	// SemVer 2.0 (semver.org), without build metadata: '+' is illegal in container names
	private static final Pattern VERSION = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
			+ "(-(0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?");

	private ServiceNames() {
	}

	static void checkName(String field, String name) {
		if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_NAME, field,
					"Invalid service name '" + shorten(name) + "': use lower-case letters, digits and underscores, "
							+ "start and end with a letter or digit, at most " + MAX_NAME_LENGTH + " characters");
		}
	}

	static void checkVersion(String field, String version) {
		if (version != null && version.length() <= MAX_VERSION_LENGTH && version.indexOf('+') > 0
				&& VERSION.matcher(version.substring(0, version.indexOf('+'))).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_VERSION, field, "Invalid version '" + shorten(version)
					+ "': build metadata ('+...') cannot be used, container names cannot hold '+'");
		}
		if (version == null || version.length() > MAX_VERSION_LENGTH || !VERSION.matcher(version).matches()) {
			throw DaeployException.invalid(ErrorCode.INVALID_VERSION, field,
					"Invalid version '" + shorten(version) + "': use a semantic version such as 1.0.0 or 1.1.0-rc.1");
		}
	}

	private static String shorten(String value) {
		if (value == null) {
			return "";
		}
		return (value.length() > 40) ? value.substring(0, 40) + "..." : value;
	}

}
