// limit/offset paging (the API's) as Ant Design's table pagination.
import type { TablePaginationConfig } from 'antd';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export function tablePagination(page: Page, total: number | undefined, setPage: (p: Page) => void): TablePaginationConfig {
  return {
    total: total ?? 0,
    pageSize: page.limit,
    current: page.offset / page.limit + 1,
    onChange: (p, size) => setPage({ limit: size, offset: (p - 1) * size }),
  };
}
