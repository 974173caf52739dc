package io.daeploy.manager.backup;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Controller;

/**
 * GraphQL adapter of the {@link BackupService}.
 */
@Controller
class BackupController {

	private final BackupService backups;

	BackupController(BackupService backups) {
		this.backups = backups;
	}

	@QueryMapping
	Mono<List<BackupService.Backup>> backups() {
		return this.backups.backups();
	}

	@MutationMapping
	Mono<BackupNowPayload> backupNow() {
		return this.backups.backupNow().map(BackupNowPayload::new);
	}

	record BackupNowPayload(BackupService.Backup backup) {
	}

}
