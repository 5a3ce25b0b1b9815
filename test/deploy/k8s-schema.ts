// Offline validation of rendered Kubernetes objects against the API's JSON schemas, as embedded in the npm
// packages kubernetes-models (core, apps, batch, policy, autoscaling) and @kubernetes-models/prometheus-operator
// (ServiceMonitor, PodMonitor, PrometheusRule). No cluster, no network, no binary download: kubeconform and
// kubeval are not packaged for Debian or npm, and `kubectl --dry-run` needs an API server.
//
// Those validators ignore unknown fields (a typo like `replicaz` passes), so `unknownFields` adds what
// kubeconform's -strict does: a field is unknown when the schema accepts any value in its place (a boolean and a
// string both pass), which no typed field of the Kubernetes API does.
import {
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

export function hasSchema(object: K8sObject): boolean {
  return `${object.apiVersion}/${object.kind}` in MODELS;
}

/** The schema's complaints about `object` (empty when it is valid). Throws for a kind with no schema here. */
export function schemaErrors(object: unknown): string[] {
  const { apiVersion, kind } = object as K8sObject;
  const Model = MODELS[`${apiVersion}/${kind}`];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}`);
  try {
    new Model(object as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    return errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`.trim()) ?? [String(err)];
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths (`spec.template.spec.containers[0].httpGett`) of fields the schema does not know. */
export function unknownFields(object: K8sObject): string[] {
  const root = structuredClone(object) as unknown as { [key: string]: Json };
  const unknown: string[] = [];
  const accepts = (parent: { [key: string]: Json }, key: string, value: Json): boolean => {
    const saved = parent[key];
    parent[key] = value;
    const ok = schemaErrors(root).length === 0;
    parent[key] = saved;
    return ok;
  };
  const visit = (node: Json, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      // apiVersion and kind choose the schema; they are checked by finding one.
      if (path === '' && (key === 'apiVersion' || key === 'kind')) continue;
      const here = path ? `${path}.${key}` : key;
      if (accepts(node, key, true) && accepts(node, key, '\u0000probe')) unknown.push(here);
      else visit(node[key], here);
    }
  };
  visit(root, '');
  return unknown;
}
