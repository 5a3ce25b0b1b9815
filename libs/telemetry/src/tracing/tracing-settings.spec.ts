import { defaultServiceName, tracingSettings } from './tracing-settings';

const INGRESS = '/srv/relaymesh/dist/apps/ingress/src/main.js';

describe('tracingSettings', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['nothing set', {}, false],
    ['an exporter named', { OTEL_TRACES_EXPORTER: 'otlp' }, true],
    ['console exporter', { OTEL_TRACES_EXPORTER: 'console' }, true],
    ['several exporters', { OTEL_TRACES_EXPORTER: 'otlp, console' }, true],
    ['exporter none', { OTEL_TRACES_EXPORTER: 'none' }, false],
    [
      'none with an endpoint',
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      false,
    ],
    ['only an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [
      'only a traces endpoint',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' },
      true,
    ],
    ['an empty endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    ['an empty exporter list', { OTEL_TRACES_EXPORTER: ' , ' }, false],
    ['SDK disabled', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    ['SDK disabled, any case', { OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    ['SDK not disabled', { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, true],
    ['only a service name', { OTEL_SERVICE_NAME: 'gateway' }, false],
  ])('%s: enabled is %s', (_, env, enabled) => {
    expect(tracingSettings(env, INGRESS).enabled).toBe(enabled);
  });

  it('should name the service after the app unless the operator named it', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' }, INGRESS).serviceName).toBe(
      'relaymesh-ingress',
    );
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'gw' }, INGRESS).serviceName).toBeUndefined();
    expect(
      tracingSettings(
        { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=gw' },
        INGRESS,
      ).serviceName,
    ).toBeUndefined();
    expect(
      tracingSettings({ OTEL_RESOURCE_ATTRIBUTES: 'my.service.name=x' }, INGRESS).serviceName,
    ).toBe('relaymesh-ingress');
  });
});

describe('defaultServiceName', () => {
  it.each([
    ['/app/dist/apps/usage-ledger/src/main.js', 'relaymesh-usage-ledger'],
    ['/app/dist/apps/health-prober/src/main.js', 'relaymesh-health-prober'],
    ['C:\\relaymesh\\dist\\apps\\router\\src\\main.js', 'relaymesh-router'],
    ['/app/apps/router/src/main.ts', 'relaymesh-router'],
    ['/app/dist/embedded/main.js', 'relaymesh'],
    ['/app/dist/apps/ingress/src/other.js', 'relaymesh'],
    [undefined, 'relaymesh'],
  ])('%s → %s', (entry, name) => {
    expect(defaultServiceName(entry)).toBe(name);
  });
});
