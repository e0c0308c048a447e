// The interval report: today's 15-minute intervals (GET /api/v1/acd/intervals from local midnight),
// for one queue or all summed: calls entered, answered and abandoned as bars, the service level as a
// line (ECharts, its own chunk), and the table of figures below. Sums are of the counts; the ratios
// are worked out again from the summed counts, as the server does for one queue.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Card, Select, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { formatDuration, formatNumber } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Intervals = Response<'/api/v1/acd/intervals', 'get'>;
type Interval = Intervals['items'][number];
type Queues = Response<'/api/v1/acd/queues', 'get'>;
interface Summed {
  start: string;
  entered: number;
  answered: number;
  answeredInSl: number;
  abandoned: number;
  shortAbandoned: number;
  waitAnsweredMs: number;
  handled: number;
  handleMs: number;
  serviceLevel: number | null;
  asaMs: number | null;
  ahtMs: number | null;
}

function sumByStart(rows: readonly Interval[]): Summed[] {
  const by = new Map<string, Summed>();
  for (const r of rows) {
    const s = by.get(r.start) ?? { start: r.start, entered: 0, answered: 0, answeredInSl: 0, abandoned: 0, shortAbandoned: 0, waitAnsweredMs: 0, handled: 0, handleMs: 0, serviceLevel: null, asaMs: null, ahtMs: null };
    for (const k of ['entered', 'answered', 'answeredInSl', 'abandoned', 'shortAbandoned', 'waitAnsweredMs', 'handled', 'handleMs'] as const) s[k] += r[k];
    by.set(r.start, s);
  }
  return [...by.values()]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((s) => ({ ...s, serviceLevel: s.answered > 0 ? s.answeredInSl / s.answered : null, asaMs: s.answered > 0 ? s.waitAnsweredMs / s.answered : null, ahtMs: s.handled > 0 ? s.handleMs / s.handled : null }));
}

const clock = (language: string, iso: string) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

const midnight = () => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
};

export default function AcdIntervals() {
  const { t, i18n } = useTranslation();
  const [queueId, setQueueId] = useState<string>();
  const [from] = useState(midnight);
  const list = useApi<Intervals>('/api/v1/acd/intervals', { from, queueId });
  const queues = useApi<Queues>('/api/v1/acd/queues');
  const rows = useMemo(() => sumByStart(list.data?.items ?? []), [list.data]);
  const chartEl = useRef<HTMLDivElement>(null);
  const time = (iso: string) => clock(i18n.language, iso);

  useEffect(() => {
    if (!chartEl.current) return;
    const chart = echarts.init(chartEl.current);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 56, bottom: 32 },
      xAxis: { type: 'category', data: rows.map((r) => clock(i18n.language, r.start)) },
      yAxis: [
        { type: 'value', name: t('intervals.calls'), minInterval: 1 },
        { type: 'value', name: t('wallboard.serviceLevel'), min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      ],
      series: [
        { name: t('intervals.entered'), type: 'bar', data: rows.map((r) => r.entered) },
        { name: t('intervals.answered'), type: 'bar', data: rows.map((r) => r.answered) },
        { name: t('wallboard.abandoned'), type: 'bar', data: rows.map((r) => r.abandoned) },
        { name: t('wallboard.serviceLevel'), type: 'line', yAxisIndex: 1, data: rows.map((r) => (r.serviceLevel === null ? null : Math.round(r.serviceLevel * 100))) },
      ],
    });
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [rows, t, i18n.language]);

  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('intervals.allQueues')}
          value={queueId}
          onChange={(v?: string) => setQueueId(v)}
          options={(queues.data?.items ?? []).map((q) => ({ value: q.id, label: q.name }))}
          data-testid="intervals-queue"
        />
      </Space>
      <Card title={t('intervals.today')} style={{ marginBottom: 16 }}>
        <div ref={chartEl} style={{ width: '100%', height: 320 }} data-testid="intervals-chart" />
      </Card>
      <Table<Summed>
        rowKey="start"
        size="small"
        loading={list.loading && !list.data}
        dataSource={rows}
        pagination={false}
        data-testid="intervals-table"
        columns={[
          { title: t('intervals.start'), dataIndex: 'start', render: (v: string) => time(v) },
          { title: t('intervals.entered'), dataIndex: 'entered' },
          { title: t('intervals.answered'), dataIndex: 'answered' },
          { title: t('wallboard.abandoned'), dataIndex: 'abandoned' },
          { title: t('wallboard.serviceLevel'), dataIndex: 'serviceLevel', render: (v: number | null) => (v === null ? '—' : `${formatNumber(v * 100)} %`) },
          { title: t('wallboard.asa'), dataIndex: 'asaMs', render: (v: number | null) => formatDuration(v === null ? null : v / 1000) },
          { title: t('wallboard.aht'), dataIndex: 'ahtMs', render: (v: number | null) => formatDuration(v === null ? null : v / 1000) },
        ]}
      />
    </>
  );
}
