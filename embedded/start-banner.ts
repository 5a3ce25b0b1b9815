// What `npm start` prints once it is up: where to go, the admin token when this start made it, where the data is,
// and what it runs on. Nest's module-by-module start-up log is left to LOG_LEVEL=log: a newcomer needs the
// address and the token, and after that only what needs attention (warnings and errors).

export interface StartFacts {
  port: number;
  /** The admin token made at this start (shown once: only its hash is kept); null when it already existed. */
  newAdminToken: string | null;
  dataDir: string;
  bus: 'in-process' | 'nats';
  database: 'embedded' | 'postgres';
  logLevel: string;
}

export function startBanner(facts: StartFacts): string {
  const url = `http://localhost:${facts.port}`;
  const rows: [string, string][] = [
    ['API', url],
    ['console', `${url}/console`],
  ];
  if (facts.newAdminToken !== null) {
    rows.push(
      ['admin token', `${facts.newAdminToken}   (shown once: keep it)`],
      ['', 'use it as: Authorization: Bearer <token>   (RELAYMESH_ADMIN_TOKEN sets your own)'],
    );
  }
  rows.push(
    ['data', facts.dataDir],
    [
      'mode',
      `${facts.bus === 'nats' ? 'NATS' : 'in-process bus'}, ` +
        `${facts.database === 'embedded' ? 'embedded Postgres (PGlite)' : 'Postgres'}`,
    ],
    [
      'logs',
      facts.logLevel === 'warn'
        ? 'warnings and errors (LOG_LEVEL=log for the rest)'
        : `LOG_LEVEL=${facts.logLevel}`,
    ],
  );
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  return `\nrelaymesh is up\n${lines.join('\n')}\n\n`;
}
