// What a person types into a softphone for one extension, and the same as a QR code (a SIP URI with
// the password in its userinfo, RFC 3261 §19.1.1) for phones that scan one. The password is known
// only right after it was set: the server keeps the digest hash alone.
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Image, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../lib/use-api';
import type { Response } from '../api/client';

type Status = Response<'/api/v1/system/status', 'get'>;

export function SoftphoneConfig({ number, password }: { number: string; password: string | undefined }) {
  const { t } = useTranslation();
  const status = useApi<Status>('/api/v1/system/status');
  const [qr, setQr] = useState<string>();
  const domain = status.data?.sipDomain ?? window.location.hostname;
  const udp = status.data?.listening.find((l) => l.transport === 'udp');
  const wss = status.data?.listening.find((l) => l.transport === 'wss');
  const host = status.data?.publicAddress ?? window.location.hostname;
  const proxy = `${host}:${udp?.port ?? 5060}`;
  const shown = password ?? t('softphone.passwordPlaceholder');
  const snippet = [
    `username=${number}`,
    `password=${shown}`,
    `domain=${domain}`,
    `proxy=${proxy}`,
    `transport=udp`,
    ...(wss ? [`websocket=wss://${host}:${wss.port}`] : []),
  ].join('\n');

  useEffect(() => {
    if (password === undefined) {
      setQr(undefined);
      return;
    }
    let live = true;
    const uri = `sip:${number}:${encodeURIComponent(password)}@${domain};transport=udp?proxy=${encodeURIComponent(proxy)}`;
    void import('qrcode').then((q) => q.toDataURL(uri, { margin: 1, width: 200 })).then((url) => live && setQr(url));
    return () => {
      live = false;
    };
  }, [number, password, domain, proxy]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('softphone.username')}>{number}</Descriptions.Item>
        <Descriptions.Item label={t('softphone.domain')}>{domain}</Descriptions.Item>
        <Descriptions.Item label={t('softphone.proxy')}>{proxy}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph copyable={{ text: snippet }}>
        <pre data-testid="softphone-snippet" style={{ margin: 0 }}>
          {snippet}
        </pre>
      </Typography.Paragraph>
      {qr ? <Image src={qr} alt={t('softphone.qrAlt')} width={200} preview={false} /> : <Alert type="info" showIcon title={t('softphone.noQr')} />}
    </Space>
  );
}
