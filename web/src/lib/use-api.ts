// Loads one API resource for a screen: data, the error, and a reload.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, request, type RequestOptions } from '../api/client';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  reload(): Promise<void>;
}

export function useApi<T>(url: string | undefined, query?: RequestOptions['query']): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [loading, setLoading] = useState(url !== undefined);
  const queryKey = JSON.stringify(query ?? {});
  const reload = useCallback(async () => {
    if (url === undefined) return;
    setLoading(true);
    try {
      setData(await request<T>(url, { query: JSON.parse(queryKey) as RequestOptions['query'] }));
      setError(undefined);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setLoading(false);
    }
  }, [url, queryKey]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}
