package io.daeploy.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code daeploy completion [bash|zsh]}: the shell completion script picocli generates
 * (one script serves both; under zsh it loads {@code bashcompinit}).
 */
@Command(name = "completion",
		description = { "Print the shell completion script. Load it with",
				"  source <(daeploy completion)      (bash, or zsh)",
				"or save it in ~/.local/share/bash-completion/completions/daeploy." })
final class CompletionCommand extends CliCommand {

	/** The shells the script serves. */
	enum Shell {

		BASH, ZSH

	}

	@Parameters(paramLabel = "SHELL", index = "0", arity = "0..1", defaultValue = "bash",
			description = "bash or zsh (the same script).")
	Shell shell;

	@Override
	int run() {
		out().print(AutoComplete.bash("daeploy", this.spec.root().commandLine()));
		out().flush();
		return 0;
	}

}
