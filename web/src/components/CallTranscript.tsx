// A call's transcript in the call record screen: the transcription job's state and the segments by
// speaker with their times from the start of the recording, as GET /cdrs/{id}/transcript returns
// them (numbers and e-mail addresses masked there unless the role may see them). And the search
// over every transcript (GET /transcripts?q=): each segment found opens its call.
import { useState } from 'react';
import { Alert, Input, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';

type Transcript = Response<'/api/v1/cdrs/{id}/transcript', 'get'>;
type Found = Response<'/api/v1/transcripts', 'get'>;
type Segment = Transcript['segments'][number];

/** m:ss.s from the start of the recording (always one decimal: 1000 ms is 0:01.0, not 0:0001) */
export function clock(ms: number): string {
  const tenths = Math.round(ms / 100);
  const seconds = (tenths % 600) / 10;
  return `${Math.floor(tenths / 600)}:${seconds.toFixed(1).padStart(4, '0')}`;
}

const SPEAKER_COLOUR: Record<string, string> = { caller: 'blue', callee: 'green', mixed: 'default' };

function Segments({ segments, testId }: { segments: readonly Segment[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <List<Segment>
      size="small"
      data-testid={testId}
      dataSource={[...segments]}
      renderItem={(s) => (
        <List.Item>
          <Space align="start">
            <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
              {clock(s.startMs)}–{clock(s.endMs)}
            </Typography.Text>
            <Tag color={SPEAKER_COLOUR[s.speaker] ?? 'default'}>{t(`transcript.speakers.${s.speaker === 'caller' || s.speaker === 'callee' ? s.speaker : 'mixed'}`)}</Tag>
            <span data-testid="segment-text">{s.text}</span>
          </Space>
        </List.Item>
      )}
    />
  );
}

export function CallTranscript({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const loaded = useApi<Transcript>(`/api/v1/cdrs/${callId}/transcript`);
  if (loaded.error) {
    // 404: transcription is off on this server (or the record is gone); anything else as the server says
    const off = loaded.error instanceof ApiError && loaded.error.status === 404;
    return <Typography.Text type="secondary">{off ? t('transcript.off') : loaded.error.message}</Typography.Text>;
  }
  const tr = loaded.data;
  if (!tr) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Tag data-testid="transcript-state">{t(`transcript.states.${tr.state}`)}</Tag>
        {tr.attempts > 1 && <Typography.Text type="secondary">{t('transcript.attempts', { n: tr.attempts })}</Typography.Text>}
      </Space>
      {tr.lastError && <Alert type="warning" showIcon title={tr.lastError} />}
      {tr.state === 'done' && tr.segments.length === 0 ? <Typography.Text type="secondary">{t('transcript.empty')}</Typography.Text> : <Segments segments={tr.segments} testId="transcript-segments" />}
    </Space>
  );
}

export function TranscriptSearch({ onOpen }: { onOpen: (callId: string) => void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<Found>();
  const [error, setError] = useState<string>();
  const search = async (q: string) => {
    setError(undefined);
    if (!q.trim()) return setFound(undefined);
    try {
      setFound(await request<Found>('/api/v1/transcripts', { query: { q: q.trim(), limit: 20 } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.text : String(err));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }}>
      <Input.Search allowClear placeholder={t('transcript.search')} onSearch={(q) => void search(q)} style={{ maxWidth: 420 }} data-testid="transcript-search" />
      {error && <Alert type="error" showIcon title={error} />}
      {found && (
        <List
          size="small"
          bordered
          header={t('transcript.found', { n: found.total })}
          data-testid="transcript-found"
          dataSource={found.items}
          renderItem={(s) => (
            <List.Item onClick={() => onOpen(s.callId)} onKeyDown={(e) => e.key === 'Enter' && onOpen(s.callId)} tabIndex={0} style={{ cursor: 'pointer' }}>
              <Space>
                <Typography.Text type="secondary">{clock(s.startMs)}</Typography.Text>
                <Tag>{t(`transcript.speakers.${s.speaker === 'caller' || s.speaker === 'callee' ? s.speaker : 'mixed'}`)}</Tag>
                <span>{s.text}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
