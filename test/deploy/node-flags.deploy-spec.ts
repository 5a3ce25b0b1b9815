// Node's flags for relaymesh's processes are given in several places, one per way of starting it: `npm start`
// and the start scripts (package.json), the image (Dockerfile's NODE_OPTIONS), the Kubernetes Deployments (their
// own NODE_OPTIONS, which replaces the image's) and the e2e launcher the benchmark measures. They must agree, or
// the bench measures a process nobody runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELAYMESH_NODE_FLAGS } from '@relaymesh/testing';
import { REPO, render } from './render';

type Any = any;

const APPS = ['ingress', 'router', 'health-prober', 'usage-ledger'] as const;

/** The flags of `flags` missing from `command` (a shell command line or a NODE_OPTIONS value). */
function missing(command: string, flags: readonly string[]): string[] {
  const words = command.split(/\s+/);
  return flags.filter((flag) => !words.includes(flag));
}

describe('Node flags of relaymesh processes', () => {
  it('are a young-generation bound, the one the launcher gives', () => {
    expect(RELAYMESH_NODE_FLAGS).toContainEqual(
      expect.stringMatching(/^--max-semi-space-size=\d+$/),
    );
  });

  it('are given by every start script of package.json', () => {
    const scripts = (
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const starts = Object.entries(scripts).filter(([name]) => /^start(:|$)/.test(name));
    expect(starts.map(([name]) => name)).toEqual(
      expect.arrayContaining(['start', 'start:ingress']),
    );
    expect(
      starts.flatMap(([name, command]) =>
        missing(command, RELAYMESH_NODE_FLAGS).map((flag) => `${name}: ${flag}`),
      ),
    ).toEqual([]);
  });

  it("are the image's NODE_OPTIONS", () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const value = /^ENV NODE_OPTIONS=(.+)$/m.exec(dockerfile)?.[1] ?? '';
    expect(missing(value.replace(/^"|"$/g, ''), RELAYMESH_NODE_FLAGS)).toEqual([]);
  });

  it.each(['base', 'overlays/dev', 'overlays/prod'])(
    "are in every app Deployment's NODE_OPTIONS (%s)",
    (overlay) => {
      const problems: string[] = [];
      for (const app of APPS) {
        const deployment: Any = render(overlay).find(
          (o) => o.kind === 'Deployment' && o.metadata.name === `relaymesh-${app}`,
        );
        const env: { name: string; value?: string }[] =
          deployment?.spec.template.spec.containers[0].env ?? [];
        const value = env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
        problems.push(...missing(value, RELAYMESH_NODE_FLAGS).map((flag) => `${app}: ${flag}`));
      }
      expect(problems).toEqual([]);
    },
  );
});
