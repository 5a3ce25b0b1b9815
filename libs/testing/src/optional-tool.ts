// Suites that drive a platform-bound tool (a native CLI shipped as an optional dependency, such as Claude Code's
// linux-x64 binary) cannot run where npm left the tool out (macOS, arm64). There they skip, saying why; in CI,
// where the platform is known to carry the tool, its absence is a broken install and fails the suite instead of
// quietly skipping it.

export interface OptionalTool {
  /** What the suite needs, as a reader knows it: `the Claude Code CLI`. */
  what: string;
  /** Where the suite expects it. */
  path: string;
  /** How to get it: which package, on which platforms. */
  installedBy: string;
}

export type OptionalToolDecision = { run: true } | { run: false; reason: string };

/** Whether `env` says this is a CI run (`CI` set to anything but empty, `0` or `false`, as CI services set it). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env['CI'] ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** Run when the tool is present; otherwise skip with a reason, or throw when `ci` (the tool must be there). */
export function decideOptionalTool(
  tool: OptionalTool,
  present: boolean,
  ci: boolean,
): OptionalToolDecision {
  if (present) return { run: true };
  const missing = `${tool.what} is not installed at ${tool.path} (${tool.installedBy})`;
  if (ci) {
    throw new Error(`${missing}; CI must run this suite: fix the install (npm ci) on this machine`);
  }
  return { run: false, reason: `${missing}; skipped on this platform` };
}
