// A stock Firefox (Debian's `firefox-esr`) driven over WebDriver BiDi, the W3C protocol Firefox speaks natively
// (no patched build, no driver binary, nothing downloaded): playwright-core drives only its own patched Firefox,
// and puppeteer-core (which speaks BiDi) is not a dependency, so the console's Firefox smoke test uses these
// few commands over Node's own WebSocket. Every command has a deadline; everything but loopback goes to a
// ProxyTrap, so the browser reaches nothing beyond this machine.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientLocation, ProxyTrap } from './real-clients';

const COMMAND_TIMEOUT_MS = 15_000;
const START_TIMEOUT_MS = 30_000;

/** Debian's Firefox ESR, or why it is not there. */
export function locateFirefox(): ClientLocation {
  const path = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
  return path
    ? { found: true, path }
    : { found: false, reason: 'firefox-esr is not installed (apt-get install -y firefox-esr)' };
}

interface BidiMessage {
  id?: number;
  type: 'success' | 'error' | 'event';
  method?: string;
  result?: unknown;
  error?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A script error or console error the page logged (BiDi `log.entryAdded` at level error). */
export interface LoggedError {
  type: string;
  text: string;
}

export class FirefoxBidi {
  /** Errors the page logged since the session began. */
  readonly errors: LoggedError[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, (message: BidiMessage) => void>();

  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: WebSocket,
    private readonly profile: string,
    private readonly trap: ProxyTrap,
    private context = '',
  ) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as BidiMessage;
      if (message.id !== undefined) {
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
      } else if (message.method === 'log.entryAdded' && message.params?.['level'] === 'error') {
        this.errors.push({
          type: String(message.params['type']),
          text: String(message.params['text']),
        });
      }
    });
  }

  static async launch(executablePath: string): Promise<FirefoxBidi> {
    const profile = await mkdtemp(join(tmpdir(), 'relaymesh-firefox-'));
    const trap = await ProxyTrap.start();
    const { port } = new URL(trap.url);
    // Every request but loopback goes to the trap (Firefox never proxies localhost by default).
    const prefs = {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': Number(port),
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': Number(port),
      'app.update.disabledForTesting': true,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
    };
    await writeFile(
      join(profile, 'user.js'),
      Object.entries(prefs)
        .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
        .join('\n'),
    );
    const child = spawn(
      executablePath,
      ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(
        () => reject(new Error(`firefox did not open WebDriver BiDi: ${text.slice(-500)}`)),
        START_TIMEOUT_MS,
      );
      child.once('exit', (code) => reject(new Error(`firefox exited (${code}): ${text}`)));
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(text);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const socket = new WebSocket(`${url}/session`);
    await new Promise((opened, failed) => {
      socket.addEventListener('open', opened, { once: true });
      socket.addEventListener('error', failed, { once: true });
    });
    const browser = new FirefoxBidi(child, socket, profile, trap);
    await browser.send('session.new', { capabilities: {} });
    await browser.send('session.subscribe', { events: ['log.entryAdded'] });
    const tree = (await browser.send('browsingContext.getTree', {})) as {
      contexts: { context: string }[];
    };
    browser.context = tree.contexts[0].context;
    return browser;
  }

  async navigate(url: string): Promise<void> {
    await this.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  /** The value of `expression` in the page, passed through JSON (so a string, number, boolean or null). */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = (await this.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context: this.context },
      awaitPromise: true,
    })) as { type: string; result?: { value?: string }; exceptionDetails?: { text: string } };
    if (answer.type === 'exception') {
      throw new Error(`in the page: ${answer.exceptionDetails?.text}`);
    }
    const value = answer.result?.value;
    return (value === undefined ? undefined : JSON.parse(value)) as T;
  }

  async close(): Promise<void> {
    await this.send('session.end', {}).catch(() => undefined);
    this.socket.close();
    this.process.kill();
    await new Promise((exited) =>
      this.process.exitCode !== null ? exited(null) : this.process.once('exit', exited),
    );
    await this.trap.close();
    await rm(this.profile, { recursive: true, force: true });
  }

  private send(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`WebDriver BiDi ${method}: no answer within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.type === 'error') {
          reject(new Error(`WebDriver BiDi ${method}: ${message.error}: ${message.message}`));
        } else {
          resolve(message.result);
        }
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
