// A list of health transitions, newest first: a channel's timeline (its own dialog) and every channel's latest
// on the overview, where each line also names the channel that moved.
import { dateTime } from './format';
import type { ChannelTransition } from './types';

export function TransitionList(props: {
  transitions: (ChannelTransition & { channel_id?: string })[];
  testId: string;
  /** Channel names by id: given, each line names its channel. */
  channelName?: ReadonlyMap<string, string>;
}) {
  const { channelName } = props;
  return (
    <ol class="timeline" data-testid={props.testId}>
      {props.transitions.map((t) => (
        <li key={`${t.at}-${t.channel_id ?? ''}-${t.to}`} data-to={t.to}>
          <time dateTime={t.at}>{dateTime(t.at, true)}</time>
          <span>
            {channelName && t.channel_id ? (
              <span class="channel-name">{channelName.get(t.channel_id) ?? t.channel_id}: </span>
            ) : null}
            <strong>
              {t.from} → {t.to}
            </strong>{' '}
            <span class="muted">{t.reason}</span>
          </span>
          {t.last_error && !t.reason.includes(t.last_error) ? (
            <span class="error-text">{t.last_error}</span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
