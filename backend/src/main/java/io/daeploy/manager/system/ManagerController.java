package io.daeploy.manager.system;

import java.util.Locale;

import io.daeploy.manager.config.DaeployProperties;
import io.daeploy.manager.proxy.ProxyConnector;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter for facts about the manager itself.
 */
@Controller
class ManagerController {

	private final ManagerInfo info;

	private final ProxyConnector proxy;

	ManagerController(DaeployProperties properties, ObjectProvider<BuildProperties> build, ProxyConnector proxy) {
		this.proxy = proxy;
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

	@SchemaMapping(typeName = "ManagerInfo")
	ProxyInfo proxy(ManagerInfo info) {
		return new ProxyInfo(this.proxy.kind().toUpperCase(Locale.ROOT), this.proxy.httpPort());
	}

	record ManagerInfo(String version, String hostName, boolean authEnabled) {
	}

	record ProxyInfo(String kind, int httpPort) {
	}

}
