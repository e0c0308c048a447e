// The softphone card of the agent workspace: switch it on with the extension's SIP password (kept
// in memory for this tab), then answer, hang up, hold, mute and send DTMF. Off, the agent works with
// a desk phone: the ACD rings the extension's phones either way.
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Input, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { IDLE, Softphone as Phone, type SoftphoneState } from '../lib/softphone';

export interface SoftphoneProps {
  readonly extension: string;
  readonly domain: string;
  /** ws:// or wss:// of the SIP WebSocket listener; undefined: the server has none */
  readonly wsUrl: string | undefined;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const BADGE: Record<SoftphoneState['registration'], 'default' | 'processing' | 'success' | 'error'> = { off: 'default', connecting: 'processing', registered: 'success', failed: 'error' };

export function Softphone({ extension, domain, wsUrl }: SoftphoneProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<SoftphoneState>(IDLE);
  const [password, setPassword] = useState('');
  const phone = useRef<Phone | null>(null);

  useEffect(() => {
    const p = new Phone(setState);
    phone.current = p;
    return () => p.stop();
  }, []);

  const on = state.registration !== 'off';
  const toggle = (checked: boolean) => {
    if (!checked) phone.current?.stop();
    else if (wsUrl !== undefined && password !== '') void phone.current?.start({ wsUrl, extension, domain, password });
  };
  const inCall = state.call === 'talking' || state.call === 'connecting';

  return (
    <Card title={t('agent.softphone.title')} size="small" data-testid="softphone">
      {wsUrl === undefined ? (
        <Alert type="info" showIcon title={t('agent.softphone.noListener')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Input.Password
              id="sip-password"
              aria-label={t('agent.softphone.password')}
              placeholder={t('agent.softphone.password')}
              value={password}
              disabled={on}
              autoComplete="off"
              onChange={(e) => setPassword(e.target.value)}
              onPressEnter={() => toggle(true)}
              style={{ width: 220 }}
            />
            <Switch checked={on} onChange={toggle} disabled={!on && password === ''} data-testid="softphone-switch" />
            <Badge status={BADGE[state.registration]} text={t(`agent.softphone.registration.${state.registration}`)} data-testid="softphone-registration" />
          </Space>
          <Typography.Text type="secondary">{t('agent.softphone.deskPhoneHint', { extension })}</Typography.Text>
          {state.cause && state.registration === 'failed' ? <Alert type="error" showIcon title={state.cause} /> : null}
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
                <Button onClick={() => phone.current?.hold(!state.held)} data-testid="softphone-hold">
                  {state.held ? t('agent.softphone.resume') : t('agent.softphone.hold')}
                </Button>
                <Button onClick={() => phone.current?.mute(!state.muted)} data-testid="softphone-mute">
                  {state.muted ? t('agent.softphone.unmute') : t('agent.softphone.mute')}
                </Button>
              </>
            ) : null}
          </Space>
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
