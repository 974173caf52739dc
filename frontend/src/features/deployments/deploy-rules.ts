/**
 * What the manager checks on a deploy, checked again in the form so that mistakes show at once, in
 * the same words. The manager stays the judge: its answer's `extensions.field` lands on the field.
 */

/** The service name rule: `^[a-z0-9]([a-z0-9_]*[a-z0-9])?$`, at most 63 characters, not `manager`. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9_]*[a-z0-9])?$/;

/** Strict SemVer 2.0 (semver.org's own regular expression). */
export const VERSION_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function nameProblem(name: string): string | undefined {
  if (name === '') {
    return 'Enter a name.';
  }
  if (name.length > 63) {
    return 'Use at most 63 characters.';
  }
  if (name === 'manager') {
    return '“manager” is the manager’s own name.';
  }
  return NAME_PATTERN.test(name)
    ? undefined
    : 'Use lower-case letters, digits and “_”, starting and ending with a letter or digit.';
}

export function versionProblem(version: string): string | undefined {
  if (version === '') {
    return 'Enter a version, e.g. 1.0.0.';
  }
  return VERSION_PATTERN.test(version) ? undefined : 'Use a SemVer version, e.g. 1.0.0 or 1.1.0-rc.1.';
}

export function portProblem(port: string): string | undefined {
  const value = Number(port);
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : 'Use a port from 1 to 65535.';
}

export function imageProblem(image: string): string | undefined {
  if (image === '') {
    return 'Enter an image on the manager’s engine, e.g. my_model:1.0.0.';
  }
  return /\s/.test(image) ? 'An image reference has no spaces.' : undefined;
}

/** The URL kinds the manager clones: http(s), git, ssh-like `user@host:path`, file. */
export function gitUrlProblem(url: string): string | undefined {
  if (url === '') {
    return 'Enter the repository’s URL.';
  }
  if (/^(https?|git|ssh|file):\/\/\S+$/.test(url) || /^[\w.-]+@[\w.-]+:\S+$/.test(url)) {
    return undefined;
  }
  return 'Use an http(s), git, ssh or file URL, e.g. https://github.com/you/model.git.';
}

export function memoryProblem(memory: string): string | undefined {
  if (memory === '') {
    return undefined;
  }
  const value = Number(memory);
  return Number.isInteger(value) && value >= 6 ? undefined : 'Use a whole number of MiB, at least 6.';
}

export function cpusProblem(cpus: string): string | undefined {
  if (cpus === '') {
    return undefined;
  }
  const value = Number(cpus);
  return Number.isFinite(value) && value > 0 ? undefined : 'Use a number of cores above 0, e.g. 0.5.';
}

export function envNameProblem(name: string): string | undefined {
  if (name === '') {
    return 'Name the variable.';
  }
  return /[=\s]/.test(name) ? 'A variable name has no “=” and no spaces.' : undefined;
}

/** Requirements typed one a line, blank lines and `#` comments left out. */
export function parseRequirements(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}
