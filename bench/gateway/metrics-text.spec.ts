import { sumCounter } from './metrics-text';

const EXPOSITION = `# HELP relaymesh_ingress_requests_total Data-plane requests answered by ingress.
# TYPE relaymesh_ingress_requests_total counter
relaymesh_ingress_requests_total{route="chat_completions",format="openai",code="200"} 1200
relaymesh_ingress_requests_total{route="messages",format="anthropic",code="200"} 34
relaymesh_ingress_requests_total_extra 99
relaymesh_ingress_requests 5
other_total{a="relaymesh_ingress_requests_total"} 7
`;

describe('sumCounter', () => {
  it('should add every label set of the counter and nothing that only starts like it', () => {
    expect(sumCounter(EXPOSITION, 'relaymesh_ingress_requests_total')).toBe(1234);
  });

  it('should read an unlabelled counter, and be 0 when the counter is absent', () => {
    expect(sumCounter('up 1\n', 'up')).toBe(1);
    expect(sumCounter(EXPOSITION, 'relaymesh_nothing_total')).toBe(0);
  });
});
