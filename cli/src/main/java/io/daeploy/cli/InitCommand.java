package io.daeploy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy init [PATH]}: writes a new service, ready to deploy with the default
 * Python builder: {@code service.py} (FastAPI on port 8000), {@code requirements.txt} and
 * {@code .s2i/environment}. Nothing is overwritten.
 */
@Command(name = "init",
		description = "Write a new service skeleton into PATH (a new or empty folder), ready to deploy.")
final class InitCommand extends CliCommand {

	@Parameters(paramLabel = "PATH", index = "0", arity = "0..1", defaultValue = ".",
			description = "The folder (default: this one).")
	Path path;

	@Option(names = { "-n", "--name" }, description = "The service's name (default: the folder's, made valid).")
	String name;

	@Override
	int run() throws IOException {
		String service = (this.name != null) ? this.name
				: serviceName(this.path.toAbsolutePath().normalize().getFileName());
		Map<String, String> files = files(service);
		List<String> existing = new ArrayList<>();
		for (String file : files.keySet()) {
			if (Files.exists(this.path.resolve(file))) {
				existing.add(file);
			}
		}
		if (!existing.isEmpty()) {
			throw new CliException("Not overwriting " + String.join(", ", existing) + " in " + this.path);
		}
		for (Map.Entry<String, String> file : files.entrySet()) {
			Path target = this.path.resolve(file.getKey());
			Files.createDirectories(target.getParent());
			Files.writeString(target, file.getValue());
		}
		if (json()) {
			ObjectNode answer = ManagerClient.JSON.createObjectNode()
				.put("path", this.path.toString())
				.put("name", service);
			files.keySet().forEach(answer.putArray("files")::add);
			printJson(answer);
		}
		else {
			out().println("Wrote " + String.join(", ", files.keySet()) + " in " + this.path);
			out().println("Deploy it with: daeploy deploy " + service + " 0.1.0 " + this.path);
		}
		return 0;
	}

	/**
	 * A valid service name made of a folder's name.
	 * @param folder the folder's name, or null
	 * @return lower-case letters, digits and underscores, starting and ending with a
	 * letter or digit
	 */
	static String serviceName(Path folder) {
		String name = (folder != null) ? folder.toString().toLowerCase(Locale.ROOT) : "";
		name = name.replaceAll("[^a-z0-9_]+", "_").replaceAll("^_+|_+$", "");
		if (name.length() > 63) {
			name = name.substring(0, 63).replaceAll("_+$", "");
		}
		return name.isEmpty() ? "my_service" : name;
	}

	/**
	 * The skeleton's files.
	 * @param service the service's name
	 * @return each file's path and text
	 */
	static Map<String, String> files(String service) {
		Map<String, String> files = new LinkedHashMap<>();
		files.put("service.py", """
				\"""The %s service: a FastAPI app the manager routes at /services/%s/.

				Add entrypoints below, deploy with `daeploy deploy %s <version> <this folder>`, then call
				them: `curl -X POST <host>/services/%s/hello -H 'Content-Type: application/json' -d '{"name": "you"}'`.
				\"""

				import logging
				import os

				import uvicorn
				from fastapi import FastAPI
				from pydantic import BaseModel

				NAME = os.environ.get("daeploy.name", "%s")
				VERSION = os.environ.get("daeploy.version", "0.0.0")

				logger = logging.getLogger(NAME)
				app = FastAPI(title=f"{NAME} {VERSION}")


				class Greeting(BaseModel):
				    name: str


				@app.get("/")
				def index():
				    return {"service": NAME, "version": VERSION}


				@app.post("/hello")
				def hello(greeting: Greeting):
				    logger.info("Greeting %%s", greeting.name)
				    return f"Hello {greeting.name}"


				if __name__ == "__main__":
				    logging.basicConfig(level=logging.INFO)
				    uvicorn.run(app, host="0.0.0.0", port=8000)
				""".formatted(service, service, service, service, service));
		files.put("requirements.txt", "fastapi\nuvicorn\npydantic\n");
		files.put(".s2i/environment", """
				# Read by the builder and the service: NAME=value lines.
				APP_FILE=service.py
				""");
		return files;
	}

}
