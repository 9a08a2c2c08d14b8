import * as protocol from './index';

describe('protocol index', () => {
  it('exposes the public API other folders build on', () => {
    const names = [
      'CloseCode',
      'Disconnect',
      'ErrorCode',
      'DecodeError',
      'FrameTooLargeError',
      'isValidTopic',
      'MAX_TOPIC_BYTES',
      'parseClientMessage',
      'chooseSubprotocol',
      'codecFor',
      'decodeClientFrame',
      'encodeEvents',
      'jsonCodec',
      'msgpackCodec',
      'Subprotocol',
      'MAX_CLIENT_BATCH',
      'encodeFrame',
      'FrameDecoder',
      'decodePayload',
      'DEFAULT_MAX_PUBLISH_FRAME',
      'parsePublisherMessage',
      'parsePublisherFrame',
    ];
    for (const name of names) expect(protocol).toHaveProperty(name);
  });

  it('keeps internals private', () => {
    expect(protocol).not.toHaveProperty('packMsgpack');
    expect(protocol).not.toHaveProperty('readId');
  });
});
