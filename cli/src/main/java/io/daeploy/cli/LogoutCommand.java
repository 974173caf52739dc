package io.daeploy.cli;

import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy logout [HOST]}: revokes the session on the manager (when it answers) and
 * forgets the host's token.
 */
@Command(name = "logout", description = "Log out from a host (the active one by default) and forget its token.")
final class LogoutCommand extends CliCommand {

	@Parameters(paramLabel = "HOST", index = "0", arity = "0..1", description = "The host to log out from.")
	String host;

	@Override
	int run() {
		String chosen = (this.host != null) ? ManagerClient.host(this.host) : config().activeHost();
		if (chosen == null || config().token(chosen) == null) {
			throw new CliException("Not logged in to " + ((chosen != null) ? chosen : "any host"));
		}
		String token = config().token(chosen);
		if (!token.isEmpty()) {
			try {
				ManagerClient manager = new ManagerClient(chosen, token);
				// an API token given to `login -t` outlives the login: only a session is
				// revoked
				if ("SESSION".equals(
						manager.graphql("{ me { tokenKind } }", Map.of()).path("me").path("tokenKind").asString(""))) {
					manager.graphql("mutation { logout(input: {}) { revoked } }", Map.of());
				}
			}
			catch (CliException ex) {
				// an API token, a token already revoked, a manager away: forgetting it is
				// enough
			}
		}
		config().forget(chosen);
		config().save();
		if (json()) {
			printJson(ManagerClient.JSON.createObjectNode().put("host", chosen).put("loggedOut", true));
		}
		else {
			out().println("Logged out from " + chosen);
		}
		return 0;
	}

}
