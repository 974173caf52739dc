package io.daeploy.manager.system;

import io.daeploy.manager.config.DaeployProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter for facts about the manager itself.
 */
@Controller
class ManagerController {

	private final ManagerInfo info;

	ManagerController(DaeployProperties properties, ObjectProvider<BuildProperties> build) {
		String version = properties.managerVersion();
		if (version == null || version.isBlank()) {
			BuildProperties buildProperties = build.getIfAvailable();
			version = (buildProperties != null) ? buildProperties.getVersion() : "develop";
		}
		this.info = new ManagerInfo(version, properties.hostName(), properties.auth().enabled());
	}

	@QueryMapping
	ManagerInfo manager() {
		return this.info;
	}

	record ManagerInfo(String version, String hostName, boolean authEnabled) {
	}

}
