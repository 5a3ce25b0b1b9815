// The benchmark's upstreams, in a process of their own (forked by the bench) so that they and the load
// generator do not share one event loop: the fake OpenAI and Anthropic servers of libs/testing with no delay,
// answering every request with the same 20-word text (a 20-chunk stream). Each fake records the requests it
// gets (tests read them); here that list is emptied every second so memory stays flat under load.
import { FakeAnthropic, FakeOpenAI } from '@relaymesh/testing';
import { ANSWER } from './scenarios';

export interface FakeUpstreamUrls {
  openai: string;
  anthropic: string;
}

async function main(): Promise<void> {
  const [openai, anthropic] = await Promise.all([FakeOpenAI.start(), FakeAnthropic.start()]);
  openai.setResponder(() => ({ text: ANSWER }));
  anthropic.setResponder(() => ({ text: ANSWER }));
  const forget = setInterval(() => {
    openai.requests.length = 0;
    anthropic.requests.length = 0;
  }, 1000);
  const stop = () => {
    clearInterval(forget);
    void Promise.all([openai.close(), anthropic.close()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  const urls: FakeUpstreamUrls = { openai: openai.url, anthropic: anthropic.url };
  process.send?.(urls);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
