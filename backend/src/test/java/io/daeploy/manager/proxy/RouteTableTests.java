package io.daeploy.manager.proxy;

import java.util.List;

import io.daeploy.manager.proxy.RouteTable.Backend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The one routing model both proxies render: main, shadows and every version's own route,
 * computed from the versions in any order.
 */
class RouteTableTests {

	@Test
	void versionsGroupByServiceWithTheirMainAndShadows() {
		RouteTable table = RouteTable.of(List.of(new Backend("b", "1.0.0", true, "http://127.0.0.1:3"),
				new Backend("a", "2.0.0", false, "http://127.0.0.1:2"),
				new Backend("a", "1.0.0", true, "http://127.0.0.1:1")));
		assertThat(table.services()).extracting(RouteTable.ServiceRoutes::name).containsExactly("a", "b");
		RouteTable.ServiceRoutes a = table.services().get(0);
		assertThat(a.main().version()).isEqualTo("1.0.0");
		assertThat(a.shadows()).extracting(Backend::version).containsExactly("2.0.0");
		assertThat(a.versions()).extracting(Backend::prefix).containsExactly("/services/a_1.0.0", "/services/a_2.0.0");
		assertThat(a.prefix()).isEqualTo("/services/a");
	}

	@Test
	void aServiceWithoutAMainHasOnlyItsVersionedRoutes() {
		RouteTable table = RouteTable.of(List.of(new Backend("a", "2.0.0", false, "http://127.0.0.1:2")));
		assertThat(table.services().get(0).main()).isNull();
		assertThat(table.services().get(0).versions()).hasSize(1);
	}

	@Test
	void equalTablesAreEqualWhateverTheInputOrder() {
		Backend one = new Backend("a", "1.0.0", true, "http://127.0.0.1:1");
		Backend two = new Backend("a", "2.0.0", false, "http://127.0.0.1:2");
		assertThat(RouteTable.of(List.of(one, two))).isEqualTo(RouteTable.of(List.of(two, one)));
	}

	@Test
	void namesThatCouldBreakAProxyRuleAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backend("a`b", "1.0.0", true, "http://x"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Backend("a", "1.0.0/../x", true, "http://x"));
	}

}
