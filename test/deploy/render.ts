// Renders a kustomize overlay with `kubectl kustomize` (kubectl v1.32 ships Kustomize v5.5; offline, no
// cluster) and parses the documents.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s-schema';

export const REPO = resolve(__dirname, '../..');
export const K8S_DIR = join(REPO, 'deploy/k8s');
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export function render(kustomization: string): K8sObject[] {
  if (!existsSync(KUBECTL)) {
    throw new Error(
      `${KUBECTL} is missing: the deploy tests render the overlays with \`kubectl kustomize\` (set KUBECTL to another path)`,
    );
  }
  const text = execFileSync(KUBECTL, ['kustomize', join(K8S_DIR, kustomization)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
    const object = doc.toJS() as K8sObject & { data?: Record<string, string> };
    // kustomize wraps long base64 values over lines; the API server's decoder skips the line breaks, the
    // schema's `byte` format does not, so they are joined here as the server would read them.
    if (object.kind === 'Secret' && object.data) {
      for (const key of Object.keys(object.data)) {
        object.data[key] = object.data[key].replace(/\s+/g, '');
      }
    }
    return object;
  });
}
