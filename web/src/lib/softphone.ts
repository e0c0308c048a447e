// The agent workspace's softphone: JsSIP (loaded only on this page) registering the agent's
// extension over SIP-over-WebSocket (RFC 7118) to Hailing's listener, one call at a time. The
// React side (components/Softphone.tsx) reads `state` and calls the methods; nothing here knows
// about the page. The SIP password is the one the server issued to the signed-in agent for this
// extension (POST /api/v1/acd/me/softphone), kept in memory only.
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent, UA } from 'jssip/lib/UA';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import { canChooseSpeaker, microphoneConstraint, type AudioChoice } from './audio-devices';

type RFC2833 = DTMF_TRANSPORT.RFC2833;

export type Registration = 'off' | 'connecting' | 'registered' | 'failed';
export type CallPhase = 'idle' | 'ringing' | 'connecting' | 'talking' | 'ended';

export interface SoftphoneState {
  readonly registration: Registration;
  /** why registration or the last call failed, as JsSIP says it */
  readonly cause: string | null;
  readonly call: CallPhase;
  /** the remote party's number of the call ringing or in progress */
  readonly remote: string | null;
  readonly muted: boolean;
}

export const IDLE: SoftphoneState = { registration: 'off', cause: null, call: 'idle', remote: null, muted: false };

export interface SoftphoneTarget {
  /** ws:// or wss:// of the SIP WebSocket listener */
  readonly wsUrl: string;
  readonly extension: string;
  readonly domain: string;
  readonly password: string;
}

const media = (microphone: string) => ({ mediaConstraints: { audio: microphoneConstraint(microphone), video: false }, pcConfig: { iceServers: [] } });

export class Softphone {
  #ua: UA | null = null;
  #rfc4733: RFC2833 | undefined;
  #session: RTCSession | null = null;
  #state: SoftphoneState = IDLE;
  #microphone = '';
  readonly #audio: HTMLAudioElement;
  readonly #onChange: (s: SoftphoneState) => void;

  constructor(onChange: (s: SoftphoneState) => void) {
    this.#onChange = onChange;
    // the remote party plays here (Chrome also needs a playing element to decode WebRTC audio)
    this.#audio = new Audio();
    this.#audio.autoplay = true;
  }

  get state(): SoftphoneState {
    return this.#state;
  }

  #set(patch: Partial<SoftphoneState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#onChange(this.#state);
  }

  async start(t: SoftphoneTarget): Promise<void> {
    this.stop();
    this.#set({ registration: 'connecting', cause: null });
    const JsSIP = await import('jssip');
    this.#rfc4733 = JsSIP.C.DTMF_TRANSPORT.RFC2833;
    JsSIP.debug.disable('JsSIP:*');
    const ua = new JsSIP.UA({ sockets: [new JsSIP.WebSocketInterface(t.wsUrl)], uri: `sip:${t.extension}@${t.domain}`, password: t.password, register: true, session_timers: false });
    this.#ua = ua;
    ua.on('registered', () => this.#set({ registration: 'registered', cause: null }));
    ua.on('registrationFailed', (e) => this.#set({ registration: 'failed', cause: e.cause ?? 'registration failed' }));
    ua.on('disconnected', () => this.#ua === ua && this.#state.registration !== 'failed' && this.#set({ registration: 'connecting' }));
    ua.on('newRTCSession', (e: RTCSessionEvent) => {
      const s = e.session;
      if (e.originator !== 'remote') return;
      // one call at a time: a second one while busy is refused as busy (RFC 3261 486)
      if (this.#session !== null) {
        s.terminate({ status_code: 486 });
        return;
      }
      this.#watch(s);
      this.#set({ call: 'ringing', remote: s.remote_identity.uri.user, muted: false, cause: null });
    });
    ua.start();
  }

  #watch(s: RTCSession): void {
    this.#session = s;
    s.on('peerconnection', (e) => {
      e.peerconnection.addEventListener('track', (t) => {
        this.#audio.srcObject = t.streams[0] ?? new MediaStream([t.track]);
        void this.#audio.play().catch(() => undefined);
      });
    });
    s.on('accepted', () => this.#set({ call: 'talking' }));
    s.on('confirmed', () => this.#set({ call: 'talking' }));
    s.on('muted', () => this.#set({ muted: true }));
    s.on('unmuted', () => this.#set({ muted: false }));
    const over = (e: { cause?: string }) => {
      if (this.#session !== s) return;
      this.#session = null;
      this.#audio.srcObject = null;
      this.#set({ call: 'ended', cause: e.cause ?? null, muted: false });
    };
    s.on('ended', over);
    s.on('failed', over);
  }

  answer(): void {
    if (this.#session === null || this.#state.call !== 'ringing') return;
    this.#set({ call: 'connecting' });
    this.#session.answer(media(this.#microphone));
  }

  /** the agent's microphone (for the next answered call) and speaker (at once, where the browser can choose) */
  setDevices(c: AudioChoice): void {
    this.#microphone = c.microphone;
    if (canChooseSpeaker()) void this.#audio.setSinkId(c.speaker).catch(() => undefined);
  }

  hangup(): void {
    this.#session?.terminate();
  }

  mute(on: boolean): void {
    if (on) this.#session?.mute({ audio: true });
    else this.#session?.unmute({ audio: true });
  }

  /** RFC 4733 events where the call negotiated them (JsSIP's RTP transport), else SIP INFO */
  dtmf(key: string): void {
    this.#session?.sendDTMF(key, this.#rfc4733 ? { transportType: this.#rfc4733 } : {});
  }

  stop(): void {
    const ua = this.#ua;
    this.#ua = null;
    this.#session?.terminate();
    this.#session = null;
    ua?.stop();
    this.#set({ ...IDLE });
  }
}
