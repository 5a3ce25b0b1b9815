import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNginx, nginxConfig } from './nginx';

describe('nginxConfig', () => {
  const config = nginxConfig('/tmp/floor', 4100, {
    openai: 'http://127.0.0.1:4001',
    anthropic: 'http://127.0.0.1:4002',
  });

  it('should run one process on loopback, proxying to the fakes over kept-alive connections', () => {
    expect(config).toContain('master_process off;');
    expect(config).toContain('worker_processes 1;');
    expect(config).toContain('listen 127.0.0.1:4100;');
    expect(config).toMatch(/upstream openai \{ server 127\.0\.0\.1:4001; keepalive \d+;/);
    expect(config).toMatch(/upstream anthropic \{ server 127\.0\.0\.1:4002; keepalive \d+;/);
    expect(config).toMatch(/location \/v1\/messages \{ proxy_pass http:\/\/anthropic;/);
    expect(config).toMatch(/location \/ \{ proxy_pass http:\/\/openai;/);
    // Keep-alive to the upstream needs HTTP/1.1 without the client's Connection header.
    expect(config).toContain('proxy_http_version 1.1;');
    expect(config).toContain('proxy_set_header Connection "";');
    expect(config).toContain('proxy_buffering off;');
    expect(config).toContain('access_log off;');
  });

  it('should keep every file it writes inside its own directory', () => {
    const paths = [...config.matchAll(/(?:_path|pid|error_log) (\/\S+?)[; ]/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(7);
    for (const path of paths) expect(path.startsWith('/tmp/floor/')).toBe(true);
  });
});

describe('findNginx', () => {
  it('should find an executable nginx on PATH before the sbin directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'find-nginx-'));
    try {
      writeFileSync(join(dir, 'nginx'), '#!/bin/sh\n', { mode: 0o755 });
      expect(findNginx(dir)).toBe(join(dir, 'nginx'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
