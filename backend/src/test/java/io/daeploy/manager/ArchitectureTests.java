package io.daeploy.manager;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The arrows between the manager's parts point one way, and each outside library stays in
 * the one part that adapts it. A change that breaks a rule fails the build here, with the
 * offending dependency named.
 */
class ArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.daeploy");
	}

	@Test
	void featurePackagesHaveNoCycles() {
		check(slices().matching("io.daeploy.manager.(*)..").should().beFreeOfCycles());
	}

	@Test
	void theRuntimeKnowsNothingOfWhatUsesIt() {
		check(noClasses().that()
			.resideInAPackage("io.daeploy.manager.runtime..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.daeploy.manager.service..", "io.daeploy.manager.proxy..",
					"io.daeploy.manager.auth.."));
	}

	@Test
	void theProxyKnowsNothingOfTheRuntime() {
		check(noClasses().that()
			.resideInAPackage("io.daeploy.manager.proxy..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.daeploy.manager.runtime.."));
	}

	@Test
	void theDriverKnowsNothingOfTheManager() {
		check(noClasses().that()
			.resideInAPackage("io.daeploy.r2dbc..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.daeploy.manager.."));
	}

	@Test
	void dockerJavaStaysInTheDockerAdapter() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.daeploy.manager.runtime.docker..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("com.github.dockerjava.."));
	}

	@Test
	void nettyStaysInTheEmbeddedProxy() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.daeploy.manager.proxy.embedded..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.netty..", "reactor.netty.."));
	}

	@Test
	void acmeStaysInTheCertificateSource() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.daeploy.manager.proxy.tls..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.shredzone.acme4j..", "org.bouncycastle.."));
	}

	@Test
	void theErrorKernelKnowsNoApi() {
		check(noClasses().that()
			.resideInAPackage("io.daeploy.manager.error..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("graphql..", "org.springframework.graphql..", "org.springframework.web..",
					"org.springframework.http.."));
	}

	@Test
	void onlyGraphQlAdaptersKnowGraphQl() {
		check(noClasses().that()
			.haveSimpleNameNotEndingWith("Controller")
			.and()
			.haveSimpleNameNotEndingWith("Interceptor")
			.and()
			.doNotHaveSimpleName("AuthConfiguration")
			.and()
			.resideOutsideOfPackage("io.daeploy.manager.system..")
			.and()
			.areNotNestedClasses()
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("graphql..", "org.springframework.graphql.."));
	}

	@Test
	void nothingButTheWiringDependsOnTheWiring() {
		check(noClasses().that()
			.resideOutsideOfPackage("io.daeploy.manager.system..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.daeploy.manager.system.."));
	}

	private static void check(ArchRule rule) {
		rule.check(classes);
	}

}
