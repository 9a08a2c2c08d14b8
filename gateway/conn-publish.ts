/**
 * A client's `pub` (PROTOCOL.md §2, §6, §7): whether this connection may publish to the topic,
 * then the publish through the dispatcher tier under the request deadline, answered `ack` with
 * the event's `seq` and `epoch` or `err`.
 *
 * Presence topics are written by the presence tier only: `err` 403 for every client. Elsewhere
 * `allowPublish` (no client auth at all, or --client-publish) lets any topic through; otherwise
 * only a token whose `pub` claim covers the topic may publish.
 */
import type { Identity } from '../auth';
import { ErrorCode, isPresenceTopic, PRESENCE_READ_ONLY, type ClientMessage } from '../protocol';
import type { ConnectionEnv, ConnReplies } from './conn-env';
import { bump } from './gateway-stats';
import { withTimeout } from './request-timeout';

/** The parts of the connection env a publish reads. */
export type PublishEnv = Pick<ConnectionEnv, 'limits' | 'dispatcher' | 'stats'>;

export async function publish(
  replies: ConnReplies,
  env: PublishEnv,
  identity: Identity | undefined,
  m: Extract<ClientMessage, { op: 'pub' }>,
): Promise<void> {
  const { limits, dispatcher, stats } = env;
  if (isPresenceTopic(m.topic)) {
    bump(stats.badInput, 'forbidden');
    return replies.err(m.id, ErrorCode.Forbidden, PRESENCE_READ_ONLY);
  }
  if (!limits.allowPublish && !(identity?.canPub(m.topic) ?? false)) {
    bump(stats.badInput, 'forbidden');
    return replies.err(m.id, ErrorCode.Forbidden, 'not allowed to publish to this topic');
  }
  replies.flush();
  try {
    const r = await withTimeout(
      dispatcher.publish(m.topic, m.data, m.bytes),
      limits.requestTimeoutMs,
      'publish',
    );
    replies.reply({ op: 'ack', id: m.id, seq: r.seq, epoch: r.epoch });
  } catch (e) {
    replies.err(m.id, ErrorCode.Unavailable, `publish failed: ${(e as Error).message}`);
  }
}
