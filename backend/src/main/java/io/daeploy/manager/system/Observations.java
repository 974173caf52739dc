package io.daeploy.manager.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Which observations a request makes. Every request is timed once as it arrives
 * ({@code http_server_requests_seconds}) and every GraphQL operation once
 * ({@code graphql_request_seconds}). Spring Security's observations (the filter chain,
 * each authentication and each authorization, three timers and three long-task timers a
 * request) and one observation per GraphQL data fetcher are off: they were 7 % of a
 * trivial query's CPU on a warm manager, and none of them says more than the two timers
 * above about a manager's API. With no observation settings, Spring Security wraps every
 * filter of its chain in one; with these, it wraps nothing.
 */
@Configuration(proxyBeanMethods = false)
class Observations {

	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

}
