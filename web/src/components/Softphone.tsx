// The softphone card of the agent workspace: switched on, it registers the agent's extension with a
// SIP password the server issues to this signed-in agent (POST /api/v1/acd/me/softphone; the agent
// never needs the extension's own), then answers, hangs up, mutes, sends DTMF and blind-transfers
// the caller (at the server, as hold), with the microphone and speaker chosen here. Off, the agent
// works with a desk phone: the ACD rings the extension's phones either way. Hold is the server's
// (the caller hears music on hold): Hailing does not yet answer the browser's own hold re-INVITE on
// a call it offered to the browser, and JsSIP then ends the call ('Hold Failed'); docs/console.md.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Input, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { IDLE, Softphone as Phone, type SoftphoneState } from '../lib/softphone';
import { loadAudioChoice, type AudioChoice } from '../lib/audio-devices';
import { AudioDevices } from './AudioDevices';

type Credential = Response<'/api/v1/acd/me/softphone', 'post'>;

export interface SoftphoneProps {
  readonly extension: string;
  /** holds or resumes the call at the server (the caller hears music on hold); absent: no hold button */
  readonly onHold?: (on: boolean) => Promise<void>;
  /** blind-transfers the caller at the server to an extension or number (the agent is released); absent: no transfer button */
  readonly onTransfer?: (target: string) => Promise<void>;
  /** ws:// or wss:// of the SIP WebSocket listener; undefined: the server has none */
  readonly wsUrl: string | undefined;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const BADGE: Record<SoftphoneState['registration'], 'default' | 'processing' | 'success' | 'error'> = { off: 'default', connecting: 'processing', registered: 'success', failed: 'error' };

export function Softphone({ extension, wsUrl, onHold, onTransfer }: SoftphoneProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<SoftphoneState>(IDLE);
  const [problem, setProblem] = useState<string>();
  const [held, setHeld] = useState(false);
  /** the transfer input: undefined while closed */
  const [target, setTarget] = useState<string>();
  const [transferring, setTransferring] = useState<string>();
  const phone = useRef<Phone | null>(null);
  // the device choice as last reported (the device list's effect runs before the phone exists)
  const devices = useRef<AudioChoice>(loadAudioChoice());

  useEffect(() => {
    const p = new Phone(setState);
    p.setDevices(devices.current);
    phone.current = p;
    return () => p.stop();
  }, []);

  const on = state.registration !== 'off';
  // each switch-on gets a fresh SIP password of the softphone's own from the server
  const toggle = async (checked: boolean) => {
    setProblem(undefined);
    if (!checked) {
      phone.current?.stop();
      return;
    }
    if (wsUrl === undefined) return;
    try {
      const c = await request<Credential>('/api/v1/acd/me/softphone', { method: 'POST' });
      await phone.current?.start({ wsUrl, extension: c.username, domain: c.sipDomain, password: c.password });
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    }
  };
  const hold = async (on: boolean) => {
    setProblem(undefined);
    try {
      await onHold?.(on);
      setHeld(on);
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    }
  };
  const transfer = async () => {
    if (target === undefined || target.trim() === '') return;
    setProblem(undefined);
    try {
      await onTransfer?.(target.trim());
      setTransferring(target.trim());
      setTarget(undefined);
    } catch (err) {
      // a refused target comes as a validation issue on 'target': show the field and why
      const issue = err instanceof ApiError ? err.issues[0] : undefined;
      setProblem(issue ? `${issue.path}: ${issue.message}` : err instanceof ApiError ? err.text : String(err));
    }
  };
  const devicesChosen = useCallback((c: AudioChoice) => {
    devices.current = c;
    phone.current?.setDevices(c);
  }, []);
  useEffect(() => {
    if (state.call !== 'talking') {
      setHeld(false);
      setTarget(undefined);
    }
    if (state.call === 'idle' || state.call === 'ringing') setTransferring(undefined);
  }, [state.call]);
  const inCall = state.call === 'talking' || state.call === 'connecting';

  return (
    <Card title={t('agent.softphone.title')} size="small" data-testid="softphone">
      {wsUrl === undefined ? (
        <Alert type="info" showIcon title={t('agent.softphone.noListener')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Switch checked={on} onChange={(v) => void toggle(v)} data-testid="softphone-switch" aria-label={t('agent.softphone.title')} />
            <Badge status={BADGE[state.registration]} text={t(`agent.softphone.registration.${state.registration}`)} data-testid="softphone-registration" />
          </Space>
          <Typography.Text type="secondary">{t('agent.softphone.deskPhoneHint', { extension })}</Typography.Text>
          <AudioDevices onChange={devicesChosen} />
          {state.cause && state.registration === 'failed' ? <Alert type="error" showIcon title={state.cause} /> : null}
          {problem ? <Alert type="error" showIcon title={problem} /> : null}
          <Space wrap data-testid="softphone-call" data-call={state.call}>
            <Typography.Text strong>{t(`agent.softphone.call.${state.call}`, { remote: state.remote ?? '' })}</Typography.Text>
            {state.call === 'ringing' ? (
              <Button type="primary" onClick={() => phone.current?.answer()} data-testid="softphone-answer">
                {t('agent.softphone.answer')}
              </Button>
            ) : null}
            {state.call === 'ringing' || inCall ? (
              <Button danger onClick={() => phone.current?.hangup()} data-testid="softphone-hangup">
                {t('agent.softphone.hangup')}
              </Button>
            ) : null}
            {inCall ? (
              <>
                {onHold ? (
                  <Button onClick={() => void hold(!held)} data-testid="softphone-hold">
                    {held ? t('agent.softphone.resume') : t('agent.softphone.hold')}
                  </Button>
                ) : null}
                <Button onClick={() => phone.current?.mute(!state.muted)} data-testid="softphone-mute">
                  {state.muted ? t('agent.softphone.unmute') : t('agent.softphone.mute')}
                </Button>
                {onTransfer && target === undefined ? (
                  <Button onClick={() => setTarget('')} data-testid="softphone-transfer">
                    {t('agent.softphone.transfer')}
                  </Button>
                ) : null}
              </>
            ) : null}
          </Space>
          {inCall && target !== undefined ? (
            <Space.Compact>
              <Input autoFocus value={target} maxLength={32} placeholder={t('agent.softphone.transferTo')} aria-label={t('agent.softphone.transferTo')} onChange={(e) => setTarget(e.target.value)} onPressEnter={() => void transfer()} data-testid="softphone-transfer-target" />
              <Button type="primary" onClick={() => void transfer()} disabled={target.trim() === ''} data-testid="softphone-transfer-go">
                {t('agent.softphone.transferGo')}
              </Button>
              <Button onClick={() => setTarget(undefined)}>{t('agent.softphone.transferCancel')}</Button>
            </Space.Compact>
          ) : null}
          {transferring !== undefined ? <Typography.Text type="secondary" data-testid="softphone-transferring">{t('agent.softphone.transferStarted', { target: transferring })}</Typography.Text> : null}
          {inCall ? (
            <div role="group" aria-label={t('agent.softphone.dialpad')} style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 48px)', gap: 4 }}>
              {KEYS.map((k) => (
                <Button key={k} onClick={() => phone.current?.dtmf(k)} data-testid={`dtmf-${k}`}>
                  {k}
                </Button>
              ))}
            </div>
          ) : null}
        </Space>
      )}
    </Card>
  );
}
