package io.daeploy.manager.build;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .s2i/environment} reads as S2I reads it, the original's spaced lines included.
 */
class S2iEnvironmentTests {

	@Test
	void readsNameValueLinesAndSkipsTheRest() {
		String file = "# settings\nAPP_FILE = service.py\n\nPIP_NO_INDEX=1\r\nQUOTED=\"a b\"\nnot a variable\n"
				+ "1BAD=x\nEMPTY=\nWITH_EQ=a=b\n";
		assertThat(S2iEnvironment.parse(file.getBytes(StandardCharsets.UTF_8))).containsExactly(
				java.util.Map.entry("APP_FILE", "service.py"), java.util.Map.entry("PIP_NO_INDEX", "1"),
				java.util.Map.entry("QUOTED", "a b"), java.util.Map.entry("EMPTY", ""),
				java.util.Map.entry("WITH_EQ", "a=b"));
		assertThat(S2iEnvironment.parse(null)).isEmpty();
	}

}
