package io.daeploy.manager.build;

import java.nio.file.Path;
import java.util.regex.Pattern;

import io.daeploy.manager.error.DaeployException;
import io.daeploy.manager.error.ErrorCode;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Clones a git source with JGit: shallow (one commit deep) for the default branch, a
 * branch or a tag; whole for a commit id, which is then checked out. Credentials in the
 * URL are used and never shown. The clone stops when its build is cancelled.
 */
final class GitCheckout {

	private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{7,40}");

	private GitCheckout() {
	}

	/**
	 * Clones the source into a new folder.
	 * @param source the repository and ref
	 * @param dir the folder to clone into; must not exist
	 * @param log the build's log
	 * @param cancel the build's cancellation
	 * @throws DaeployException {@code INVALID_SOURCE} when the repository cannot be
	 * cloned or the ref is not in it
	 */
	static void checkout(BuildSource.Git source, Path dir, BuildLog log, Cancellation cancel) {
		String ref = source.ref();
		boolean commit = ref != null && COMMIT.matcher(ref).matches();
		String shown = source.shownUrl() + ((ref != null) ? " at " + ref : "");
		log.info("Cloning " + shown + (commit ? "" : " (shallow)"));
		CloneCommand clone = Git.cloneRepository()
			.setURI(source.url())
			.setDirectory(dir.toFile())
			.setCloneAllBranches(false)
			.setCloneSubmodules(false)
			.setProgressMonitor(new Monitor(log, cancel));
		credentials(source.url(), clone);
		if (commit) {
			clone.setNoCheckout(true);
		}
		else {
			clone.setDepth(1);
			if (ref != null) {
				clone.setBranch(ref);
			}
		}
		try (Git git = clone.call()) {
			if (cancel.isCancelled()) {
				return;
			}
			ObjectId head;
			if (commit) {
				head = git.getRepository().resolve(ref + "^{commit}");
				if (head == null) {
					throw new DaeployException(ErrorCode.INVALID_SOURCE,
							"Commit " + ref + " is not in " + source.shownUrl());
				}
				git.reset().setMode(ResetCommand.ResetType.HARD).setRef(head.name()).call();
			}
			else {
				head = git.getRepository().resolve("HEAD^{commit}");
				if (head == null) {
					throw new DaeployException(ErrorCode.INVALID_SOURCE,
							(ref != null) ? "No branch or tag " + ref + " in " + source.shownUrl()
									: source.shownUrl() + " has no commits");
				}
			}
			log.info("Checked out " + head.name());
		}
		catch (DaeployException ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (cancel.isCancelled()) {
				return;
			}
			String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			throw new DaeployException(ErrorCode.INVALID_SOURCE,
					"Could not clone " + shown + ": " + message.replace(source.url(), source.shownUrl()));
		}
	}

	private static void credentials(String url, CloneCommand clone) {
		try {
			URIish uri = new URIish(url);
			if (uri.getUser() != null && uri.getPass() != null) {
				clone.setCredentialsProvider(new UsernamePasswordCredentialsProvider(uri.getUser(), uri.getPass()));
			}
		}
		catch (Exception ex) {
			// checked before the build; JGit reports it again if it is wrong
		}
	}

	/**
	 * Reports each phase of the clone to the build log and stops it on cancel.
	 */
	private static final class Monitor implements ProgressMonitor {

		private final BuildLog log;

		private final Cancellation cancel;

		Monitor(BuildLog log, Cancellation cancel) {
			this.log = log;
			this.cancel = cancel;
		}

		@Override
		public void start(int totalTasks) {
		}

		@Override
		public void beginTask(String title, int totalWork) {
			this.log.info(title + ((totalWork > 0) ? " (" + totalWork + ")" : ""));
		}

		@Override
		public void update(int completed) {
		}

		@Override
		public void endTask() {
		}

		@Override
		public boolean isCancelled() {
			return this.cancel.isCancelled();
		}

		@Override
		public void showDuration(boolean enabled) {
		}

	}

}
