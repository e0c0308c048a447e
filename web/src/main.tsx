// Entry: the CSP nonce for styles first, the language next (so the first paint is in the right
// one), then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { nonceStylesWith } from './lib/csp-nonce';
import './i18n';
import { App } from './App';

const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
const nonce = meta && meta !== '__CSP_NONCE__' ? meta : undefined;
nonceStylesWith(nonce);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App nonce={nonce} />
    </StrictMode>,
  );
}
