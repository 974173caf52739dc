package io.daeploy.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy deploy NAME VERSION SOURCE}: uploads what needs uploading (showing its
 * progress), deploys, then streams the deployment's build log and states until it ends.
 * Exits 0 only when it ended {@code RUNNING}.
 */
@Command(name = "deploy",
		description = {
				"Deploy a service version from a folder, a .tar.gz, an image, a git "
						+ "repository, an image of the local Docker or a pickled model.",
				"Without a source flag, SOURCE is a folder (tarred and gzipped on the fly) or a .tar.gz file." })
final class DeployCommand extends CliCommand {

	static final Set<String> ENDED = Set.of("RUNNING", "STOPPED", "FAILED", "CANCELLED");

	private static final String DEPLOY = """
			mutation($input: DeployServiceInput!) { deployService(input: $input) { deployment { id state } } }""";

	private static final String EVENTS = """
			subscription($id: ID!) {
			  deploymentEvents(id: $id) { id state line { line } deployment { state reason code } }
			}""";

	private static final String DEPLOYMENT = """
			query($id: ID!) {
			  deployment(id: $id) { id kind state reason code serviceName serviceVersion source builderImage image
			    createdAt startedAt finishedAt }
			}""";

	@Parameters(paramLabel = "NAME", index = "0", description = "The service's name.")
	String name;

	@Parameters(paramLabel = "VERSION", index = "1", description = "The version, e.g. 1.0.0.")
	String version;

	@Parameters(paramLabel = "SOURCE", index = "2", arity = "0..1",
			description = "A folder, a .tar.gz, an image (-i), a local image (-I) or a git URL (-g).")
	String source;

	@Option(names = { "-p", "--port" }, defaultValue = "8000",
			description = "The port the service listens on in its container (default ${DEFAULT-VALUE}).")
	int port;

	@Option(names = { "-e", "--env" }, paramLabel = "KEY[=VALUE]",
			description = "An environment variable; KEY alone copies the local value. Repeatable.")
	List<String> env = new ArrayList<>();

	@Option(names = "--secret", paramLabel = "KEY[=VALUE]",
			description = "A secret environment variable (masked in inspections and the audit log). Repeatable.")
	List<String> secrets = new ArrayList<>();

	@Option(names = "--build-image", paramLabel = "IMAGE",
			description = "The Source-to-Image builder of a folder, git or pickle source.")
	String buildImage;

	@Option(names = { "-i", "--image" }, description = "SOURCE is an image on the manager's Docker engine.")
	boolean image;

	@Option(names = { "-I", "--image-local" },
			description = "SOURCE is an image of the local Docker, sent as a `docker save` upload.")
	boolean localImage;

	@Option(names = { "-g", "--git" }, description = "SOURCE is a git repository URL.")
	boolean git;

	@Option(names = "--ref", description = "The git branch, tag or commit (with -g).")
	String ref;

	@Option(names = "--pickle", paramLabel = "FILE", description = "Deploy a pickled model (no SOURCE then).")
	Path pickle;

	@Option(names = { "-r", "--requirement" }, paramLabel = "REQUIREMENT",
			description = "A pip requirement of the pickled model, e.g. scikit-learn. Repeatable.")
	List<String> requirements = new ArrayList<>();

	@Option(names = "--health-check", paramLabel = "PATH",
			description = "An HTTP path that must answer 2xx or 3xx before the version is routed.")
	String healthPath;

	@Option(names = "--health-timeout", paramLabel = "SECONDS",
			description = "How long the health check may take (default 60).")
	Double healthTimeout;

	@Option(names = "--no-follow", description = "Return once the deployment is queued, without following it.")
	boolean noFollow;

	/** How a deploy's SOURCE is read. */
	enum Kind {

		FOLDER, ARCHIVE, IMAGE, LOCAL_IMAGE, GIT, PICKLE

	}

	@Override
	int run() throws Exception {
		Kind kind = kind();
		List<Map<String, Object>> environment = new ArrayList<>(environment(this.env, false, terminal()::env));
		environment.addAll(environment(this.secrets, true, terminal()::env));
		ManagerClient manager = manager();
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("name", this.name);
		input.put("version", this.version);
		input.put("port", this.port);
		input.put("env", environment);
		input.put("source", source(manager, kind));
		if (this.buildImage != null) {
			input.put("builderImage", this.buildImage);
		}
		if (this.healthPath != null || this.healthTimeout != null) {
			Map<String, Object> health = new LinkedHashMap<>();
			health.put("path", (this.healthPath != null) ? this.healthPath : "/");
			if (this.healthTimeout != null) {
				health.put("timeoutSeconds", this.healthTimeout);
			}
			input.put("healthCheck", health);
		}
		JsonNode deployment = manager.graphql(DEPLOY, Map.of("input", input)).path("deployService").path("deployment");
		String id = deployment.path("id").asString();
		if (this.noFollow) {
			if (json()) {
				printJson(deployment);
			}
			else {
				out().println("Deployment " + id + " is " + deployment.path("state").asString());
			}
			return 0;
		}
		if (!json()) {
			out().println("Deployment " + id + ": " + this.name + " " + this.version);
			out().flush();
		}
		// Ctrl-C stops the following, not the deployment: say so, and where to look
		Thread hint = new Thread(() -> {
			err().println();
			err().println("Stopped following; deployment " + id + " goes on (`daeploy deployments " + this.name
					+ "` shows how it ends)");
			err().flush();
		});
		Runtime.getRuntime().addShutdownHook(hint);
		String state;
		try {
			state = follow(manager, id, deployment.path("state").asString());
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(hint);
			}
			catch (IllegalStateException ex) {
				// shutting down already: the hint is on its way
			}
		}
		JsonNode ended = manager.graphql(DEPLOYMENT, Map.of("id", id)).path("deployment");
		if (!ENDED.contains(state)) {
			state = ended.path("state").asString(state);
		}
		boolean running = "RUNNING".equals(state);
		if (json()) {
			ObjectNode answer = ManagerClient.JSON.createObjectNode();
			answer.set("deployment", ended);
			if (running) {
				answer.set("service",
						ManagerClient.JSON.valueToTree(LsCommand.services(manager, this.name, this.version)));
			}
			printJson(answer);
			return running ? 0 : Daeploy.FAILED;
		}
		if (!running) {
			String reason = ended.path("reason").asString("");
			String code = ended.path("code").asString(null);
			throw new CliException("Deployment " + id + " ended " + state + (reason.isEmpty() ? "" : ": " + reason),
					code);
		}
		out().println("Service deployed successfully");
		LsCommand.show(this, manager, LsCommand.services(manager, this.name, this.version));
		return 0;
	}

	/**
	 * Streams a deployment's log and states until it ends.
	 * @return its last state seen
	 */
	private String follow(ManagerClient manager, String id, String initial) {
		AtomicReference<String> state = new AtomicReference<>(initial);
		AtomicReference<String> shown = new AtomicReference<>();
		manager.subscribe(EVENTS, Map.of("id", id), (data) -> {
			JsonNode event = data.path("deploymentEvents");
			if (event.path("line").isObject() && !json()) {
				out().println(event.path("line").path("line").asString());
				out().flush();
			}
			if (event.path("state").isString()) {
				state.set(event.path("state").asString());
				if (!json() && !state.get().equals(shown.getAndSet(state.get()))) {
					out().println("==> " + state.get());
					out().flush();
				}
			}
			return !ENDED.contains(state.get());
		});
		return state.get();
	}

	/**
	 * Which kind of source the flags and SOURCE name; exactly one.
	 * @return the kind
	 */
	Kind kind() {
		int flags = (this.image ? 1 : 0) + (this.localImage ? 1 : 0) + (this.git ? 1 : 0)
				+ ((this.pickle != null) ? 1 : 0);
		if (flags > 1) {
			throw new CliException("Only one source flag is allowed (-i, -I, -g or --pickle)");
		}
		if (this.ref != null && !this.git) {
			throw new CliException("--ref is for git sources (-g)");
		}
		if (!this.requirements.isEmpty() && this.pickle == null) {
			throw new CliException("--requirement is for pickled models (--pickle)");
		}
		if (this.pickle != null) {
			if (this.source != null) {
				throw new CliException("A pickled model takes no SOURCE: --pickle names the file");
			}
			return Kind.PICKLE;
		}
		if (this.source == null) {
			throw new CliException("Missing SOURCE: a folder, a .tar.gz, or an image (-i, -I) or a git URL (-g)");
		}
		if ((this.image || this.localImage) && this.buildImage != null) {
			throw new CliException("--build-image is for folder, git and pickle sources");
		}
		if (this.image) {
			return Kind.IMAGE;
		}
		if (this.localImage) {
			return Kind.LOCAL_IMAGE;
		}
		if (this.git) {
			return Kind.GIT;
		}
		Path path = Path.of(this.source);
		if (Files.isDirectory(path)) {
			return Kind.FOLDER;
		}
		String lower = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (Files.isRegularFile(path)
				&& (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar"))) {
			return Kind.ARCHIVE;
		}
		if (!Files.exists(path)) {
			throw new CliException(this.source + " does not exist (use -i for an image, -g for a git URL)");
		}
		throw new CliException(this.source + " is neither a folder nor a .tar.gz");
	}

	/**
	 * The {@code env} of the deploy.
	 * @param given {@code KEY=VALUE} or {@code KEY} (the local value) each
	 * @param secret whether they are secrets
	 * @param local the local environment
	 * @return one {@code EnvVarInput} each
	 */
	static List<Map<String, Object>> environment(List<String> given, boolean secret, Function<String, String> local) {
		List<Map<String, Object>> environment = new ArrayList<>();
		for (String variable : given) {
			int equals = variable.indexOf('=');
			String key = (equals >= 0) ? variable.substring(0, equals) : variable;
			String value = (equals >= 0) ? variable.substring(equals + 1) : local.apply(variable);
			if (key.isEmpty()) {
				throw new CliException("An environment variable needs a name: " + variable);
			}
			if (value == null) {
				throw new CliException(key + " is not set in the local environment (give -e " + key + "=VALUE)");
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", key);
			entry.put("value", value);
			if (secret) {
				entry.put("secret", true);
			}
			environment.add(entry);
		}
		return environment;
	}

	/** The deploy's {@code source}, uploading first what needs it. */
	private Map<String, Object> source(ManagerClient manager, Kind kind) throws IOException {
		return switch (kind) {
			case IMAGE -> Map.of("image", this.source);
			case GIT -> {
				Map<String, Object> git = new LinkedHashMap<>();
				git.put("url", this.source);
				if (this.ref != null) {
					git.put("ref", this.ref);
				}
				yield Map.of("git", git);
			}
			case FOLDER -> Map.of("tar", Map.of("uploadId", uploadFolder(manager, Path.of(this.source))));
			case ARCHIVE -> Map.of("tar", Map.of("uploadId", uploadFile(manager, Path.of(this.source))));
			case PICKLE -> Map.of("pickle",
					Map.of("uploadId", uploadFile(manager, this.pickle), "requirements", this.requirements));
			case LOCAL_IMAGE -> Map.of("imageUpload", Map.of("uploadId", uploadLocalImage(manager, this.source)));
		};
	}

	private String uploadFile(ManagerClient manager, Path file) throws IOException {
		if (!Files.isReadable(file)) {
			throw new CliException("Cannot read " + file);
		}
		Progress progress = new Progress(err(), file.getFileName().toString(), Files.size(file), json());
		try (InputStream in = progress.counting(Files.newInputStream(file))) {
			return manager.upload(file.getFileName().toString(), in);
		}
		finally {
			progress.done();
		}
	}

	/** Tars and gzips a folder on the fly, into the upload. */
	private String uploadFolder(ManagerClient manager, Path folder) throws IOException {
		String filename = folder.toAbsolutePath().normalize().getFileName() + ".tar.gz";
		Progress progress = new Progress(err(), filename, -1, json());
		PipedInputStream in = new PipedInputStream(64 * 1024);
		PipedOutputStream out = new PipedOutputStream(in);
		AtomicReference<IOException> failed = new AtomicReference<>();
		Thread writer = new Thread(() -> {
			try {
				SourceArchive.write(folder, out);
			}
			catch (IOException ex) {
				failed.set(ex);
				try {
					out.close();
				}
				catch (IOException closing) {
					// the reader sees the end either way
				}
			}
		}, "daeploy-tar");
		writer.setDaemon(true);
		writer.start();
		try (InputStream body = progress.counting(in)) {
			String id = manager.upload(filename, body);
			join(writer);
			if (failed.get() != null) {
				throw failed.get();
			}
			return id;
		}
		catch (CliException ex) {
			join(writer);
			if (failed.get() != null) {
				throw new CliException("Cannot archive " + folder + ": " + failed.get().getMessage());
			}
			throw ex;
		}
		finally {
			progress.done();
		}
	}

	/** Streams {@code docker save IMAGE} of the local Docker into the upload. */
	private String uploadLocalImage(ManagerClient manager, String localImage) throws IOException {
		Process docker;
		try {
			docker = new ProcessBuilder("docker", "save", localImage).redirectErrorStream(false).start();
		}
		catch (IOException ex) {
			throw new CliException("Cannot run the local docker: " + ex.getMessage());
		}
		ByteArrayOutputStream errors = new ByteArrayOutputStream();
		Thread reader = new Thread(() -> {
			try (InputStream in = docker.getErrorStream()) {
				in.transferTo(new BoundedOutputStream(errors, 4096));
			}
			catch (IOException ex) {
				// what was read is enough
			}
		}, "daeploy-docker-save");
		reader.setDaemon(true);
		reader.start();
		Progress progress = new Progress(err(), localImage, -1, json());
		String id;
		try (InputStream in = progress.counting(docker.getInputStream())) {
			id = manager.upload(localImage.replaceAll("[^A-Za-z0-9._-]", "_") + ".tar", in);
		}
		catch (CliException ex) {
			docker.destroy();
			throw ex;
		}
		finally {
			progress.done();
		}
		try {
			int exit = docker.waitFor();
			join(reader);
			if (exit != 0) {
				throw new CliException("docker save " + localImage + " failed: " + errors.toString().strip());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CliException("Interrupted");
		}
		return id;
	}

	private static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Keeps the first bytes written to it and drops the rest. */
	private static final class BoundedOutputStream extends java.io.OutputStream {

		private final ByteArrayOutputStream kept;

		private final int limit;

		BoundedOutputStream(ByteArrayOutputStream kept, int limit) {
			this.kept = kept;
			this.limit = limit;
		}

		@Override
		public void write(int b) {
			if (this.kept.size() < this.limit) {
				this.kept.write(b);
			}
		}

	}

}
