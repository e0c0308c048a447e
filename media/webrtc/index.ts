// Public API of the WebRTC endpoint (browser agents over werift).
export {
  WebRtcEndpoint,
  WebRtcError,
  type WebRtcCodecs,
  type WebRtcEndpointOptions,
  type WebRtcRtpIn,
  type WebRtcRtpOut,
  type WebRtcState,
  type WebRtcStats,
} from './webrtc-endpoint.js';
export { candidatesOf } from './local-sdp.js';
export {
  buildWeriftConfig,
  OPUS_PAYLOAD_TYPE,
  TELEPHONE_EVENT_PAYLOAD_TYPE,
  type WebRtcAddressOptions,
} from './werift-config.js';
