import { decideOptionalTool, isCi } from './optional-tool';

const claude = {
  what: 'the Claude Code CLI',
  path: '/repo/node_modules/@anthropic-ai/claude-code-linux-x64/claude',
  installedBy: 'optional dependency @anthropic-ai/claude-code-linux-x64, linux-x64 glibc only',
};

describe('decideOptionalTool', () => {
  it('should run the suite when the tool is present, in CI or not', () => {
    expect(decideOptionalTool(claude, true, false)).toEqual({ run: true });
    expect(decideOptionalTool(claude, true, true)).toEqual({ run: true });
  });

  it('should skip outside CI when the tool is absent, naming the tool, where it was looked for and why', () => {
    const decision = decideOptionalTool(claude, false, false);
    expect(decision.run).toBe(false);
    if (decision.run) return;
    expect(decision.reason).toContain(
      'the Claude Code CLI is not installed at /repo/node_modules/',
    );
    expect(decision.reason).toContain('linux-x64 glibc only');
    expect(decision.reason).toContain('skipped');
  });

  it('should fail in CI when the tool is absent', () => {
    expect(() => decideOptionalTool(claude, false, true)).toThrow(
      /the Claude Code CLI is not installed .* CI must run this suite/,
    );
  });
});

describe('isCi', () => {
  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'TRUE' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('should read %j as CI=%s', (env, expected) => {
    expect(isCi(env)).toBe(expected);
  });
});
