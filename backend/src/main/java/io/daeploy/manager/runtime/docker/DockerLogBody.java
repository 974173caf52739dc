package io.daeploy.manager.runtime.docker;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.dockerjava.transport.DockerHttpClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * An open log response of the engine; closing it ends the read and runs the close hook
 * (e.g. frees its place among the open streams).
 */
final class DockerLogBody implements DockerLogStream.Body {

	private static final Log logger = LogFactory.getLog(DockerLogBody.class);

	private final DockerHttpClient.Response response;

	private final Runnable onClose;

	private final AtomicBoolean closed = new AtomicBoolean();

	DockerLogBody(DockerHttpClient.Response response, Runnable onClose) {
		this.response = response;
		this.onClose = onClose;
	}

	@Override
	public InputStream stream() {
		return this.response.getBody();
	}

	@Override
	public boolean isClosed() {
		return this.closed.get();
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			try {
				this.response.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing a Docker log stream failed", ex);
			}
			finally {
				this.onClose.run();
			}
		}
	}

}
