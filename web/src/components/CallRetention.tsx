// A call record's retention controls (docs/data-at-rest.md): legal hold (placed with a reason,
// released; while held no purge or delete touches the recording) and the call's tags (retention
// policies match them). Each goes through its own route and is audited there; the record is read
// again afterwards so what is shown is what the server stored.
import { useState } from 'react';
import { Alert, Button, Input, Popconfirm, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { useSession } from '../lib/session';
import { formatDateTime } from '../lib/format';

type CallRecord = Response<'/api/v1/cdrs', 'get'>['items'][number];

export function CallRetention({ call, onChanged }: { call: CallRecord; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const permissions = useSession().session?.permissions ?? [];
  const r = call.retention;
  const [reason, setReason] = useState('');
  // comma-separated in one field: what a person types, split as the server stores it (one per tag)
  const [tags, setTags] = useState((r?.tags ?? []).join(', '));
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = encodeURIComponent(call.id);
  const act = async (method: 'PUT' | 'DELETE', url: string, body?: unknown) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await request(url, { method, ...(body !== undefined ? { body } : {}) });
      await onChanged();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.text : String(err));
    } finally {
      setBusy(false);
    }
  };
  const held = r?.legalHoldReason != null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="call-retention">
      {r?.purgedAt && <Alert type="warning" showIcon title={t('retention.record.purged', { at: formatDateTime(r.purgedAt) })} />}
      <Typography.Text strong>{t('retention.record.legalHold')}</Typography.Text>
      <div data-testid="legal-hold-state">
        {held ? (
          <Space wrap>
            <Tag color="red">{t('retention.record.held')}</Tag>
            <span>{t('retention.record.heldBy', { reason: r?.legalHoldReason, by: r?.legalHoldBy ?? '—', at: formatDateTime(r?.legalHoldAt ?? null) })}</span>
          </Space>
        ) : (
          <Tag>{t('retention.record.notHeld')}</Tag>
        )}
      </div>
      {permissions.includes('legal-hold.write') &&
        (held ? (
          <Popconfirm title={t('retention.record.confirmRelease')} onConfirm={() => void act('DELETE', `/api/v1/cdrs/${id}/legal-hold`)} okText={t('retention.record.release')} cancelText={t('common.cancel')}>
            <Button loading={busy} data-testid="legal-hold-release">
              {t('retention.record.release')}
            </Button>
          </Popconfirm>
        ) : (
          <Space.Compact style={{ width: '100%' }}>
            <Input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('retention.record.reason')} aria-label={t('retention.record.reason')} data-testid="legal-hold-reason" />
            <Button type="primary" danger loading={busy} onClick={() => void act('PUT', `/api/v1/cdrs/${id}/legal-hold`, { reason })} data-testid="legal-hold-set">
              {t('retention.record.hold')}
            </Button>
          </Space.Compact>
        ))}
      <Typography.Text strong>{t('retention.record.tags')}</Typography.Text>
      {permissions.includes('tags.write') ? (
        <Space.Compact style={{ width: '100%' }}>
          <Input value={tags} onChange={(e) => setTags(e.target.value)} placeholder={t('retention.record.tagsHint')} aria-label={t('retention.record.tags')} data-testid="call-tags" />
          <Button loading={busy} onClick={() => void act('PUT', `/api/v1/cdrs/${id}/tags`, { tags: tags.split(',').map((x) => x.trim()).filter((x) => x !== '') })} data-testid="call-tags-save">
            {t('common.save')}
          </Button>
        </Space.Compact>
      ) : null}
      <div data-testid="call-tags-stored">
        {(r?.tags ?? []).length === 0 ? <Typography.Text type="secondary">{t('retention.record.noTags')}</Typography.Text> : r?.tags.map((tag) => <Tag key={tag} color="blue">{tag}</Tag>)}
      </div>
      {problem && <Alert type="error" showIcon role="alert" title={problem} />}
    </Space>
  );
}
