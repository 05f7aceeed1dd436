// Downloads a campaign export from the API with the page's session, counting CSV records as they arrive (line ends
// outside quotes) so the dialog can show rows received of the X-Export-Rows the server announced, then saves the file.
const running = new Map();

export async function download(id, url, headerLines, dotnet) {
  const control = new AbortController();
  running.set(id, control);
  try {
    const resp = await fetch(url, { credentials: 'same-origin', signal: control.signal });
    if (!resp.ok) {
      let detail = '';
      try { const p = await resp.json(); detail = p.detail || p.title || ''; } catch { }
      return { ok: false, rows: 0, bytes: 0, error: detail || `The server answered ${resp.status}.`, canceled: false };
    }
    const total = parseInt(resp.headers.get('X-Export-Rows') || '0', 10) || 0;
    const name = fileName(resp.headers.get('Content-Disposition')) || 'results.csv';
    const reader = resp.body.getReader();
    const chunks = [];
    let lines = 0, quoted = false, bytes = 0, reported = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.length;
      for (let i = 0; i < value.length; i++) {
        const b = value[i];
        if (b === 34) quoted = !quoted;          // "" inside a quoted cell toggles twice
        else if (b === 10 && !quoted) lines++;
      }
      const now = performance.now();
      if (now - reported > 200) {
        reported = now;
        await dotnet.invokeMethodAsync('Progress', Math.max(0, lines - headerLines), total, bytes);
      }
    }
    const rows = Math.max(0, lines - headerLines);
    await dotnet.invokeMethodAsync('Progress', rows, total, bytes);
    const href = URL.createObjectURL(new Blob(chunks, { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 30000);
    return { ok: true, rows, bytes, name, error: null, canceled: false };
  } catch (e) {
    if (e && e.name === 'AbortError') return { ok: false, rows: 0, bytes: 0, error: 'Stopped.', canceled: true };
    return { ok: false, rows: 0, bytes: 0, error: String(e && e.message || e), canceled: false };
  } finally {
    running.delete(id);
  }
}

export function cancel(id) {
  const c = running.get(id);
  if (c) c.abort();
}

function fileName(disposition) {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}
