import { Alert } from 'antd';
import { ApiError } from '../api/client';

/** a load failure as the server explained it */
export function ErrorAlert({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.text : error.message;
  return <Alert type="error" showIcon role="alert" title={text} style={{ marginBottom: 16 }} />;
}
