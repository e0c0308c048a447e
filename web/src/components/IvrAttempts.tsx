// The screen-pop's IVR attempts (issue 15/16): what the caller keyed or said at each try of each
// input step, and how it went, as the flow attached them to the offered call (`ivr.attempts`, shaped
// as server/ivr/run-state.ts Attempt). The data is the API's free-form `ivr` object, so each row is
// checked here before it is shown; a sensitive step's input comes already "[redacted]".
import { Table } from 'antd';
import { useTranslation } from 'react-i18next';

interface Attempt {
  readonly key: number;
  readonly node: string;
  readonly attempt: number;
  readonly input: string;
  readonly kind: string;
  readonly result: string;
}

function attemptsOf(ivr: Record<string, unknown>): Attempt[] {
  const raw = ivr['attempts'];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((a: unknown, key) => {
    if (typeof a !== 'object' || a === null) return [];
    const r = a as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return [{ key, node: text(r['node']), attempt: typeof r['attempt'] === 'number' ? r['attempt'] : key + 1, input: text(r['input']), kind: text(r['kind']), result: text(r['result']) }];
  });
}

export function IvrAttempts({ ivr }: { ivr: Record<string, unknown> }) {
  const { t } = useTranslation();
  const rows = attemptsOf(ivr);
  if (rows.length === 0) return null;
  // a key unknown to this console version shows as it came rather than as a raw i18n key
  const label = (group: string, v: string) => (v === '' ? '—' : t(`agent.pop.${group}.${v}`, { defaultValue: v }));
  return (
    <Table<Attempt>
      style={{ marginTop: 12 }}
      size="small"
      pagination={false}
      dataSource={rows}
      title={() => t('agent.pop.attempts')}
      data-testid="screen-pop-attempts"
      columns={[
        { title: t('agent.pop.attemptNode'), dataIndex: 'node' },
        { title: t('agent.pop.attemptNo'), dataIndex: 'attempt' },
        { title: t('agent.pop.attemptInput'), dataIndex: 'input', render: (v: string, r) => (v === '' ? label('attemptKind', r.kind) : `${v} (${label('attemptKind', r.kind)})`) },
        { title: t('agent.pop.attemptResult'), dataIndex: 'result', render: (v: string) => label('result', v) },
      ]}
    />
  );
}
