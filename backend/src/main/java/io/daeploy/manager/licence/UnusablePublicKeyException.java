package io.daeploy.manager.licence;

/**
 * {@code DAEPLOY_LICENCE_PUBLIC_KEY} is not a usable public key: the manager does not
 * start, rather than judge licences against no key or the wrong one.
 */
class UnusablePublicKeyException extends IllegalArgumentException {

	UnusablePublicKeyException(String message, Throwable cause) {
		super(message, cause);
	}

}
