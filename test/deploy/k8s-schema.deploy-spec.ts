// The validator itself: it must reject what a cluster would reject, typos included, or the manifest tests
// built on it prove nothing.
import { K8sObject, schemaErrors, unknownFields } from './k8s-schema';

function deployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', labels: { app: 'x' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          containers: [
            {
              name: 'x',
              image: 'x:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { limits: { memory: '1Gi', cpu: 1 } },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
            },
          ],
        },
      },
    },
  };
}

type Mutable = K8sObject & Record<string, any>;

describe('Kubernetes schema validation (offline)', () => {
  it('should accept a valid Deployment with no unknown field', () => {
    expect(schemaErrors(deployment())).toEqual([]);
    expect(unknownFields(deployment())).toEqual([]);
  });

  it('should reject wrong types', () => {
    const bad = deployment() as Mutable;
    bad.spec.replicas = 'two';
    expect(schemaErrors(bad).join()).toContain('/spec/replicas');
    const probe = deployment() as Mutable;
    probe.spec.template.spec.containers[0].readinessProbe.periodSeconds = '10';
    expect(schemaErrors(probe).join()).toContain('periodSeconds');
  });

  it('should reject a missing required field', () => {
    const bad = deployment() as Mutable;
    delete bad.spec.template.spec.containers[0].name;
    expect(schemaErrors(bad)).not.toEqual([]);
  });

  it('should find misspelt fields at any depth', () => {
    const typos = deployment() as Mutable;
    typos.spec.replicaz = 3;
    typos.spec.template.spec.containers[0].readinessProbe.httpGett = { path: '/x' };
    (typos.metadata as Record<string, unknown>).labelz = {};
    expect(unknownFields(typos).sort()).toEqual([
      'metadata.labelz',
      'spec.replicaz',
      'spec.template.spec.containers[0].readinessProbe.httpGett',
    ]);
  });

  it('should check prometheus-operator objects too', () => {
    const monitor: K8sObject = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        endpoints: [{ port: 'http', intervall: '30s' }],
      },
    };
    expect(schemaErrors(monitor)).toEqual([]);
    expect(unknownFields(monitor)).toEqual(['spec.endpoints[0].intervall']);
  });

  it('should refuse a kind it has no schema for rather than pass it', () => {
    expect(() =>
      schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    ).toThrow('no schema');
  });
});
