// Live transcripts on the live calls screen (docs/speech.md "Live transcription"): the
// transcript.partial / transcript.final events of the `transcripts` topic, kept per call and leg
// as they arrive over the console's one events WebSocket. Finals accumulate; a leg's partial is the
// utterance still being spoken and is replaced by the next partial or its final. Keywords spotted
// (transcript.keyword: a phrase of the call's keyword lists) are listed under the legs as they come.
// Only roles with recordings.listen are sent these events (and only they are offered the view).
import { useCallback, useState } from 'react';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useEvents, type StreamEvent } from '../lib/events';
import { clock } from './CallTranscript';

type Leg = 'caller' | 'callee';
interface Line {
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string;
}
/** what has been heard on one call: finals per leg in order, and each leg's utterance in progress */
export interface HeardOnCall {
  readonly finals: Readonly<Record<Leg, readonly Line[]>>;
  readonly partial: Readonly<Partial<Record<Leg, Line>>>;
  /** keywords spotted, in the order heard: text is the phrase */
  readonly keywords: readonly (Line & { readonly leg: Leg; readonly list: string })[];
}
const EMPTY: HeardOnCall = { finals: { caller: [], callee: [] }, partial: {}, keywords: [] };
const TYPES = ['transcript.partial', 'transcript.final', 'transcript.keyword', 'hangup'];

function lineOf(e: StreamEvent): (Line & { callId: string; leg: Leg }) | null {
  const { callId, leg, startMs, endMs, text } = e as { callId?: unknown; leg?: unknown; startMs?: unknown; endMs?: unknown; text?: unknown };
  if (typeof callId !== 'string' || (leg !== 'caller' && leg !== 'callee') || typeof text !== 'string') return null;
  return { callId, leg, startMs: Number(startMs), endMs: Number(endMs), text };
}

/** transcript lines of every call in progress, by call id; a call's lines are dropped when it hangs up */
export function useLiveTranscripts(enabled: boolean): ReadonlyMap<string, HeardOnCall> {
  const [heard, setHeard] = useState<ReadonlyMap<string, HeardOnCall>>(new Map());
  const onEvent = useCallback(
    (e: StreamEvent) => {
      if (!enabled) return;
      setHeard((before) => {
        const next = new Map(before);
        if (e.type === 'hangup') {
          if (typeof e['callId'] === 'string') next.delete(e['callId']);
          return next;
        }
        const l = lineOf(e);
        if (l === null) return before;
        const was = next.get(l.callId) ?? EMPTY;
        const line = { startMs: l.startMs, endMs: l.endMs, text: l.text };
        if (e.type === 'transcript.keyword') {
          next.set(l.callId, { ...was, keywords: [...was.keywords, { ...line, leg: l.leg, list: typeof e['list'] === 'string' ? e['list'] : '' }] });
          return next;
        }
        const { [l.leg]: _done, ...otherPartial } = was.partial;
        next.set(
          l.callId,
          e.type === 'transcript.final' ? { ...was, finals: { ...was.finals, [l.leg]: [...was.finals[l.leg], line] }, partial: otherPartial } : { ...was, partial: { ...was.partial, [l.leg]: line } },
        );
        return next;
      });
    },
    [enabled],
  );
  useEvents(TYPES, onEvent);
  return heard;
}

const COLOUR: Record<Leg, string> = { caller: 'blue', callee: 'green' };

/** one call's transcript so far, leg by leg (the expanded row of the live calls table) */
export function LiveTranscript({ heard }: { heard: HeardOnCall | undefined }) {
  const { t } = useTranslation();
  const h = heard ?? EMPTY;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="live-transcript">
      {(['caller', 'callee'] as const).map((leg) => (
        <div key={leg} data-testid={`live-transcript-${leg}`}>
          <Tag color={COLOUR[leg]}>{t(`transcript.speakers.${leg}`)}</Tag>
          {h.finals[leg].length === 0 && h.partial[leg] === undefined && <Typography.Text type="secondary">{t('liveCalls.transcriptNothing')}</Typography.Text>}
          {h.finals[leg].map((l) => (
            <div key={`${l.startMs}-${l.endMs}`}>
              <Typography.Text type="secondary">{clock(l.startMs)}</Typography.Text> <span data-testid={`live-final-${leg}`}>{l.text}</span>
            </div>
          ))}
          {h.partial[leg] && (
            <div>
              <Typography.Text type="secondary">{clock(h.partial[leg].startMs)}</Typography.Text>{' '}
              <Typography.Text italic data-testid={`live-partial-${leg}`}>
                {h.partial[leg].text}
              </Typography.Text>
            </div>
          )}
        </div>
      ))}
      {h.keywords.length > 0 && (
        <div data-testid="live-keywords">
          <Typography.Text strong>{t('keywords.hits.live')}</Typography.Text>{' '}
          {h.keywords.map((k, i) => (
            <Tag key={i} color="gold" data-testid={`live-keyword-${k.leg}`} title={t('keywords.hits.heardBy', { list: k.list, leg: t(`transcript.speakers.${k.leg}`) })}>
              {clock(k.startMs)} {k.text}
            </Tag>
          ))}
        </div>
      )}
    </Space>
  );
}
