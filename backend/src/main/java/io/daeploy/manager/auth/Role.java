package io.daeploy.manager.auth;

/**
 * What a caller may do. Spring Security sees each as the authority {@code ROLE_<name>}.
 */
public enum Role {

	ADMIN, USER, SERVICE;

	String authority() {
		return "ROLE_" + name();
	}

}
