// Keyword lists (docs/speech.md "Keyword lists"): the words and phrases live transcription spots on
// calls, typed as people say them ("cancel my card", "投诉"), one per line; on every call or only on
// calls to the numbers named. The server spells each phrase in the live model's tokens when it is
// saved: one the model cannot spell is refused and its reason shown under the phrases field. Below
// the lists, the search: which calls hit a keyword in a period (each hit opens its call record).
import { useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, List, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { ApiError, request, type RequestBody, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';
import { clock } from '../components/CallTranscript';
import { formatDateTime } from '../lib/format';
import { navigate } from '../lib/router';

type Lists = Response<'/api/v1/keyword-lists', 'get'>;
type KeywordList = Lists['items'][number];
type Write = RequestBody<'/api/v1/keyword-lists', 'post'>;
type Found = Response<'/api/v1/keyword-hits', 'get'>;
/** the form: phrases one per line, numbers separated by commas or spaces */
interface ListForm {
  name: string;
  phrases: string;
  numbers?: string;
  enabled: boolean;
}
const FIELDS = ['name', 'phrases', 'numbers', 'enabled'];

const toBody = (v: ListForm): Write => ({
  name: v.name,
  phrases: v.phrases.split('\n').map((p) => p.trim()).filter((p) => p !== ''),
  numbers: (v.numbers ?? '').split(/[\s,]+/).filter((n) => n !== ''),
  enabled: v.enabled,
});

function HitSearch() {
  const { t } = useTranslation();
  const [found, setFound] = useState<Found>();
  const [error, setError] = useState<string>();
  const search = async (v: { keyword?: string; period?: [Dayjs | null, Dayjs | null] | null }) => {
    setError(undefined);
    const [from, to] = v.period ?? [null, null];
    const query = { ...(v.keyword?.trim() ? { keyword: v.keyword.trim() } : {}), ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}), limit: 50 };
    try {
      setFound(await request<Found>('/api/v1/keyword-hits', { query }));
    } catch (err) {
      setError(err instanceof ApiError ? err.text : String(err));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 24 }}>
      <Typography.Title level={5}>{t('keywords.hits.title')}</Typography.Title>
      <Form layout="inline" onFinish={(v) => void search(v)}>
        <Form.Item name="keyword" label={t('keywords.hits.keyword')}>
          <Input allowClear data-testid="hit-keyword" />
        </Form.Item>
        <Form.Item name="period" label={t('keywords.hits.period')}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
        <Button htmlType="submit" data-testid="hit-search">
          {t('keywords.hits.search')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
      {found && (
        <List
          size="small"
          bordered
          header={t('keywords.hits.found', { n: found.total })}
          data-testid="hits-found"
          dataSource={found.items}
          renderItem={(h) => (
            <List.Item onClick={() => navigate(`/cdrs/${h.callId}`)} style={{ cursor: 'pointer' }}>
              <Space>
                <Typography.Text type="secondary">{formatDateTime(h.heardAt)}</Typography.Text>
                <Tag color="gold">{h.keyword}</Tag>
                <span>{t('keywords.hits.at', { list: h.list, leg: t(`transcript.speakers.${h.leg}`), at: clock(h.atMs) })}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}

export default function Keywords() {
  const { t } = useTranslation();
  const lists = useApi<Lists>('/api/v1/keyword-lists');
  const crud = useCrud<KeywordList, ListForm>({
    url: '/api/v1/keyword-lists',
    fields: FIELDS,
    reload: lists.reload,
    body: toBody,
    values: (l) => (l === 'new' ? { enabled: true, phrases: '', numbers: '' } : { name: l.name, phrases: l.phrases.join('\n'), numbers: l.numbers.join(', '), enabled: l.enabled }),
  });
  const editing = crud.editing;
  return (
    <>
      <ErrorAlert error={lists.error} />
      {lists.data && !lists.data.spotting && <Alert type="info" showIcon title={t('keywords.notSpotting')} style={{ marginBottom: 16 }} data-testid="keywords-not-spotting" />}
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="keyword-list-new">
          {t('keywords.new')}
        </Button>
      </Space>
      <Table<KeywordList>
        rowKey="id"
        loading={lists.loading && !lists.data}
        dataSource={lists.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('keywords.name'), dataIndex: 'name' },
          { title: t('keywords.phrases'), key: 'phrases', render: (_: unknown, l: KeywordList) => l.phrases.map((p) => <Tag key={p}>{p}</Tag>) },
          { title: t('keywords.numbers'), key: 'numbers', render: (_: unknown, l: KeywordList) => (l.numbers.length === 0 ? t('keywords.everyCall') : l.numbers.join(', ')) },
          { title: t('keywords.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? t('keywords.yes') : t('keywords.no')) },
          { title: t('common.actions'), key: 'actions', render: (_: unknown, l: KeywordList) => <RowActions onEdit={() => crud.open(l)} deleteTitle={t('keywords.confirmDelete', { name: l.name })} onDelete={() => void crud.remove(l)} /> },
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('keywords.new') : t('keywords.edit', { name: editing?.name ?? '' })}>
        <Form.Item name="name" label={t('keywords.name')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input data-testid="keyword-list-name" />
        </Form.Item>
        <Form.Item name="phrases" label={t('keywords.phrases')} extra={t('keywords.phrasesHint')} rules={[{ required: true, message: t('forms.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} data-testid="keyword-list-phrases" />
        </Form.Item>
        <Form.Item name="numbers" label={t('keywords.numbers')} extra={t('keywords.numbersHint')}>
          <Input data-testid="keyword-list-numbers" />
        </Form.Item>
        <Form.Item name="enabled" label={t('keywords.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </CrudModal>
      <HitSearch />
    </>
  );
}
