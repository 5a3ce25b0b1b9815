// Jest's node environment, plus what @google/genai 3 needs in it: the SDK sends each request through a
// dispatcher that delegates to Node's own fetch dispatcher, which it looks up on `globalThis` under undici's
// symbol. Node keeps that on its real global object; a test file's global (a vm context) does not have it,
// so the SDK failed every request ("Undici globalDispatcher is not available"). Read-only: a test cannot
// swap the dispatcher of the whole worker through it.
const { TestEnvironment } = require('jest-environment-node');

const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

class E2eEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.defineProperty(this.global, UNDICI_GLOBAL_DISPATCHER, {
      configurable: true,
      get: () => globalThis[UNDICI_GLOBAL_DISPATCHER],
    });
  }
}

module.exports = E2eEnvironment;
