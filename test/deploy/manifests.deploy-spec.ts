// The Kubernetes manifests, as `kubectl kustomize` renders each overlay: every object valid against the API
// schemas (unknown fields included), and the invariants that make relaymesh run well there: probes on the
// apps' own endpoints, non-root and read-only, resources, pinned images, a grace period longer than the
// ingress drain, references that resolve, and an environment each app's own loader accepts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadHealthProberEnv } from '../../apps/health-prober/src';
import { loadIngressEnv } from '../../apps/ingress/src';
import { loadRouterEnv } from '../../apps/router/src';
import { loadUsageLedgerEnv } from '../../apps/usage-ledger/src';
import { K8sObject, hasSchema, schemaErrors, unknownFields } from './k8s-schema';
import { REPO, render } from './render';

type Any = any;

const OVERLAYS = ['base', 'overlays/dev', 'overlays/prod'] as const;
const APPS = ['ingress', 'router', 'health-prober', 'usage-ledger'] as const;
/** Secrets made outside the repository in prod (README "Operators"): by the operator or by CloudNativePG. */
const EXTERNAL_SECRETS = new Set(['relaymesh-secrets', 'relaymesh-db-app']);
/**
 * After the drain deadline, ingress waits up to 2 s for cancelled streams to end (DataPlane.waitForIdle) and
 * up to 10 s for the usage outbox to flush (UsagePublisher): the pod must live through both.
 */
const AFTER_DRAIN_SECONDS = 2 + 10;

const rendered = new Map(OVERLAYS.map((overlay) => [overlay, render(overlay)]));
const all = (overlay: string) => rendered.get(overlay as (typeof OVERLAYS)[number])!;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string): Any =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
/** relaymesh's own workloads (not the dev NATS/Postgres). */
const relaymeshPods = (objects: K8sObject[]): { owner: K8sObject; pod: Any }[] =>
  objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'relaymesh')
    .map((owner) => ({ owner, pod: (owner as Any).spec.template.spec }));
const workloads = (objects: K8sObject[]): { owner: K8sObject; pod: Any }[] =>
  objects
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((owner) => ({ owner, pod: (owner as Any).spec.template.spec }));
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(OVERLAYS)('deploy/k8s/%s', (overlay) => {
  const objects = all(overlay);

  it('should render objects that are valid against the Kubernetes schemas, with no unknown field', () => {
    expect(objects.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const object of objects) {
      const id = `${object.kind}/${object.metadata.name}`;
      if (object.kind === 'Cluster' && object.apiVersion === 'postgresql.cnpg.io/v1') continue;
      if (!hasSchema(object)) {
        problems.push(`${id}: no schema to validate ${object.apiVersion} ${object.kind}`);
        continue;
      }
      for (const error of schemaErrors(object)) problems.push(`${id}: ${error}`);
      for (const field of unknownFields(object)) problems.push(`${id}: unknown field ${field}`);
    }
    expect(problems).toEqual([]);
  });

  it('should run each app from its own built entry point, with probes on /healthz and /readyz', () => {
    for (const app of APPS) {
      const deployment = named(objects, 'Deployment', `relaymesh-${app}`);
      expect(deployment).toBeDefined();
      const [container] = deployment.spec.template.spec.containers;
      expect(container.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(existsSync(join(REPO, `apps/${app}/src/main.ts`))).toBe(true);
      const portNames = container.ports.map((p: Any) => p.name);
      for (const [probe, path] of [
        ['livenessProbe', '/healthz'],
        // Ingress is ready while it can serve from memory (readiness.ts, ReadinessScope).
        ['readinessProbe', app === 'ingress' ? '/readyz?scope=serving' : '/readyz'],
        ['startupProbe', '/healthz'],
      ]) {
        expect(container[probe]?.httpGet?.path).toBe(path);
        expect(portNames).toContain(container[probe].httpGet.port);
      }
      const port = container.env.find((e: Any) => e.name === 'PORT')?.value;
      expect(Number(port)).toBe(container.ports[0].containerPort);
    }
    const job = named(objects, 'Job', 'relaymesh-migrate');
    expect(job.spec.template.spec.containers[0].command).toEqual([
      'node',
      'dist/scripts/migrate.js',
    ]);
    expect(existsSync(join(REPO, 'scripts/migrate.ts'))).toBe(true);
  });

  it('should run every container non-root, without privilege, with requests, limits and a pinned image', () => {
    const problems: string[] = [];
    for (const { owner, pod } of workloads(objects)) {
      const id = `${owner.kind}/${owner.metadata.name}`;
      if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${id}: runAsNonRoot`);
      if (!(pod.securityContext?.runAsUser > 0)) problems.push(`${id}: runAsUser`);
      if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
        problems.push(`${id}: seccompProfile`);
      }
      for (const c of pod.containers) {
        const cid = `${id}/${c.name}`;
        if (c.securityContext?.allowPrivilegeEscalation !== false) {
          problems.push(`${cid}: allowPrivilegeEscalation`);
        }
        if (!c.securityContext?.capabilities?.drop?.includes('ALL')) {
          problems.push(`${cid}: capabilities`);
        }
        for (const kind of ['cpu', 'memory']) {
          if (!c.resources?.requests?.[kind]) problems.push(`${cid}: requests.${kind}`);
          if (!c.resources?.limits?.[kind]) problems.push(`${cid}: limits.${kind}`);
        }
        const image: string = c.image;
        if (!/@sha256:[0-9a-f]{64}$|:[\w][\w.-]*$/.test(image) || /:latest$/.test(image)) {
          problems.push(`${cid}: image not pinned (${image})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("should give relaymesh's containers a read-only root filesystem with a writable /tmp", () => {
    for (const { owner, pod } of relaymeshPods(objects)) {
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect([owner.metadata.name, c.securityContext.readOnlyRootFilesystem]).toEqual([
          owner.metadata.name,
          true,
        ]);
        const tmp = c.volumeMounts.find((m: Any) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Any) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('should keep an ingress pod alive through its whole drain after SIGTERM', () => {
    const deployment = named(objects, 'Deployment', 'relaymesh-ingress');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const config = named(objects, 'ConfigMap', 'relaymesh-config');
    const configured = config.data.RELAYMESH_SHUTDOWN_GRACE_MS as string | undefined;
    // The app's own default when the manifests leave it unset.
    const graceMs = loadIngressEnv({
      RELAYMESH_SECRET_KEY: 'x'.repeat(32),
      RELAYMESH_ADMIN_TOKEN: 'y'.repeat(32),
      ...(configured ? { RELAYMESH_SHUTDOWN_GRACE_MS: configured } : {}),
    }).shutdownGraceMs;
    const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    const preStopSeconds = Number(preStop[1]);
    expect(preStopSeconds).toBeGreaterThanOrEqual(3);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(
      preStopSeconds + graceMs / 1000 + AFTER_DRAIN_SECONDS,
    );
  });

  it('should give each app an environment its own configuration loader accepts', () => {
    const config = named(objects, 'ConfigMap', 'relaymesh-config').data as Record<string, string>;
    const loaders = {
      ingress: loadIngressEnv,
      router: loadRouterEnv,
      'health-prober': loadHealthProberEnv,
      'usage-ledger': loadUsageLedgerEnv,
    };
    for (const app of APPS) {
      const [container] = named(objects, 'Deployment', `relaymesh-${app}`).spec.template.spec
        .containers;
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'relaymesh-config' } }]);
      const env: Record<string, string> = { ...config };
      for (const variable of container.env) {
        // A secret's value is not in the manifests: a stand-in of the shape the apps accept.
        env[variable.name] =
          variable.value ??
          (variable.name === 'DATABASE_URL' ? 'postgres://u:p@db:5432/relaymesh' : 's'.repeat(32));
      }
      expect(() => loaders[app](env)).not.toThrow();
      if (app !== 'ingress') expect(env.DATABASE_URL).toBeDefined();
    }
  });

  it('should resolve every Secret and ConfigMap reference', () => {
    const secrets = new Set(ofKind(objects, 'Secret').map((s) => s.metadata.name));
    const configMaps = new Set(ofKind(objects, 'ConfigMap').map((s) => s.metadata.name));
    const problems: string[] = [];
    for (const { owner, pod } of workloads(objects)) {
      for (const c of pod.containers) {
        for (const ref of c.envFrom ?? []) {
          if (ref.configMapRef && !configMaps.has(ref.configMapRef.name)) {
            problems.push(`${owner.metadata.name}: ConfigMap ${ref.configMapRef.name}`);
          }
        }
        for (const variable of c.env ?? []) {
          const name = variable.valueFrom?.secretKeyRef?.name;
          if (name === undefined) continue;
          // base and prod use Secrets made outside the repository; dev generates its own.
          const ok =
            secrets.has(name) || (overlay !== 'overlays/dev' && EXTERNAL_SECRETS.has(name));
          if (!ok) problems.push(`${owner.metadata.name}: Secret ${name}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should commit no secret outside the dev overlay, and only dev-only values there', () => {
    for (const secret of ofKind(objects, 'Secret') as Any[]) {
      expect(overlay).toBe('overlays/dev');
      for (const value of Object.values<string>(secret.data ?? {})) {
        expect(Buffer.from(value, 'base64').toString()).toContain('dev-only');
      }
    }
  });

  it('should select pods with every Service, PDB and the HPA, and scrape every app Service', () => {
    const pods = workloads(objects).map(({ owner, pod }) => ({
      owner,
      labels: (owner as Any).spec.template.metadata.labels as Record<string, string>,
      ports: pod.containers.flatMap((c: Any) => c.ports ?? []).map((p: Any) => p.name),
    }));
    for (const service of ofKind(objects, 'Service') as Any[]) {
      const targets = pods.filter((p) => matches(service.spec.selector, p.labels));
      expect([service.metadata.name, targets.length]).toEqual([service.metadata.name, 1]);
      for (const port of service.spec.ports) expect(targets[0].ports).toContain(port.targetPort);
    }
    for (const pdb of ofKind(objects, 'PodDisruptionBudget') as Any[]) {
      expect(pods.some((p) => matches(pdb.spec.selector.matchLabels, p.labels))).toBe(true);
    }
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler') as Any[]) {
      expect(
        named(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name),
      ).toBeDefined();
      const deployment = named(objects, 'Deployment', hpa.spec.scaleTargetRef.name);
      expect(deployment.spec.template.spec.containers[0].resources.requests.cpu).toBeDefined();
    }
    for (const monitor of ofKind(objects, 'ServiceMonitor') as Any[]) {
      const services = (ofKind(objects, 'Service') as Any[]).filter((s) =>
        matches(monitor.spec.selector.matchLabels, s.metadata.labels),
      );
      expect(services.map((s) => s.metadata.name).sort()).toEqual(
        APPS.map((app) => `relaymesh-${app}`).sort(),
      );
      for (const endpoint of monitor.spec.endpoints) {
        expect(endpoint.path).toBe('/metrics');
        for (const s of services) {
          expect(s.spec.ports.map((p: Any) => p.name)).toContain(endpoint.port);
        }
      }
    }
  });

  it('should label every object as part of relaymesh', () => {
    for (const object of objects) {
      if (object.kind === 'Namespace') continue;
      expect([
        object.kind,
        object.metadata.name,
        object.metadata.labels?.['app.kubernetes.io/part-of'],
      ]).toEqual([object.kind, object.metadata.name, 'relaymesh']);
    }
  });
});

describe('overlays', () => {
  it('dev: runs NATS with JetStream and Postgres in the cluster, where NATS_URL and the database URL point', () => {
    const objects = all('overlays/dev');
    const nats = named(objects, 'StatefulSet', 'nats').spec.template.spec.containers[0];
    expect(nats.args).toContain('--jetstream');
    expect(named(objects, 'Service', 'nats').spec.ports.map((p: Any) => p.port)).toContain(4222);
    expect(named(objects, 'ConfigMap', 'relaymesh-config').data.NATS_URL).toBe('nats://nats:4222');
    const db = ofKind(objects, 'Secret').find((s) =>
      s.metadata.name.startsWith('relaymesh-db-app'),
    ) as Any;
    const uri = Buffer.from(db.data.uri, 'base64').toString();
    expect(new URL(uri).host).toBe('postgres:5432');
    expect(named(objects, 'Service', 'postgres').spec.ports[0].port).toBe(5432);
  });

  it('prod: three instances of CloudNativePG whose app Secret the apps read, more ingress replicas', () => {
    const objects = all('overlays/prod');
    const cluster = named(objects, 'Cluster', 'relaymesh-db');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.instances).toBeGreaterThanOrEqual(3);
    expect(cluster.spec.bootstrap.initdb.database).toBe('relaymesh');
    expect(cluster.spec.storage.size).toMatch(/^\d+Gi$/);
    // CloudNativePG names the application Secret <cluster>-app.
    expect(EXTERNAL_SECRETS.has(`${cluster.metadata.name}-app`)).toBe(true);
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'relaymesh-ingress');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(named(objects, 'ServiceMonitor', 'relaymesh').metadata.labels.release).toBeDefined();
    for (const object of objects) {
      expect(object.metadata.namespace ?? 'relaymesh').toBe('relaymesh');
    }
  });
});
