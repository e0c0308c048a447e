// The Content-Security-Policy allows <style> elements only with this page's nonce. Ant Design's own
// styles carry it (ConfigProvider csp), but helpers underneath (the modal scroll lock, the scrollbar
// measurement in rc-component) add <style> elements without one. Elements our scripts insert get
// the nonce here; markup injected into the page (the parser, innerHTML) does not pass through these
// methods, so it stays blocked, which is what the nonce is for.
export function nonceStylesWith(nonce: string | undefined): void {
  if (!nonce) return;
  const stamp = (node: Node) => {
    if (node instanceof HTMLStyleElement && !node.nonce) node.nonce = nonce;
  };
  const append = Node.prototype.appendChild;
  const insertBefore = Node.prototype.insertBefore;
  Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
    stamp(node);
    return append.call(this, node) as T;
  };
  Node.prototype.insertBefore = function <T extends Node>(this: Node, node: T, child: Node | null): T {
    stamp(node);
    return insertBefore.call(this, node, child) as T;
  };
}
