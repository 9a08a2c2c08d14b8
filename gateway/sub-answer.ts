/**
 * What a `sub` is answered with, read from the dispatcher tier in one go: the topic's history
 * (the position, and what to replay for `since`/`last`), its cluster-wide count for
 * `count: true` (PROTOCOL.md §8) and, for a presence topic, the member's presence (§7).
 *
 * The three reads run together under one deadline; the count is asked after the router
 * counted the new subscriber (the caller's order), so it includes it. The presence read never
 * fails the `sub`: an owner or store that cannot answer makes it `unknown`.
 */
import type { DispatcherClient } from '../dispatcher/client';
import type { HistoryAnswer } from '../dispatcher/types';
import { isPresenceTopic, type AckMessage, type SubMessage } from '../protocol';
import type { CountQuery } from './gateway-counts';
import { presenceAckFields } from './presence-hooks';
import { withTimeout } from './request-timeout';

export interface SubAnswer {
  readonly history: HistoryAnswer;
  readonly ack: AckMessage;
}

export async function answerSub(
  dispatcher: DispatcherClient,
  counts: CountQuery | undefined,
  m: SubMessage,
  timeoutMs: number,
): Promise<SubAnswer> {
  // The usual `sub` needs the history alone: one request and its deadline, no Promise.all and
  // no arrays, as a connect storm makes one per connection (RESULTS.md, 2026-12-03 second).
  if (m.count !== true && !isPresenceTopic(m.topic)) {
    const history = await withTimeout(
      dispatcher.history(m.topic, m.since, m.last),
      timeoutMs,
      'history',
    );
    return { history, ack: ackOf(m, history) };
  }
  const [history, count, presence] = await withTimeout(
    Promise.all([
      dispatcher.history(m.topic, m.since, m.last),
      m.count === true ? counts?.total(m.topic) : undefined,
      isPresenceTopic(m.topic) ? presenceAckFields(dispatcher, m.topic, timeoutMs) : undefined,
    ]),
    timeoutMs,
    'history',
  );
  const ack = ackOf(m, history);
  if (presence !== undefined) Object.assign(ack, presence);
  if (count !== undefined) ack.count = count;
  return { history, ack };
}

/** The ack of `m` at the topic's position; presence and count fields go after these. */
function ackOf(m: SubMessage, h: HistoryAnswer): AckMessage {
  return { op: 'ack', id: m.id, epoch: h.epoch, seq: h.seq, recovered: h.recovered };
}
