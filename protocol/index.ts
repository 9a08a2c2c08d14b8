/**
 * The public surface of `protocol/`: wire types, codes, validation, codecs and TCP framing.
 * Internals (`fields.ts`, `msgpack.ts`) stay private so their shape can change freely.
 */
export { CloseCode, Disconnect, ErrorCode } from './codes';
export type { DisconnectName, DisconnectReason } from './codes';
export { DecodeError, FrameTooLargeError } from './errors';
export { isValidTopic, MAX_TOPIC_BYTES } from './topic';
export { ClientOp, PROTOCOL_VERSION, ServerOp } from './messages';
export type {
  AckMessage,
  ByeMessage,
  ClientMessage,
  CountMessage,
  ErrMessage,
  EvMessage,
  HelloMessage,
  PingMessage,
  PongMessage,
  PresenceMessage,
  PubMessage,
  ServerMessage,
  Since,
  SubMessage,
  UnsubMessage,
} from './messages';
export { parseClientMessage } from './validate';
export { isFieldMap, isUnsignedSafeInteger, type FieldMap } from './fields';
export { checkPayload, MAX_DATA_DEPTH, payloadBytes } from './payload';
export { badLast, isHistoryLast, MAX_LAST } from './history-last';
export type { PayloadCheck } from './payload';
export type { Parsed } from './validate';
export {
  chooseSubprotocol,
  codecFor,
  decodeClientFrame,
  encodeEvents,
  jsonCodec,
  MAX_CLIENT_BATCH,
  msgpackCodec,
  Subprotocol,
} from './codec';
export type { Codec, DecodedFrame, EventPayload, SkipHandler } from './codec';
export {
  decodePayload,
  DEFAULT_MAX_PUBLISH_FRAME,
  encodeFrame,
  FrameDecoder,
  frameBody,
} from './framing';
export type { FrameSink } from './framing';
export { parsePublisherFrame, parsePublisherMessage } from './publisher';
export { parsedPub, parsePublisherFrameRaw, readPublisherFrame } from './publisher-raw';
export type { PublisherSink } from './publisher-raw';
export { RawMsgpack } from './raw-msgpack';
export type { AuthMessage, PublisherMessage, PublisherReply, PublishMessage } from './publisher';
export {
  isPresenceTopic,
  memberOfTopic,
  PRESENCE_PREFIX,
  PRESENCE_READ_ONLY,
  presenceTopicOf,
} from './presence-topic';
