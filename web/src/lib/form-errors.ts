// Puts the server's reasons next to the fields they name (validation issues carry the field's path);
// what names no field of the form comes back as one message for an alert above it.
import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';

export function showServerErrors(form: FormInstance, error: unknown, fields: readonly string[]): string | undefined {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const issue of error.issues) {
    const field = fields.find((f) => issue.path === f || issue.path.startsWith(f + '.'));
    if (field !== undefined) byField.set(field, [...(byField.get(field) ?? []), issue.message]);
    else rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  // a dotted field ('wrapUp.seconds') is a nested form item: Ant Design names it by its path
  form.setFields([...byField].map(([name, errors]) => ({ name: name.includes('.') ? name.split('.') : name, errors })));
  if (byField.size > 0 && rest.length === 0) return undefined;
  return rest.length > 0 ? rest.join('; ') : error.text;
}
