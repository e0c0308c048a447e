// Entry: language first (so the first paint is in the right one), then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import { App } from './App';

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App nonce={nonce && nonce !== '__CSP_NONCE__' ? nonce : undefined} />
    </StrictMode>,
  );
}
