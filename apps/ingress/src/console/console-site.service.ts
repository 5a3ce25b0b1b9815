// Serves the built console from memory (console-assets.ts says with which headers and why).
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/data-plane';
import { ConsoleAsset, consoleDirectory, consoleFileOf, loadConsoleAssets } from './console-assets';

@Injectable()
export class ConsoleSite {
  private readonly assets: ReadonlyMap<string, ConsoleAsset> =
    loadConsoleAssets(consoleDirectory());
  private readonly files: ReadonlySet<string> = new Set(this.assets.keys());

  serve(subpath: string, request: FastifyRequest, reply: FastifyReply): void {
    if (this.assets.size === 0) {
      return sendError(reply, 'admin', 404, 'The console is not built: run `npm run build`.', {});
    }
    const file = consoleFileOf(subpath, this.files);
    const asset = file === null ? undefined : this.assets.get(file);
    if (!asset) {
      return sendError(reply, 'admin', 404, `No such console file: /console/${subpath}`, {});
    }
    void reply.headers(asset.headers);
    const gzip = asset.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding']));
    if (gzip) void reply.header('content-encoding', 'gzip');
    void reply.code(200).send(gzip ? asset.gzipped : asset.body);
  }
}
