// The keywords spotted on a call (GET /cdrs/{id}/keyword-hits), beside its transcript on the call
// record: each with the leg that said it, its list and where in the call it was heard. Keywords are
// read with the recordings' permission and masked there as transcripts are.
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { clock } from './CallTranscript';

type Hits = Response<'/api/v1/cdrs/{id}/keyword-hits', 'get'>;

export function KeywordHits({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const loaded = useApi<Hits>(`/api/v1/cdrs/${callId}/keyword-hits`);
  if (loaded.error) return <Typography.Text type="secondary">{loaded.error instanceof ApiError ? loaded.error.text : loaded.error.message}</Typography.Text>;
  const hits = loaded.data?.items;
  if (!hits) return null;
  if (hits.length === 0) return <Typography.Text type="secondary">{t('keywords.hits.none')}</Typography.Text>;
  return (
    <Space direction="vertical" data-testid="keyword-hits">
      {hits.map((h, i) => (
        <Space key={i}>
          <Typography.Text type="secondary">{clock(h.atMs)}</Typography.Text>
          <Tag color="gold" data-testid="keyword-hit">
            {h.keyword}
          </Tag>
          <span>{t('keywords.hits.heardBy', { list: h.list, leg: t(`transcript.speakers.${h.leg}`) })}</span>
        </Space>
      ))}
    </Space>
  );
}
