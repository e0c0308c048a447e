// IVR flows: the list, one flow's versions (rollback), the JSON editor whose problems are listed at
// their place (the server's JSON pointer and the editor line it names), and the simulator: typed
// keys or text walk the flow and the trace shows node, prompt, input, branch and variables.
import { useState } from 'react';
import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { ErrorAlert } from '../components/ErrorAlert';

type List = Response<'/api/v1/ivr/flows', 'get'>;
type Flow = List['items'][number];
type Versions = Response<'/api/v1/ivr/flows/{id}/versions', 'get'>;
type Simulation = Response<'/api/v1/ivr/flows/{id}/simulate', 'post'>;
type Problem = { pointer: string; code: string; message: string };

const STARTER = { start: 'main', nodes: { main: { verb: 'menu', prompt: { say: 'Press 1 to hear this again.' }, choices: { '1': 'main' } } } };

/** the editor line a JSON pointer names: each token's key is looked for after the previous one */
export function lineOf(text: string, pointer: string): number | null {
  let at = 0;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const i = text.indexOf(JSON.stringify(token) + ':', at);
    if (i < 0) break;
    at = i;
  }
  return pointer === '' ? 1 : text.slice(0, at).split('\n').length;
}

/** "2 9 #" → keys; "t" → timeout; anything else → text */
function answersOf(line: string): unknown[] {
  return line
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (s === 't' ? { timeout: true } : /^[0-9*#]+$/.test(s) ? { dtmf: s } : { text: s }));
}

function Editor({ flow, onSaved }: { flow: Flow | 'new'; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(flow === 'new' ? '' : flow.name);
  const [text, setText] = useState(flow === 'new' ? JSON.stringify(STARTER, null, 2) : '');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(flow === 'new');
  if (!loaded && flow !== 'new') {
    setLoaded(true);
    void request<{ document: unknown }>(`/api/v1/ivr/flows/${flow.id}`).then((f) => setText(JSON.stringify(f.document, null, 2)));
  }
  const parsed = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      setProblems([{ pointer: '', code: 'json', message: String(err instanceof Error ? err.message : err) }]);
      return undefined;
    }
  };
  const check = async (): Promise<boolean> => {
    setError(undefined);
    const document = parsed();
    if (document === undefined) return false;
    const r = await request<{ ok: boolean; problems: Problem[] }>('/api/v1/ivr/validate', { method: 'POST', body: { document } });
    setProblems(r.problems);
    return r.ok;
  };
  const save = async () => {
    if (!(await check())) return;
    const document = parsed();
    try {
      if (flow === 'new') await request('/api/v1/ivr/flows', { method: 'POST', body: { name, document } });
      else await request(`/api/v1/ivr/flows/${flow.id}`, { method: 'PUT', body: { document } });
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Card title={flow === 'new' ? t('flows.new') : t('flows.edit', { name })} style={{ marginBottom: 24 }}>
      {flow === 'new' && <Input aria-label={t('flows.name')} placeholder={t('flows.name')} value={name} onChange={(e) => setName(e.target.value)} style={{ marginBottom: 12, maxWidth: 320 }} />}
      <Input.TextArea aria-label={t('flows.document')} rows={16} value={text} onChange={(e) => setText(e.target.value)} style={{ fontFamily: 'monospace' }} />
      <Space style={{ marginTop: 12 }}>
        <Button onClick={() => void check()}>{t('flows.check')}</Button>
        <Button type="primary" onClick={() => void save()}>
          {t('common.save')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 12 }} />}
      {problems.length > 0 && (
        <Table<Problem>
          data-testid="flow-problems"
          style={{ marginTop: 12 }}
          size="small"
          pagination={false}
          rowKey={(p) => `${p.pointer} ${p.code}`}
          dataSource={problems}
          columns={[
            { title: t('flows.location'), dataIndex: 'pointer', render: (p: string) => <code>{p || '/'}</code> },
            { title: t('flows.line'), key: 'line', render: (_: unknown, p: Problem) => lineOf(text, p.pointer) ?? '—' },
            { title: t('flows.problem'), dataIndex: 'code', render: (c: string) => <Tag color="red">{c}</Tag> },
            { title: t('flows.message'), dataIndex: 'message' },
          ]}
        />
      )}
    </Card>
  );
}

function Details({ flow, onChanged }: { flow: Flow; onChanged: () => void }) {
  const { t } = useTranslation();
  const versions = useApi<Versions>(`/api/v1/ivr/flows/${flow.id}/versions`);
  const [answers, setAnswers] = useState('');
  const [sim, setSim] = useState<Simulation>();
  const rollback = async (version: number) => {
    await request(`/api/v1/ivr/flows/${flow.id}/rollback`, { method: 'POST', body: { version } });
    onChanged();
    await versions.reload();
  };
  const simulate = async () => setSim(await request<Simulation>(`/api/v1/ivr/flows/${flow.id}/simulate`, { method: 'POST', body: { answers: answersOf(answers) } }));
  return (
    <>
      <Card title={t('flows.versions')} style={{ marginBottom: 24 }}>
        <Table
          size="small"
          pagination={false}
          rowKey="version"
          dataSource={versions.data?.items ?? []}
          columns={[
            { title: t('flows.version'), dataIndex: 'version', render: (v: number) => (v === flow.currentVersion ? <Tag color="green">{v}</Tag> : v) },
            { title: t('flows.by'), dataIndex: 'createdBy', render: (v: string | null) => v ?? '' },
            { title: t('flows.at'), dataIndex: 'createdAt' },
            { title: t('common.actions'), key: 'a', render: (_: unknown, v: { version: number }) => (v.version === flow.currentVersion ? null : <Button size="small" onClick={() => void rollback(v.version)}>{t('flows.rollback')}</Button>) },
          ]}
        />
      </Card>
      <Card title={t('flows.simulator')} style={{ marginBottom: 24 }}>
        <Space>
          <Input aria-label={t('flows.answers')} placeholder={t('flows.answersHelp')} value={answers} onChange={(e) => setAnswers(e.target.value)} style={{ width: 360 }} />
          <Button type="primary" onClick={() => void simulate()}>
            {t('flows.simulate')}
          </Button>
        </Space>
        {sim && (
          <div data-testid="flow-trace" style={{ marginTop: 12 }}>
            <Typography.Paragraph>
              {t('flows.outcome')}: <Tag>{String(sim.outcome['kind'])}</Tag> {t('flows.path')}: <code>{sim.context.path.join(' → ')}</code>
            </Typography.Paragraph>
            <Table
              size="small"
              pagination={false}
              rowKey="step"
              dataSource={sim.context.trace}
              columns={[
                { title: '#', dataIndex: 'step' },
                { title: t('flows.node'), dataIndex: 'node' },
                { title: t('flows.prompt'), dataIndex: 'prompt', render: (v?: string) => v ?? '' },
                { title: t('flows.input'), dataIndex: 'input', render: (v?: string) => v ?? '' },
                { title: t('flows.branch'), dataIndex: 'branch', render: (v?: string) => (v ? <Tag>{v}</Tag> : '') },
                { title: t('flows.vars'), dataIndex: 'vars', render: (v: Record<string, string>) => <code>{JSON.stringify(v)}</code> },
              ]}
            />
          </div>
        )}
      </Card>
    </>
  );
}

export default function Flows() {
  const { t } = useTranslation();
  const list = useApi<List>('/api/v1/ivr/flows');
  const [editing, setEditing] = useState<Flow | 'new'>();
  const [selected, setSelected] = useState<number>();
  const current = list.data?.items.find((f) => f.id === selected);
  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('flows.new')}
        </Button>
      </Space>
      <Table<Flow>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('flows.empty') }}
        style={{ marginBottom: 24 }}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('flows.name'), dataIndex: 'name', render: (v: string, f: Flow) => (<Button type="link" onClick={() => setSelected(f.id)}>{v}</Button>) },
          { title: t('flows.version'), dataIndex: 'currentVersion' },
          { title: t('common.actions'), key: 'a', render: (_: unknown, f: Flow) => <Button size="small" onClick={() => setEditing(f)}>{t('flows.editButton')}</Button> },
        ]}
      />
      {editing !== undefined && (
        <Editor
          key={editing === 'new' ? 'new' : editing.id}
          flow={editing}
          onSaved={() => {
            setEditing(undefined);
            void list.reload();
          }}
        />
      )}
      {current && <Details key={`${current.id}-${current.currentVersion}`} flow={current} onChanged={() => void list.reload()} />}
    </>
  );
}
