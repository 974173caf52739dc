package io.daeploy.r2dbc.sqlite;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.r2dbc.core.binding.BindMarkersFactory;
import org.springframework.r2dbc.core.binding.BindMarkersFactoryResolver;

/**
 * Tells Spring's {@code DatabaseClient.create(connectionFactory)} (which Spring Boot
 * uses) to write {@code ?} bind markers for SQLite. Registered in
 * {@code META-INF/spring.factories}; needs only spring-r2dbc, not Spring Data.
 */
public class SqliteBindMarkersFactoryProvider implements BindMarkersFactoryResolver.BindMarkerFactoryProvider {

	@Override
	public BindMarkersFactory getBindMarkers(ConnectionFactory connectionFactory) {
		if (SqliteConnectionFactoryMetadata.NAME.equalsIgnoreCase(connectionFactory.getMetadata().getName())) {
			return BindMarkersFactory.anonymous("?");
		}
		return null;
	}

}
