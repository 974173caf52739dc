package io.daeploy.manager.proxy.traefik;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.toml.TomlMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotated template in the repository's {@code traefik/} folder stays what
 * {@link TraefikConfig#staticConfig} writes (with HTTPS, which shows every part).
 */
class TraefikTemplateTests {

	private static final Path TEMPLATE = Path.of("../traefik/traefik.toml.template");

	@Test
	void theFilledInTemplateEqualsTheGeneratedStaticConfig() throws IOException {
		String filledIn = Files.readString(TEMPLATE)
			.replace("${HTTP_PORT}", "5080")
			.replace("${HTTPS_PORT}", "5443")
			.replace("${DASHBOARD_PORT}", "5081")
			.replace("${TRAEFIK_DIR}", "/data/traefik");
		String generated = new TraefikConfig(new TraefikConfig.Settings(5080, 5443, 5081, true, true,
				"http://127.0.0.1:8080", null, "/data/traefik/acme.json", false))
			.staticConfig("/data/traefik/dynamic", "/data/traefik/access.log");

		TomlMapper toml = new TomlMapper();
		assertThat(toml.readValue(filledIn, Map.class)).isEqualTo(toml.readValue(generated, Map.class));
	}

}
